"""PostgreSQL: a narrow table with stored tsvectors and one GIN index.

The table (see migration 0004) keeps each record's weighted document vector
out of line (TOAST) and its filter, facet and sort keys in the heap, so
reading the keys of many matches stays cheap; one multi-column GIN index
answers the query and the membership filters together.

One search page costs a fixed number of statements, whatever it finds:

1. set_config, for this transaction only: work_mem large enough for exact
   bitmaps and in-memory sorts; no JIT (compiling costs more than these
   queries save); no parallel workers (a page's queries are short, and the
   cores serve other requests).
2. The summary: total and facet counts from the matches' narrow rows. It
   first runs on a fixed 1/16 sample (`sample = 0`, which has a GIN index
   of its own, for words and membership filters; `sample = 1`, indexed by
   date, for years and types alone); when that predicts more than
   EXACT_LIMIT matches, its scaled figures are the answer and the page says
   "about". Otherwise it runs again on every match, exactly.
3. The page: ids in order, with ts_headline excerpts for those rows only.
   Relevance puts records whose title matches first, then ts_rank_cd, then
   newest. Up to RANK_ALL matches all are ranked; past that, a pool of
   RANK_POOL candidates (title matches first, newest first; from the sample
   when the total is estimated) is ranked, since ranking reads each
   candidate's whole vector.
4. With words and hits: the hits' authors and keywords that hold any of
   the words, highlighted (why each hit matched, beyond its title).
5. Only when nothing is found: "did you mean" from the word table (trigram
   distance), offered when the corrected query finds records.
"""

# SQL is assembled from constants of this package (table names, fragments);
# every value from a request or a record is a bound parameter.
# ruff: noqa: S608

import hashlib
from collections.abc import Iterable
from contextlib import nullcontext

from django.core.cache import cache
from django.db import connection, transaction

from .. import stats
from ..bound import bound_cursor
from . import counts
from .base import (
    DOCUMENTS_KNOWN,
    MARK_START,
    MARK_STOP,
    MAX_RESULTS,
    NEWEST,
    OLDEST,
    RELEVANCE,
    TITLE,
    TOP_KEYWORDS,
    DocumentTexts,
    Hit,
    ProgressFactory,
    SearchBackend,
    SearchFilters,
    SearchPage,
    author_reason,
    facet_counts,
    highlighted,
    with_reasons,
)
from .document import WEIGHTS
from .postgres_sql import (
    CONFIG,
    TABLE,
    WORDS,
    abstract_text,
    documents_ahead_select,
    for_headline,
    known_documents,
    no_sentinels,
    upsert,
    word_text_query,
    words_add,
)
from .postgres_vectors import adapted
from .query import Item, ParsedQuery, parse_query

WORK_MEM = "64MB"
EXACT_LIMIT = 10_000  # past this many matches, counts are estimated
SAMPLE_RATE = 16  # the sample holds 1 row in 16
SAMPLE = "s.sample = 0"  # 1 row in SAMPLE_RATE (see the migrations)
SAMPLE_OF_ALL = "s.sample = 1"  # another, for no words and no membership filter
YEAR_IN_DATE_SORT = 10_000  # date_sort is yyyymmdd
RANK_ALL = 1_000  # up to this many matches, rank them all
RANK_POOL = MAX_RESULTS  # past it, rank this many candidates
SUGGESTION_SIMILARITY = 0.3
SUMMARY_TIMEOUT = 60 * 60

# ts_rank_cd takes weights as {D, C, B, A}.
RANK_WEIGHTS = "{%s}" % ",".join(str(WEIGHTS[letter]) for letter in "DCBA")  # noqa: UP031
QUERY = f"websearch_to_tsquery('{CONFIG}', %(q)s)"
TITLE_OPTIONS = f'HighlightAll=true, StartSel="{MARK_START}", StopSel="{MARK_STOP}"'
ABSTRACT_OPTIONS = (
    "MaxFragments=2, MaxWords=30, MinWords=12, ShortWord=3, "
    f'FragmentDelimiter=" … ", StartSel="{MARK_START}", StopSel="{MARK_STOP}"'
)

