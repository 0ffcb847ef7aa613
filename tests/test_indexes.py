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
