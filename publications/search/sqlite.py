"""SQLite: an FTS5 table (rowid = publication id) with the document's parts
as columns, weighted in bm25(), and a plain table of the filter/sort keys
(id lists as JSON arrays, read with json_each).

The reader's query reaches MATCH only as rewritten by query.py (every word a
quoted string), so no input is FTS5 syntax. SQLite serves small collections
(the embedded default), so counts and facets are always exact.
"""

# SQL is assembled from constants of this package (table names, fragments);
# every value from a request or a record is a bound parameter.
# ruff: noqa: S608

import json
from collections.abc import Iterable
from contextlib import nullcontext

from django.db import connection, transaction

from . import counts
from .base import (
    MARK_START,
    MARK_STOP,
    MAX_RESULTS,
    NEWEST,
    OLDEST,
    RELEVANCE,
    TITLE,
    TOP_KEYWORDS,
    Hit,
    ProgressFactory,
    SearchBackend,
    SearchPage,
    author_reason,
    facet_counts,
    highlighted,
    with_reasons,
)
from .document import PARTS, WEIGHTS, clean_text, documents_for
from .query import ParsedQuery, parse_query
from .sqlite_marks import marked

FTS = "publications_search_fts"
KEYS = "publications_search"
REBUILD_BATCH = 2_000
# bm25() weights in column order; 10x the A..D weights.
BM25 = "bm25({fts}, {weights})".format(
    fts=FTS, weights=", ".join(str(WEIGHTS[weight] * 10) for _, weight in PARTS)
)
ABSTRACT_COLUMN = [name for name, _ in PARTS].index("abstract")
SNIPPET_WORDS = 30

_ORDERS = {
    NEWEST: "k.date_sort DESC, k.publication_id DESC",
    OLDEST: "k.date_sort ASC, k.publication_id ASC",
    TITLE: "k.title_sort ASC, k.publication_id ASC",
    # Title matches first (as on PostgreSQL), then bm25 (lower is better).
    RELEVANCE: (
        f"(k.publication_id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)) DESC, "
        f"{BM25} ASC, k.date_sort DESC, k.publication_id DESC"
    ),
}