# Two passes over the matches' narrow rows, each one hashed GROUPING SETS:
# total, years and types; then the id lists unnested side by side in the
# select list (far cheaper than a join per list) for departments, subjects
# and keywords, of which only the top ones are kept.
_FACETS = f"""
WITH m AS MATERIALIZED (
    SELECT year, document_type_id, department_ids, subject_ids, keyword_ids
    FROM {TABLE} s WHERE {{where}}
), scalars AS (
    SELECT CASE WHEN GROUPING(year) = 0 THEN 'year'
                WHEN GROUPING(document_type_id) = 0 THEN 'type'
                ELSE 'total' END AS facet,
           coalesce(year, document_type_id, 0) AS value, count(*) AS n
    FROM m GROUP BY GROUPING SETS ((year), (document_type_id), ())
), lists AS (
    SELECT CASE WHEN GROUPING(d) = 0 THEN 'department'
                WHEN GROUPING(j) = 0 THEN 'subject'
                ELSE 'keyword' END AS facet,
           coalesce(d, j, k) AS value, count(*) AS n
    FROM (SELECT unnest(department_ids) AS d, unnest(subject_ids) AS j,
                 unnest(keyword_ids) AS k FROM m) AS unnested
    GROUP BY GROUPING SETS ((d), (j), (k))
)
SELECT facet, value, n FROM scalars
UNION ALL
SELECT facet, value, n FROM (
    SELECT facet, value, n,
           row_number() OVER (PARTITION BY facet ORDER BY n DESC, value) AS r
    FROM lists WHERE value IS NOT NULL
) AS ranked
WHERE facet <> 'keyword' OR r <= {TOP_KEYWORDS}
"""

# The hits' authors and keywords that hold any word of the query (reasons):
# each tested as the index reads it, and highlighted. An author's printed
# name ("Henter JI") may not hold the word a reader typed ("Jan-Inge"), so
# the full name comes too.
_NAME = "concat_ws(' ', pe.given_names, pe.family_name)"
_REASONS = f"""
WITH q AS MATERIALIZED (SELECT websearch_to_tsquery('{CONFIG}', %(any)s) AS q)
SELECT a.publication_id, 'author', a.position,
       ts_headline('{CONFIG}', {for_headline(no_sentinels("a.name_as_printed"))},
                   q.q, %(options)s),
       ts_headline('{CONFIG}', {for_headline(no_sentinels(_NAME))}, q.q, %(options)s)
FROM q, publications_authorship a
JOIN publications_person pe ON pe.id = a.person_id
WHERE a.publication_id = ANY(%(ids)s)
  AND to_tsvector('{CONFIG}', concat_ws(' ', a.name_as_printed, {_NAME})) @@ q.q
UNION ALL
SELECT pk.publication_id, 'keyword',
       row_number() OVER (PARTITION BY pk.publication_id ORDER BY k.term),
       ts_headline('{CONFIG}', {for_headline(no_sentinels("k.term"))}, q.q,
                   %(options)s),
       NULL
FROM q, publications_publication_keywords pk
JOIN publications_keyword k ON k.id = pk.keyword_id
WHERE pk.publication_id = ANY(%(ids)s) AND to_tsvector('{CONFIG}', k.term) @@ q.q
ORDER BY 1, 2, 3
"""

# What counts.Keys reads from an index row.
_KEYS = "year, document_type_id, department_ids, subject_ids, keyword_ids, author_ids"

# Each sort as (key expressions, directions); the last key is always the id,
# so pages never overlap.
_ORDERS = {
    NEWEST: (("s.date_sort", "DESC"), ("s.publication_id", "DESC")),
    OLDEST: (("s.date_sort", "ASC"), ("s.publication_id", "ASC")),
    TITLE: (("s.title_sort", "ASC"), ("s.publication_id", "ASC")),
    RELEVANCE: (
        (f"(s.title_document @@ {QUERY})", "DESC"),
        (f"ts_rank_cd('{RANK_WEIGHTS}', s.document, {QUERY})", "DESC"),
        ("s.date_sort", "DESC"),
        ("s.publication_id", "DESC"),
    ),
}


