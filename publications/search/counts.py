"""Counts of the whole indexed collection, kept beside the search index
(tables made by migration 0007), so no page counts a million rows:

- `publications_search_facet`: records per year, type, department (with
  its sub-units), subject (with its narrower subjects) and keyword, and the
  total: the department and subject trees, /years/ and the search page
  before a search read them whole, exact.
- `publications_search_author`: records per person, with the person's name
  keys, so one letter of the A-Z author index is a range of one index.

Each engine's index() adds the difference between the rows it replaces and
the rows it writes (the old rows read under a lock on PostgreSQL, and SQLite
lets one writer in at a time, so two writers never both subtract the same
row); every rebuild counts again from scratch. A renamed person's records
are reindexed (services.person_save), which refreshes their name keys.

Counts are of the index, so they always agree with what a search with the
same filter finds.

A long transaction that indexes chunk after chunk (an import) gathers the
changes in memory under `deferred()` and writes them when it leaves: on
PostgreSQL every rewrite of a count row within one transaction leaves a
version that the next rewrite has to step over, so writing the same rows per
chunk costs more with every chunk.
"""

# SQL is assembled from constants of this module; values are bound parameters.
# ruff: noqa: S608

import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection

from ..models import Person
from .base import TOP_KEYWORDS, facet_counts

FACETS = "publications_search_facet"
AUTHORS = "publications_search_author"
OTHER = ""  # the initial of family names that do not begin with A-Z

_INITIAL = {
    "postgresql": "CASE WHEN p.family_name ~ '^[A-Za-z]' "
    "THEN upper(left(p.family_name, 1)) ELSE '' END",
    "sqlite": "CASE WHEN p.family_name GLOB '[A-Za-z]*' "
    "THEN upper(substr(p.family_name, 1, 1)) ELSE '' END",
}
_PERSON_COLUMNS = ("id", "given_names", "family_name", "suffix", "slug")
# People gathered under deferred() before theirs are written anyway, so the
# pending changes stay a bounded size whatever the import's (the facet values
# are a bounded set: years, types, departments, subjects, keywords).
DEFERRED_PEOPLE_LIMIT = 20_000


@dataclass(frozen=True)
class Keys:
    """What the counts read from one index row."""

    year: int
    document_type_id: int
    department_ids: Iterable[int]
    subject_ids: Iterable[int]
    keyword_ids: Iterable[int]
    author_ids: Iterable[int]

    def facet_values(self) -> list[tuple[str, int]]:
        return [
            ("total", 0),
            ("year", self.year),
            ("type", self.document_type_id),
            *(("department", pk) for pk in self.department_ids),
            *(("subject", pk) for pk in self.subject_ids),
            *(("keyword", pk) for pk in self.keyword_ids),
        ]


def _difference(before: Counter, after: Counter) -> dict:
    """Every key of either side with its change, zeros kept (a person whose
    count stays has their name keys refreshed all the same)."""
    return {key: after[key] - before[key] for key in sorted(before | after)}


@dataclass
class _Pending:
    facets: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)

    def add(self, facets: dict, people: dict) -> None:
        for key, n in facets.items():
            self.facets[key] = self.facets.get(key, 0) + n
        for key, n in people.items():
            self.people[key] = self.people.get(key, 0) + n


_deferring = threading.local()


def counts_change(cursor, before: Iterable[Keys], after: Iterable[Keys]) -> None:
    """Move the counts from the rows `before` (removed or replaced) to the
    rows `after` (written); under deferred(), later."""
    before, after = list(before), list(after)
    facets = _difference(
        Counter(value for keys in before for value in keys.facet_values()),
        Counter(value for keys in after for value in keys.facet_values()),
    )
    people = _difference(
        Counter(pk for keys in before for pk in keys.author_ids),
        Counter(pk for keys in after for pk in keys.author_ids),
    )
    pending = getattr(_deferring, "pending", None)
    if pending is None:
        _write(cursor, facets, people)
        return
    pending.add(facets, people)
    if len(pending.people) > DEFERRED_PEOPLE_LIMIT:
        _write(cursor, {}, _in_key_order(pending.people))
        pending.people = {}


def deferring() -> bool:
    """Whether this thread is inside deferred()."""
    return getattr(_deferring, "pending", None) is not None