def _where(match: str, filters) -> tuple[list[str], list]:
    conditions, params = [], []
    if match:
        conditions.append(
            f"k.publication_id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"
        )
        params.append(match)
    for column, value in (
        ("department_ids", filters.department),
        ("subject_ids", filters.subject),
        ("keyword_ids", filters.keyword),
        ("author_ids", filters.author),
    ):
        if value is not None:
            conditions.append(
                f"EXISTS (SELECT 1 FROM json_each(k.{column}) WHERE value = %s)"
            )
            params.append(value)
    # Years as a range of the date sort key (yyyymmdd), which the
    # newest-first index answers, as on PostgreSQL.
    for condition, value in (
        ("k.document_type_id = %s", filters.document_type),
        (
            "k.date_sort >= %s",
            None if filters.year_from is None else filters.year_from * 10_000,
        ),
        (
            "k.date_sort < %s",
            None if filters.year_to is None else (filters.year_to + 1) * 10_000,
        ),
    ):
        if value is not None:
            conditions.append(condition)
            params.append(value)
    return conditions or ["1"], params


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def search(self, query, filters, sort, page, per_page) -> SearchPage:
        parsed = parse_query(query)
        match = parsed.to_fts5() if parsed else ""
        if sort == RELEVANCE and not match:
            sort = NEWEST
        where, params = _where(match, filters)
        condition = " AND ".join(where)
        offset = (page - 1) * per_page
        with connection.cursor() as cursor:
            total, facets = self._summary(cursor, condition, params)
            hits = []
            if total and offset < min(total, MAX_RESULTS):
                hits = self._page(
                    cursor, match, condition, params, sort, offset, per_page
                )
        if hits and parsed:
            hits = self._with_reasons(hits, parsed)
        return SearchPage(hits, total, False, facets)

    def _with_reasons(self, hits: list[Hit], parsed: ParsedQuery) -> list[Hit]:
        """The hits, each with the authors and keywords it matched on: read
        in one query, tested against the query by the index's rules."""
        ids = [hit.publication_id for hit in hits]
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT a.publication_id, 'author', a.position, a.name_as_printed,
                       trim(pe.given_names || ' ' || pe.family_name)
                FROM publications_authorship a
                JOIN publications_person pe ON pe.id = a.person_id
                WHERE a.publication_id IN ({placeholders})
                UNION ALL
                SELECT pk.publication_id, 'keyword', 0, k.term, NULL
                FROM publications_publication_keywords pk
                JOIN publications_keyword k ON k.id = pk.keyword_id
                WHERE pk.publication_id IN ({placeholders})
                ORDER BY 1, 2, 3, 4""",
                [*ids, *ids],
            )
            rows = cursor.fetchall()
        # Each row's printed text and full name, in one list to test.
        texts = [clean_text(text) for row in rows for text in (row[3], row[4])]
        marks = marked(texts, parsed.any_word().to_fts5())
        found = []
        for n, (pk, kind, _position, printed, full) in enumerate(rows):
            printed_mark, full_mark = marks.get(2 * n), marks.get(2 * n + 1)
            if kind == "keyword" and printed_mark:
                found.append((pk, kind, printed_mark))
            elif kind == "author" and (printed_mark or full_mark):
                found.append(
                    (
                        pk,
                        kind,
                        author_reason(
                            printed_mark or clean_text(printed),
                            full_mark or clean_text(full),
                        ),
                    )
                )
        return with_reasons(hits, found)

    def _summary(self, cursor, condition, params):
        if condition == "1":  # the whole collection: kept counted (counts.py)
            return counts.collection_summary(cursor)
        matches = f"SELECT * FROM {KEYS} k WHERE {condition}"
        cursor.execute(
            f"""
            WITH m AS ({matches})
            SELECT 'total', 0, count(*) FROM m
            UNION ALL SELECT 'year', year, count(*) FROM m GROUP BY year
            UNION ALL SELECT 'type', document_type_id, count(*) FROM m
                      GROUP BY document_type_id
            UNION ALL SELECT 'department', j.value, count(*)
                      FROM m, json_each(m.department_ids) j GROUP BY j.value
            UNION ALL SELECT 'subject', j.value, count(*)
                      FROM m, json_each(m.subject_ids) j GROUP BY j.value
            UNION ALL SELECT * FROM (
                SELECT 'keyword', j.value, count(*) AS n
                FROM m, json_each(m.keyword_ids) j GROUP BY j.value
                ORDER BY n DESC, j.value LIMIT {TOP_KEYWORDS})
            """,
            params,
        )
        return facet_counts(cursor.fetchall())

    def _page(self, cursor, match, condition, params, sort, offset, limit):
        order = _ORDERS[sort]
        if sort == RELEVANCE:
            title_match = f"{{title}} : ({match})"
            # bm25() needs the FTS row of the match: join it.
            cursor.execute(
                f"""
                SELECT k.publication_id FROM {KEYS} k
                JOIN {FTS} ON {FTS}.rowid = k.publication_id
                WHERE {FTS} MATCH %s AND {condition}
                ORDER BY {order} LIMIT %s OFFSET %s""",
                [match, *params, title_match, limit, offset],
            )
        else:
            cursor.execute(
                f"SELECT k.publication_id FROM {KEYS} k WHERE {condition} "
                f"ORDER BY {order} LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
        ids = [row[0] for row in cursor.fetchall()]
        if not match or not ids:
            return [Hit(pk) for pk in ids]
        # Excerpts for the rows shown only.
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"""
            SELECT rowid, highlight({FTS}, 0, %s, %s),
                   snippet({FTS}, {ABSTRACT_COLUMN}, %s, %s, ' … ', {SNIPPET_WORDS}),
                   abstract
            FROM {FTS} WHERE {FTS} MATCH %s AND rowid IN ({placeholders})""",
            [MARK_START, MARK_STOP, MARK_START, MARK_STOP, match, *ids],
        )
        excerpts = {}
        for pk, title, snippet, abstract in cursor.fetchall():
            if MARK_START not in snippet:
                # No match in the abstract: its opening words, as PostgreSQL does.
                words = abstract.split()
                snippet = " ".join(words[:SNIPPET_WORDS]) + (
                    " …" if len(words) > SNIPPET_WORDS else ""
                )
            excerpts[pk] = (title, snippet)
        return [
            Hit(pk, highlighted(excerpts[pk][0]), highlighted(excerpts[pk][1]) or None)
            if pk in excerpts
            else Hit(pk)
            for pk in ids
        ]

    def index(self, publication_ids: Iterable[int]) -> None:
        ids = sorted({int(pk) for pk in publication_ids})
        if not ids:
            return
        # SQLite lets one writer at a time in, so the rows read here are the
        # ones this transaction replaces (counts.py moves the counts).
        with transaction.atomic(), connection.cursor() as cursor:
            before = self._delete(cursor, ids)
            documents = documents_for(ids)
            self._write(documents)
            counts.counts_change(
                cursor,
                before,
                [
                    counts.Keys(
                        d.year,
                        d.document_type_id,
                        d.department_ids,
                        d.subject_ids,
                        d.keyword_ids,
                        d.author_ids,
                    )
                    for d in documents
                ],
            )

    def remove(self, publication_ids: Iterable[int]) -> None:
        ids = sorted({int(pk) for pk in publication_ids})
        with transaction.atomic(), connection.cursor() as cursor:
            before = self._delete(cursor, ids)
            counts.counts_change(cursor, before, [])

    def _delete(self, cursor, ids: list[int]) -> list[counts.Keys]:
        """Delete these records' rows; returns their counted keys."""
        before = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                "SELECT year, document_type_id, department_ids, subject_ids, "
                f"keyword_ids, author_ids FROM {KEYS} "
                f"WHERE publication_id IN ({placeholders})",
                chunk,
            )
            before += [
                counts.Keys(year, kind, *(json.loads(ids) for ids in lists))
                for year, kind, *lists in cursor.fetchall()
            ]
            cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({placeholders})", chunk)
            cursor.execute(
                f"DELETE FROM {KEYS} WHERE publication_id IN ({placeholders})",
                chunk,
            )
        return before

    def _write(self, documents) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS} (rowid, title, authors, keywords, subjects, "
                "abstract, venue) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        d.publication_id,
                        d.title,
                        d.authors,
                        d.keywords,
                        d.subjects,
                        d.abstract,
                        d.venue,
                    )
                    for d in documents
                ],
            )
            cursor.executemany(
                f"INSERT INTO {KEYS} (publication_id, year, document_type_id, "
                "date_sort, title_sort, department_ids, subject_ids, keyword_ids, "
                "author_ids) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        d.publication_id,
                        d.year,
                        d.document_type_id,
                        d.date_sort,
                        d.title_sort,
                        json.dumps(d.department_ids),
                        json.dumps(d.subject_ids),
                        json.dumps(d.keyword_ids),
                        json.dumps(d.author_ids),
                    )
                    for d in documents
                ],
            )

    def rebuild(self, progress: ProgressFactory | None = None) -> int:
        from ..models import Publication

        progress = progress or (lambda **kwargs: nullcontext(_NoProgress()))
        ids = list(
            Publication.objects.published().order_by("pk").values_list("pk", flat=True)
        )
        written = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS}")
            cursor.execute(f"DELETE FROM {KEYS}")
            with progress(total=len(ids), desc="Search documents") as bar:
                for start in range(0, len(ids), REBUILD_BATCH):
                    documents = documents_for(ids[start : start + REBUILD_BATCH])
                    self._write(documents)
                    written += len(documents)
                    bar.update(len(documents))
            cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")
            counts.counts_rebuild(cursor, KEYS)
        return written


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass
