"""No table of the catalogue keeps an index that another makes redundant: a
plain index whose columns lead another index only costs every write."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def catalogue_tables() -> list[str]:
    models = [
        *apps.get_app_config("publications").get_models(include_auto_created=True)
    ]
    models += apps.get_app_config("ingest").get_models(include_auto_created=True)
    return sorted({model._meta.db_table for model in models})


def redundant_indexes(table: str) -> list[tuple[str, list[str], str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    # Unique and primary key constraints are indexes too.
    indexes = {
        name: details["columns"]
        for name, details in constraints.items()
        if (details["index"] or details["unique"] or details["primary_key"])
        and details["columns"]
        and all(details["columns"])
    }
    plain = {
        name: columns
        for name, columns in indexes.items()
        if constraints[name]["index"]
        and not constraints[name]["unique"]
        and not constraints[name]["primary_key"]
        # Expression and partial indexes serve their own queries.
        and constraints[name].get("type") in ("btree", "idx", None)
    }
    return [
        (name, columns, other)
        for name, columns in plain.items()
        for other, longer in indexes.items()
        if other != name
        and len(longer) > len(columns)
        and longer[: len(columns)] == columns
    ]


def test_no_plain_index_is_the_start_of_another():
    found = {
        table: redundant
        for table in catalogue_tables()
        if (redundant := redundant_indexes(table))
    }
    assert found == {}


def indexed_columns(table: str) -> set[str]:
    """The columns of the table's plain, single-column indexes."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        details["columns"][0]
        for details in constraints.values()
        if details["index"]
        and not details["unique"]
        and not details["primary_key"]
        and len(details["columns"]) == 1
    }


def test_history_tables_index_what_the_audit_pages_read():
    """A record's versions are read by its id, the changes to its authors,
    departments and links by publication, a version's keywords and subjects
    by the version; who made a change stays indexed, for deleting a user.
    Nothing else is indexed: each index costs every history row written."""
    by_record = {"id", "history_user_id"}
    by_publication = {"publication_id", "history_user_id"}
    expected = {
        "publications_historicalpublication": by_record,
        "publications_historicalauthorship": by_publication,
        "publications_historicalpublicationdepartment": by_publication,
        "publications_historicalrelatedlink": by_publication,
        "publications_historicalpublication_keywords": {"history_id"},
        "publications_historicalpublication_subjects": {"history_id"},
    }
    history_tables = {
        table
        for table in catalogue_tables()
        if table.startswith("publications_historical")
    }
    assert history_tables == set(expected)
    assert {table: indexed_columns(table) for table in expected} == expected