def _where(text: str, filters: SearchFilters) -> tuple[list[str], dict]:
    conditions, params = [], {"q": text}
    if text:
        conditions.append(f"s.document @@ {QUERY}")
    for column, value in (
        ("department_ids", filters.department),
        ("subject_ids", filters.subject),
        ("keyword_ids", filters.keyword),
        ("author_ids", filters.author),
    ):
        if value is not None:
            conditions.append(f"s.{column} @> ARRAY[%({column})s]::integer[]")
            params[column] = value
    if filters.document_type is not None:
        conditions.append("s.document_type_id = %(type)s")
        params["type"] = filters.document_type
    # The date sort key begins with the year (dates.PartialDate.sort_key;
    # the year counts of /years/ read it so too), so years are a range of
    # it: the newest-first index lists a year page in order, and the
    # sample's date index counts it.
    if filters.year_from is not None:
        conditions.append("s.date_sort >= %(date_from)s")
        params["date_from"] = filters.year_from * YEAR_IN_DATE_SORT
    if filters.year_to is not None:
        conditions.append("s.date_sort < %(date_before)s")
        params["date_before"] = (filters.year_to + 1) * YEAR_IN_DATE_SORT
    return conditions or ["TRUE"], params


def _sample(text: str, filters: SearchFilters) -> str:
    """Which fixed sample estimates a large result: sample 0 (its own GIN
    index) when there are words or a membership filter; otherwise sample 1,
    indexed by date (a year page, a type page, no filter at all)."""
    members = (filters.department, filters.subject, filters.keyword, filters.author)
    if text or any(value is not None for value in members):
        return SAMPLE
    return SAMPLE_OF_ALL


