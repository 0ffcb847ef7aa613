"""PostgreSQL: rebuilding the whole index without stopping search.

Documents are written set-based (INSERT ... SELECT, one statement per id
range) into a staging table without indexes, which are then built in bulk
(far faster than updating a GIN index row by row), copied from the live
table's own definitions. A short final transaction catches up the records
changed meanwhile and swaps the tables; readers search the old index until
then.
"""

# SQL is assembled from constants of this package (table names, fragments);
# every value from a request or a record is a bound parameter.
# ruff: noqa: S608

import os
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django.utils import timezone

from ..bound import bound_cursor
from .base import ProgressFactory
from .counts import AUTHORS, FACETS, counts_rebuild
from .postgres_sql import (
    TABLE,
    WORDS,
    insert,
    known_documents,
    upsert,
    word_text_query,
    words_rebuild,
)
from .postgres_vectors import adapted

STAGING = f"{TABLE}_rebuild"
BATCH = 10_000  # ids per INSERT ... SELECT
WORKERS = max(1, min(4, os.cpu_count() or 1))
MAINTENANCE_WORK_MEM = "512MB"


def _copy_indexes(cursor) -> list[tuple[str, str]]:
    """Build the live table's indexes on the staging table; returns
    (staging name, live name) pairs for the swap."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid), x.indisprimary
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass
        """,
        [TABLE],
    )
    renames = []
    for name, definition, primary in cursor.fetchall():
        staged = f"{name}_r"
        if primary:
            cursor.execute(
                f"ALTER TABLE {STAGING} ADD CONSTRAINT {staged} "
                "PRIMARY KEY (publication_id)"
            )
        else:
            head, _, tail = definition.partition(" ON ")
            head = head.replace(f" {name}", f" {staged}", 1)
            table, _, rest = tail.partition(" USING ")
            cursor.execute(f"{head} ON {STAGING} USING {rest}")
        renames.append((staged, name, primary))
    return renames


def _write_range(bounds: tuple[int, int]) -> int:
    with transaction.atomic(), bound_cursor() as cursor:
        adapted(cursor).execute(
            insert(STAGING, "{col} >= %(low)s AND {col} < %(high)s"),
            {"low": bounds[0], "high": bounds[1], **known_documents()},
        )
        return cursor.rowcount


def _write_range_in_thread(bounds: tuple[int, int]) -> int:
    try:
        return _write_range(bounds)
    finally:
        connection.close()  # this thread's own connection


def rebuild(progress: ProgressFactory) -> int:
    started = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(
            f"CREATE TABLE {STAGING} (LIKE {TABLE} INCLUDING DEFAULTS "
            "INCLUDING STORAGE INCLUDING COMPRESSION) "
            "WITH (toast_tuple_target = 128, fillfactor = 90)"
        )
        cursor.execute(
            "SELECT coalesce(min(id), 0), coalesce(max(id), -1), count(*) "
            "FROM publications_publication WHERE status = 'published'"
        )
        low, high, count = cursor.fetchone()

    ranges = [(start, start + BATCH) for start in range(low, high + 1, BATCH)]
    with progress(total=count, desc="Search documents") as bar:
        if connection.in_atomic_block:
            # Under a caller's transaction (as in tests) other connections
            # cannot see the staging table: write in this one.
            for bounds in ranges:
                bar.update(_write_range(bounds))
        else:
            # Parsing text is most of the cost: one connection per core.
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                for written in pool.map(_write_range_in_thread, ranges):
                    bar.update(written)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('maintenance_work_mem', %s, false)",
            [MAINTENANCE_WORK_MEM],
        )
        renames = _copy_indexes(cursor)
        cursor.execute("RESET maintenance_work_mem")
        # VACUUM sets the visibility map (index-only scans); not possible
        # inside a transaction (as under tests), where ANALYZE must do.
        analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        cursor.execute(f"{analyze} {STAGING}")

    with transaction.atomic(), connection.cursor() as cursor:
        # Writers wait from here to the swap; readers go on.
        cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        cursor.execute(
            "SELECT id FROM publications_publication WHERE updated_at >= %s",
            [started],
        )
        changed = [row[0] for row in cursor.fetchall()]
        if changed:
            cursor.execute(
                f"DELETE FROM {STAGING} WHERE publication_id = ANY(%s)", [changed]
            )
            with bound_cursor() as bound:
                adapted(bound).execute(
                    upsert(STAGING, "{col} = ANY(%(ids)s)"),
                    {"ids": changed, **known_documents()},
                )
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(f"ALTER TABLE {STAGING} RENAME TO {TABLE}")
        for staged, name, primary in renames:
            if primary:
                cursor.execute(
                    f"ALTER TABLE {TABLE} RENAME CONSTRAINT {staged} TO {name}"
                )
            else:
                cursor.execute(f"ALTER INDEX {staged} RENAME TO {name}")
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        written = cursor.fetchone()[0]
        # Under the same lock, so no writer's difference falls in between.
        counts_rebuild(cursor, TABLE)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {WORDS}")
        cursor.execute(words_rebuild(WORDS), [word_text_query()])
    with connection.cursor() as cursor:
        # Rewritten whole: fresh statistics, or the planner keeps the empty
        # tables' (at 10^6 a letter of the author index was sorted in memory:
        # 39 ms instead of 9), and the visibility map for index-only scans.
        for table in (WORDS, FACETS, AUTHORS):
            cursor.execute(f"{analyze} {table}")
    return written