@contextmanager
def deferred() -> Iterator[None]:
    """Gather count changes and write them on leaving, once per table (the
    people's also whenever DEFERRED_PEOPLE_LIMIT of them wait). Use it
    inside the transaction that makes the changes, around writes that either
    all commit or all roll back: on an error the gathered changes are
    dropped with the transaction. Nested, the outermost one writes."""
    if deferring():
        yield
        return
    _deferring.pending = pending = _Pending()
    try:
        yield
        with connection.cursor() as cursor:
            _write(cursor, _in_key_order(pending.facets), _in_key_order(pending.people))
    finally:
        _deferring.pending = None


def _in_key_order(changes: dict) -> dict:
    # As _difference gives them: concurrent writers lock rows in one order.
    return dict(sorted(changes.items()))


def _write(cursor, facets: dict, people: dict) -> None:
    if connection.vendor == "postgresql":
        _change_postgres(cursor, facets, people)
    else:
        _change_sqlite(cursor, facets, people)


_AUTHOR_UPDATE = (
    "initial = excluded.initial, family_name = excluded.family_name, "
    f"given_names = excluded.given_names, records = {AUTHORS}.records "
    "+ excluded.records"
)


def _change_postgres(cursor, facets: dict, people: dict) -> None:
    # Rows in key order, so concurrent writers lock shared rows in one order.
    changed = [(facet, value, n) for (facet, value), n in facets.items() if n]
    if changed:
        cursor.execute(
            f"""
            INSERT INTO {FACETS} (facet, value, records)
            SELECT * FROM unnest(%s::text[], %s::integer[], %s::integer[])
            ORDER BY 1, 2
            ON CONFLICT (facet, value)
            DO UPDATE SET records = {FACETS}.records + excluded.records""",
            [list(column) for column in zip(*changed, strict=True)],
        )
        # Only a value that lost records can have dropped to none; looking
        # at those alone keeps an import of new records from scanning the
        # table (and every version of its rows it has written) each chunk.
        dropped = [(facet, value) for facet, value, n in changed if n < 0]
        if dropped:
            cursor.execute(
                f"DELETE FROM {FACETS} f USING unnest(%s::text[], %s::integer[]) "
                "AS d(facet, value) WHERE f.facet = d.facet AND f.value = d.value "
                "AND f.records <= 0",
                [list(column) for column in zip(*dropped, strict=True)],
            )
    if people:
        ids = list(people)
        cursor.execute(
            f"""
            INSERT INTO {AUTHORS} (person_id, initial, family_name, given_names,
                                   records)
            SELECT p.id, {_INITIAL["postgresql"]}, p.family_name, p.given_names, d.n
            FROM unnest(%s::bigint[], %s::integer[]) AS d(id, n)
            JOIN publications_person p ON p.id = d.id
            ORDER BY p.id
            ON CONFLICT (person_id) DO UPDATE SET {_AUTHOR_UPDATE}""",
            [ids, list(people.values())],
        )
        # People left with no record, and rows of people deleted since
        # (whose count can only have stayed or dropped: a record written now
        # names people who exist).
        gone = [pk for pk, n in people.items() if n <= 0]
        if gone:
            cursor.execute(
                f"DELETE FROM {AUTHORS} c WHERE c.person_id = ANY(%s) AND "
                "(c.records <= 0 OR NOT EXISTS (SELECT 1 FROM publications_person p "
                "WHERE p.id = c.person_id))",
                [gone],
            )


def _change_sqlite(cursor, facets: dict, people: dict) -> None:
    changed = [(facet, value, n) for (facet, value), n in facets.items() if n]
    if changed:
        cursor.executemany(
            f"INSERT INTO {FACETS} (facet, value, records) VALUES (%s, %s, %s) "
            "ON CONFLICT (facet, value) "
            f"DO UPDATE SET records = {FACETS}.records + excluded.records",
            changed,
        )
        if any(n < 0 for _, _, n in changed):
            cursor.execute(f"DELETE FROM {FACETS} WHERE records <= 0")
    if people:
        cursor.executemany(
            f"""
            INSERT INTO {AUTHORS} (person_id, initial, family_name, given_names,
                                   records)
            SELECT p.id, {_INITIAL["sqlite"]}, p.family_name, p.given_names, %s
            FROM publications_person p WHERE p.id = %s
            ON CONFLICT (person_id) DO UPDATE SET {_AUTHOR_UPDATE}""",
            [(n, pk) for pk, n in people.items()],
        )
        ids = [pk for pk, n in people.items() if n <= 0]  # as on PostgreSQL
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {AUTHORS} WHERE person_id IN ({marks}) AND "
                "(records <= 0 OR person_id NOT IN (SELECT id FROM "
                f"publications_person WHERE id IN ({marks})))",
                [*chunk, *chunk],
            )


# Each engine's index table as (facet, value) rows and (person) rows.
_FACET_ROWS = {
    "postgresql": """
        SELECT 'total' AS facet, 0 AS value FROM {table}
        UNION ALL SELECT 'year', year FROM {table}
        UNION ALL SELECT 'type', document_type_id FROM {table}
        UNION ALL SELECT 'department', unnest(department_ids) FROM {table}
        UNION ALL SELECT 'subject', unnest(subject_ids) FROM {table}
        UNION ALL SELECT 'keyword', unnest(keyword_ids) FROM {table}""",
    "sqlite": """
        SELECT 'total' AS facet, 0 AS value FROM {table}
        UNION ALL SELECT 'year', year FROM {table}
        UNION ALL SELECT 'type', document_type_id FROM {table}
        UNION ALL SELECT 'department', j.value
                  FROM {table} k, json_each(k.department_ids) j
        UNION ALL SELECT 'subject', j.value FROM {table} k, json_each(k.subject_ids) j
        UNION ALL SELECT 'keyword', j.value FROM {table} k, json_each(k.keyword_ids) j
    """,
}
_AUTHOR_ROWS = {
    "postgresql": "SELECT unnest(author_ids) AS person_id FROM {table}",
    "sqlite": "SELECT j.value AS person_id FROM {table} k, json_each(k.author_ids) j",
}


def counts_rebuild(cursor, table: str) -> None:
    """Count everything again from the index table `table`."""
    vendor = connection.vendor
    cursor.execute(f"DELETE FROM {FACETS}")
    cursor.execute(
        f"INSERT INTO {FACETS} (facet, value, records) "
        "SELECT facet, value, count(*) FROM ("
        + _FACET_ROWS[vendor].format(table=table)
        + ") AS f GROUP BY facet, value"
    )
    cursor.execute(f"DELETE FROM {AUTHORS}")
    cursor.execute(
        f"""
        INSERT INTO {AUTHORS} (person_id, initial, family_name, given_names, records)
        SELECT p.id, {_INITIAL[vendor]}, p.family_name, p.given_names, c.n
        FROM (SELECT person_id, count(*) AS n
              FROM ({_AUTHOR_ROWS[vendor].format(table=table)}) AS a
              GROUP BY person_id) c
        JOIN publications_person p ON p.id = c.person_id"""
    )


def collection_summary(cursor) -> tuple[int, dict[str, list[tuple[int, int]]]]:
    """(total, facets) of the whole collection as a search summary gives
    them: every value of every facet, but only the top keywords."""
    total, facets = collection_counts(cursor)
    facets["keyword"] = facets["keyword"][:TOP_KEYWORDS]
    return total, facets


def collection_counts(cursor=None) -> tuple[int, dict[str, list[tuple[int, int]]]]:
    """(total, facets) of the whole collection, every value of every facet:
    years newest first, the others most frequent first. One query."""
    if cursor is None:
        with connection.cursor() as cursor:
            return collection_counts(cursor)
    cursor.execute(f"SELECT facet, value, records FROM {FACETS}")
    return facet_counts(cursor.fetchall())


class AuthorIndex:
    """The people under one initial with their record counts, in name order,
    as a Paginator takes it: count() is one query, a slice is one more."""

    def __init__(self, initial: str):
        self.initial = initial

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {AUTHORS} WHERE initial = %s", [self.initial]
            )
            return cursor.fetchone()[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Person]:
        start, stop = window.start or 0, window.stop
        columns = ", ".join(f"p.{name}" for name in _PERSON_COLUMNS)
        with connection.cursor() as cursor:
            # The page is cut from the index alone (a deep page skips index
            # entries, not joins), then joined to its people.
            cursor.execute(
                f"""
                SELECT {columns}, c.records FROM (
                    SELECT person_id, family_name, given_names, records
                    FROM {AUTHORS} WHERE initial = %s
                    ORDER BY family_name, given_names, person_id
                    LIMIT %s OFFSET %s
                ) c
                JOIN publications_person p ON p.id = c.person_id
                ORDER BY c.family_name, c.given_names, c.person_id""",
                [self.initial, stop - start, start],
            )
            rows = cursor.fetchall()
        people = []
        for *values, records in rows:
            person = Person(**dict(zip(_PERSON_COLUMNS, values, strict=True)))
            person.records = records
            people.append(person)
        return people