def _facet_rows(cursor, where: list[str], params: dict) -> tuple[int, dict]:
    cursor.execute(_FACETS.format(where=" AND ".join(where)), params)
    return facet_counts(cursor.fetchall())


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def search(self, query, filters, sort, page, per_page) -> SearchPage:
        parsed = parse_query(query)
        text = parsed.to_websearch()
        if sort == RELEVANCE and not text:
            sort = NEWEST
        offset = (page - 1) * per_page
        where, params = _where(text, filters)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('work_mem', %s, true), "
                "set_config('jit', 'off', true), "
                "set_config('max_parallel_workers_per_gather', '0', true)",
                [WORK_MEM],
            )
            total, estimated, facets = self._summary(
                cursor, text, where, params, _sample(text, filters)
            )
            hits = []
            if total and offset < min(total, MAX_RESULTS):
                hits = self._page(
                    cursor,
                    text,
                    where,
                    params,
                    sort,
                    offset,
                    per_page,
                    total,
                    estimated,
                )
            if hits:
                hits = self._with_reasons(cursor, hits, parsed)
            suggestion = None
            if not total and parsed:
                suggestion = self._suggestion(cursor, parsed, filters)
        return SearchPage(hits, total, estimated, facets, suggestion)

    def _summary(self, cursor, text, where, params, sample):
        if where == ["TRUE"]:
            # The whole collection: kept counted (counts.py), exact.
            total, facets = counts.collection_summary(cursor)
            return total, False, facets
        if text:
            return self._summary_of(cursor, where, params, sample)
        # No words: a browse listing (a department, a year...) or filters
        # alone. The same for every reader until a record changes, and
        # costly for a big one (its sample's rows), so cached under the
        # generation that every write moves on (stats.invalidate).
        generation = cache.get_or_set(stats.GENERATION_KEY, 1, timeout=None)
        digest = hashlib.sha256(repr((where, sorted(params.items()))).encode())
        key = f"publications:search:{generation}:summary:{digest.hexdigest()[:32]}"
        summary = cache.get(key)
        if summary is None:
            summary = self._summary_of(cursor, where, params, sample)
            cache.set(key, summary, SUMMARY_TIMEOUT)
        return summary

    def _summary_of(self, cursor, where, params, sample):
        total, facets = _facet_rows(cursor, [*where, sample], params)
        if total * SAMPLE_RATE > EXACT_LIMIT:
            scaled = {
                name: [(value, count * SAMPLE_RATE) for value, count in values]
                for name, values in facets.items()
            }
            return total * SAMPLE_RATE, True, scaled
        total, facets = _facet_rows(cursor, where, params)
        return total, False, facets

    def _page(self, cursor, text, where, params, sort, offset, limit, total, estimated):
        keys = _ORDERS[sort]
        columns = ", ".join(f"{expr} AS k{n}" for n, (expr, _) in enumerate(keys))
        order = ", ".join(f"k{n} {direction}" for n, (_, direction) in enumerate(keys))
        params = {**params, "offset": offset, "limit": limit}
        condition = " AND ".join(where)
        if sort == RELEVANCE and (estimated or total > RANK_ALL):
            # Bounded ranking: title matches first, newest first, at most
            # RANK_POOL of them (from the sample when the total is an
            # estimate), then ranked. Ordering by an expression no index
            # has keeps the planner on the GIN index: walking the date index
            # instead would read a document out of line per row tested.
            pool = condition + (f" AND {SAMPLE}" if estimated else "")
            page = f"""
                WITH pool AS MATERIALIZED (
                    SELECT s.publication_id FROM {TABLE} s WHERE {pool}
                    ORDER BY (s.title_document @@ {QUERY}) DESC,
                             s.date_sort DESC, s.publication_id DESC
                    LIMIT {RANK_POOL}
                ), page AS (
                    SELECT s.publication_id, {columns} FROM {TABLE} s
                    WHERE s.publication_id IN (SELECT publication_id FROM pool)
                    ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s
                )"""
        else:
            page = f"""
                WITH page AS (
                    SELECT s.publication_id, {columns} FROM {TABLE} s
                    WHERE {condition}
                    ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s
                )"""
        if text:
            title = for_headline(no_sentinels("p.title"))
            abstract = for_headline(abstract_text("p.abstract"))
            select = f"""
                SELECT page.publication_id,
                       ts_headline('{CONFIG}', {title}, {QUERY}, %(title_options)s),
                       ts_headline('{CONFIG}', {abstract}, {QUERY},
                                   %(abstract_options)s)
                FROM page JOIN publications_publication p
                     ON p.id = page.publication_id
                ORDER BY {order}"""
            params["title_options"] = TITLE_OPTIONS
            params["abstract_options"] = ABSTRACT_OPTIONS
        else:
            select = f"SELECT publication_id, NULL, NULL FROM page ORDER BY {order}"
        cursor.execute(page + select, params)
        return [
            Hit(pk, highlighted(title), highlighted(abstract) if abstract else None)
            for pk, title, abstract in cursor.fetchall()
        ]

    def _with_reasons(self, cursor, hits: list[Hit], parsed: ParsedQuery):
        """The hits, each with the authors and keywords it matched on."""
        if not parsed:
            return hits
        cursor.execute(
            _REASONS,
            {
                "any": parsed.any_word().to_websearch(),
                "ids": [hit.publication_id for hit in hits],
                "options": TITLE_OPTIONS,
            },
        )
        rows = [
            (pk, kind, author_reason(text, full) if kind == "author" else text)
            for pk, kind, _position, text, full in cursor.fetchall()
        ]
        return with_reasons(hits, rows)

    def _suggestion(self, cursor, parsed: ParsedQuery, filters) -> str | None:
        """The query with each unknown word replaced by the nearest indexed
        word, when that finds records under the same filters."""
        words = parsed.words
        cursor.execute(
            f"""
            SELECT t.word, w.word
            FROM unnest(%(words)s::text[]) WITH ORDINALITY AS t(word, n)
            CROSS JOIN LATERAL (SELECT lower(unaccent(t.word)) AS plain) p
            LEFT JOIN LATERAL (
                SELECT c.word FROM {WORDS} c
                WHERE NOT EXISTS (SELECT 1 FROM {WORDS} k WHERE k.word = p.plain)
                  AND similarity(c.word, p.plain) >= %(similarity)s
                ORDER BY c.word <-> p.plain, c.documents DESC LIMIT 1
            ) w ON true
            ORDER BY t.n""",
            {"words": words, "similarity": SUGGESTION_SIMILARITY},
        )
        replacements = {word: best for word, best in cursor.fetchall() if best}
        if not replacements:
            return None
        corrected = ParsedQuery(
            tuple(
                tuple(
                    Item(
                        tuple(replacements.get(w, w) for w in item.words), item.excluded
                    )
                    for item in conjunction
                )
                for conjunction in parsed.alternatives
            )
        ).to_websearch()
        conditions, params = _where(corrected, filters)
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {TABLE} s WHERE {' AND '.join(conditions)})",
            params,
        )
        return corrected if cursor.fetchone()[0] else None

    def index(self, publication_ids: Iterable[int]) -> None:
        ids = sorted({int(pk) for pk in publication_ids})
        if not ids:
            return
        with transaction.atomic(), bound_cursor() as cursor:
            adapted(cursor)
            before = _keys_locked(cursor, ids)
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE publication_id = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM publications_publication p "
                f"WHERE p.id = {TABLE}.publication_id AND p.status = 'published')",
                [ids],
            )
            cursor.execute(
                upsert(TABLE, "{col} = ANY(%(ids)s)") + f" RETURNING {_KEYS}",
                {"ids": ids, **known_documents(DOCUMENTS_KNOWN.get())},
            )
            after = [counts.Keys(*row) for row in cursor.fetchall()]
            counts.counts_change(cursor, before, after)
            cursor.execute(words_add(), [word_text_query(ids)])

    def documents(self, texts: Iterable[DocumentTexts]) -> dict[DocumentTexts, tuple]:
        given = list(dict.fromkeys(texts))
        if not given:
            return {}
        with bound_cursor() as cursor:
            cursor.execute(
                documents_ahead_select(),
                {
                    "titles": [t.title for t in given],
                    "abstracts": [t.abstract for t in given],
                    "names": [t.names for t in given],
                    "venues": [t.venue for t in given],
                },
            )
            return dict(zip(given, cursor.fetchall(), strict=True))

    def remove(self, publication_ids: Iterable[int]) -> None:
        ids = sorted({int(pk) for pk in publication_ids})
        if ids:
            with transaction.atomic(), connection.cursor() as cursor:
                before = _keys_locked(cursor, ids)
                cursor.execute(
                    f"DELETE FROM {TABLE} WHERE publication_id = ANY(%s)", [ids]
                )
                counts.counts_change(cursor, before, [])

    def rebuild(self, progress: ProgressFactory | None = None) -> int:
        from .postgres_rebuild import rebuild

        return rebuild(progress or (lambda **kwargs: nullcontext(_NoProgress())))


def _keys_locked(cursor, ids: list[int]) -> list[counts.Keys]:
    """The counted keys of these records' index rows, read once every other
    writer of them has committed: the record rows are locked first (they
    exist even where the index has no row yet), so two transactions never
    both take the same old row as the one they replace."""
    cursor.execute(
        "SELECT id FROM publications_publication WHERE id = ANY(%s) "
        "ORDER BY id FOR NO KEY UPDATE",
        [ids],
    )
    cursor.execute(f"SELECT {_KEYS} FROM {TABLE} WHERE publication_id = ANY(%s)", [ids])
    return [counts.Keys(*row) for row in cursor.fetchall()]


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass
