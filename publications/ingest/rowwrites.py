"""Writing a chunk's ImportRows fast: a plan of 100,000 rows is written a
thousand at a time, so each chunk is one COPY (PostgreSQL) and each chunk's
outcomes one UPDATE from arrays, where Django's bulk_create and bulk_update
would spend longer building SQL than the database spends running it."""

import json

from django.db import connection

from publications.demo.bulk import BulkWriter

from .models import ImportRow

COLUMNS = (
    "batch_id",
    "row_number",
    "title",
    "record",
    "issues",
    "match_kind",
    "match_id",
    "similarity",
    "diff",
    "action",
    "outcome",
    "message",
    "publication_id",
)
JSON_COLUMNS = {"record", "issues", "diff"}


def _value(row: ImportRow, name: str):
    value = getattr(row, name)
    if name in JSON_COLUMNS:
        return None if value is None else json.dumps(value, ensure_ascii=False)
    return value


def rows_insert(rows: list[ImportRow]) -> None:
    BulkWriter().insert(
        ImportRow, COLUMNS, ([_value(row, name) for name in COLUMNS] for row in rows)
    )


def outcomes_update(rows: list[ImportRow]) -> None:
    """Save each row's outcome, message and publication."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        ImportRow.objects.bulk_update(rows, ["outcome", "message", "publication"])
        return
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET outcome = v.outcome, message = v.message, "  # noqa: S608 - a constant
            "publication_id = v.publication_id FROM unnest("
            "%s::bigint[], %s::text[], %s::text[], %s::bigint[]"
            ") AS v(id, outcome, message, publication_id) WHERE r.id = v.id",
            [
                [row.pk for row in rows],
                [row.outcome for row in rows],
                [row.message for row in rows],
                [row.publication_id for row in rows],
            ],
        )
