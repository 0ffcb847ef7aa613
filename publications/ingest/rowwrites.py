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
    "match_kind",
    "match_id",
    "similarity",
    "action",
    "outcome",
    "message",
    "publication_id",
)
JSON_COLUMNS = ("record", "issues", "diff")


def _encoded(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def json_values(rows: list[ImportRow]) -> list[tuple[str | None, ...]]:
    """Each row's JSON columns, encoded: a one-pass import encodes a chunk's
    in the thread that plans it, while the chunk before is written."""
    return [
        tuple(_encoded(getattr(row, name)) for name in JSON_COLUMNS) for row in rows
    ]


def rows_insert(
    rows: list[ImportRow], encoded: list[tuple[str | None, ...]] | None = None
) -> None:
    """Insert the rows; `encoded`, their json_values when already known."""
    if encoded is None:
        encoded = json_values(rows)
    BulkWriter().insert(
        ImportRow,
        (*COLUMNS, *JSON_COLUMNS),
        (
            (*(getattr(row, name) for name in COLUMNS), *values)
            for row, values in zip(rows, encoded, strict=True)
        ),
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
