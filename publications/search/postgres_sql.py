"""PostgreSQL: building search documents in SQL, set-based.

One statement computes the documents of a set of records (`= ANY(ids)` for
the service layer, an id range for rebuilds): per-record aggregates of
authors, keywords, subjects and departments with string_agg/array_agg, the
weighted tsvector, and the filter/sort keys. Parts and weights follow
document.py.

Documents may be given, computed ahead on another connection from a
record's texts (`documents_ahead_select`): each is used only where the
texts it was computed from are the record's very texts, so a stale one is
never used."""

# SQL is assembled from constants of this package (table names, fragments);
# every value from a request or a record is a bound parameter. Arrays of
# texts go in binary (%b): as text, escaping their quotes and backslashes
# cost more in Python, and parsing them more in PostgreSQL, than the rest
# of the statement.
# ruff: noqa: S608

from .base import ANGLE_CLOSE, ANGLE_OPEN, SENTINELS, DocumentTexts
from .document import TITLE_SORT_LENGTH
from .postgres_vectors import Vectors

CONFIG = "repository_search"
TABLE = "publications_search"
WORDS = "publications_search_word"

# Highlighted excerpts and stored text never hold the sentinels.
_NO_SENTINELS = f"translate({{}}, '{''.join(SENTINELS)}', '')"

# Abstract HTML as plain text: tags to spaces, the entities the sanitiser
# writes back to characters (&amp; last, so "&amp;lt;" stays "&lt;").
ABSTRACT_TEXT = (
    "replace(replace(replace(replace(replace("
    "regexp_replace({}, '<[^>]*>', ' ', 'g'), "
    "'&lt;', '<'), '&gt;', '>'), '&quot;', '\"'), '&#39;', ''''), '&amp;', '&')"
)


def no_sentinels(expression: str) -> str:
    return _NO_SENTINELS.format(expression)


def abstract_text(expression: str) -> str:
    return no_sentinels(ABSTRACT_TEXT.format(expression))


def for_headline(expression: str) -> str:
    """Text for ts_headline: angle brackets as placeholders (base.py)."""
    return f"translate({expression}, '<>', '{ANGLE_OPEN}{ANGLE_CLOSE}')"


_ANCESTORS = """
{name}(id, ancestor, depth) AS (
    SELECT id, id, 0 FROM {table}
    UNION ALL
    SELECT up.id, node.parent_id, up.depth + 1
    FROM {name} up JOIN {table} node ON node.id = up.ancestor
    WHERE node.parent_id IS NOT NULL AND up.depth < 16
)"""

# {pred} is a condition on a publication id column named by {col}.
_DOCUMENTS = """
WITH RECURSIVE
{department_up},
{subject_up},
authors AS (
    SELECT a.publication_id,
           string_agg(concat_ws(' ', a.name_as_printed, pe.given_names,
                                pe.family_name), ' ' ORDER BY a.position) AS names,
           array_agg(DISTINCT a.person_id::integer) AS ids
    FROM publications_authorship a
    JOIN publications_person pe ON pe.id = a.person_id
    WHERE {pred_a}
    GROUP BY a.publication_id
),
keywords AS (
    SELECT pk.publication_id, string_agg(k.term, ' ' ORDER BY pk.id) AS names,
           array_agg(DISTINCT k.id::integer) AS ids
    FROM publications_publication_keywords pk
    JOIN publications_keyword k ON k.id = pk.keyword_id
    WHERE {pred_k}
    GROUP BY pk.publication_id
),
subjects AS (
    SELECT ps.publication_id, string_agg(DISTINCT s.name, ' ') AS names,
           array_agg(DISTINCT up.ancestor::integer) AS ids
    FROM publications_publication_subjects ps
    JOIN publications_subject s ON s.id = ps.subject_id
    JOIN subject_up up ON up.id = ps.subject_id
    WHERE {pred_s}
    GROUP BY ps.publication_id
),
departments AS (
    SELECT pd.publication_id, array_agg(DISTINCT up.ancestor::integer) AS ids
    FROM publications_publicationdepartment pd
    JOIN department_up up ON up.id = pd.department_id
    WHERE {pred_d}
    GROUP BY pd.publication_id
),
known(title, abstract, names, venue, document, title_vector) AS (
    SELECT * FROM unnest(%(known_titles)b::text[], %(known_abstracts)b::text[],
                         %(known_names)b::text[], %(known_venues)b::text[],
                         %(known_documents)b, %(known_title_vectors)b)
)
SELECT p.id,
       coalesce(k.document, {document}),
       t.vector,
       p.pub_year, p.document_type_id, p.date_sort,
       left(lower(unaccent(p.title)), {sort_length}),
       coalesce(dp.ids, '{{}}'), coalesce(sj.ids, '{{}}'),
       coalesce(kw.ids, '{{}}'), coalesce(au.ids, '{{}}'),
       mod(p.id / 32, 16)::smallint
FROM publications_publication p
LEFT JOIN publications_venue v ON v.id = p.venue_id
LEFT JOIN authors au ON au.publication_id = p.id
LEFT JOIN keywords kw ON kw.publication_id = p.id
LEFT JOIN subjects sj ON sj.publication_id = p.id
LEFT JOIN departments dp ON dp.publication_id = p.id
CROSS JOIN LATERAL (
    SELECT concat_ws(' ', au.names, kw.names, sj.names) AS names) n
LEFT JOIN known k ON k.title = p.title AND k.abstract = p.abstract
    AND k.names = n.names AND k.venue = {venue}
CROSS JOIN LATERAL (
    SELECT coalesce(k.title_vector, to_tsvector('{config}', {title})) AS vector) t
WHERE p.status = 'published' AND {pred_p}
"""

COLUMNS = (
    "publication_id, document, title_document, year, document_type_id, date_sort, "
    "title_sort, department_ids, subject_ids, keyword_ids, author_ids, sample"
)
_UPDATE = ", ".join(
    f"{column} = EXCLUDED.{column}"
    for column in COLUMNS.replace(" ", "").split(",")[1:]
)


# The venue's text, as a document parses it.
VENUE_TEXT = "concat_ws(' ', v.title, v.abbreviation)"


def document_vector(title_vector: str, names: str, abstract: str, venue: str) -> str:
    """The weighted document, from its title's vector and the texts of its
    names, abstract (as stored) and venue: one expression for the documents
    built here and those computed ahead."""
    return (
        f"setweight({title_vector}, 'A') "
        f"|| setweight(to_tsvector('{CONFIG}', {names}), 'B') "
        f"|| setweight(to_tsvector('{CONFIG}', {abstract_text(abstract)}), 'C') "
        f"|| setweight(to_tsvector('{CONFIG}', {venue}), 'D')"
    )


def documents_select(predicate: str) -> str:
    """The SELECT of documents for records where `predicate` holds; it names
    the publication id column as {col}."""
    return _DOCUMENTS.format(
        department_up=_ANCESTORS.format(
            name="department_up", table="publications_department"
        ),
        subject_up=_ANCESTORS.format(name="subject_up", table="publications_subject"),
        pred_a=predicate.format(col="a.publication_id"),
        pred_k=predicate.format(col="pk.publication_id"),
        pred_s=predicate.format(col="ps.publication_id"),
        pred_d=predicate.format(col="pd.publication_id"),
        pred_p=predicate.format(col="p.id"),
        config=CONFIG,
        title=no_sentinels("p.title"),
        document=document_vector("t.vector", "n.names", "p.abstract", VENUE_TEXT),
        venue=VENUE_TEXT,
        sort_length=TITLE_SORT_LENGTH,
    )


def documents_ahead_select() -> str:
    """Documents and title vectors, in their binary form, of records with
    the texts given as %(titles)s, %(abstracts)s, %(names)s and %(venues)s,
    in that order."""
    document = document_vector(
        "t.vector", "given.names", "given.abstract", "given.venue"
    )
    return (
        f"SELECT tsvectorsend({document}), tsvectorsend(t.vector) "
        "FROM unnest(%(titles)b::text[], %(abstracts)b::text[], "
        "%(names)b::text[], %(venues)b::text[]) "
        "WITH ORDINALITY AS given(title, abstract, names, venue, n) "
        "CROSS JOIN LATERAL (SELECT to_tsvector("
        f"'{CONFIG}', {no_sentinels('given.title')}) AS vector) t "
        "ORDER BY given.n"
    )


def known_documents(known: dict[DocumentTexts, tuple] | None = None) -> dict:
    """Parameters of the documents' statements: the documents given, as
    {texts: (document, title vector)} in binary form, or none."""
    known = known or {}
    return {
        "known_titles": [texts.title for texts in known],
        "known_abstracts": [texts.abstract for texts in known],
        "known_names": [texts.names for texts in known],
        "known_venues": [texts.venue for texts in known],
        "known_documents": Vectors(document for document, _ in known.values()),
        "known_title_vectors": Vectors(title for _, title in known.values()),
    }


def upsert(table: str, predicate: str) -> str:
    return (
        f"INSERT INTO {table} ({COLUMNS}) {documents_select(predicate)} "
        f"ON CONFLICT (publication_id) DO UPDATE SET {_UPDATE}"
    )


def insert(table: str, predicate: str) -> str:
    return f"INSERT INTO {table} ({COLUMNS}) {documents_select(predicate)}"


# The words readers may mean, for "did you mean": the words of titles, names,
# keywords, subjects and venues, lower case without accents ('simple' does not
# stem, so suggestions are real words). Abstracts are left out: parsing them
# all again would double the cost of a rebuild, and readers mostly search
# for what titles and headings name. ts_stat reads a query given as text.
_NAMES_OF_ALL = """
    SELECT to_tsvector('simple', unaccent(concat_ws(' ', given_names, family_name)))
    FROM publications_person
    UNION ALL SELECT to_tsvector('simple', unaccent(term)) FROM publications_keyword
    UNION ALL SELECT to_tsvector('simple', unaccent(name)) FROM publications_subject
    UNION ALL SELECT to_tsvector('simple', unaccent(title)) FROM publications_venue
"""
_TITLES = """
    SELECT to_tsvector('simple', unaccent(p.title))
    FROM publications_publication p WHERE p.status = 'published'
"""
# The words of some records: each record's links and each linked row read by
# its key (OFFSET 0 keeps each lookup apart), so the cost follows the number
# of records, not the size of the tables, whatever the planner estimates of
# tables that grow inside an import's transaction.
_WORDS_OF_SOME = """
    WITH given(id) AS MATERIALIZED (SELECT unnest('{{{ids}}}'::bigint[]))
    SELECT to_tsvector('simple', unaccent(p.title))
    FROM given, LATERAL (SELECT title FROM publications_publication
                         WHERE id = given.id AND status = 'published' OFFSET 0) p
    UNION ALL SELECT to_tsvector('simple', unaccent(concat_ws(' ', pe.given_names,
                                                              pe.family_name)))
    FROM (SELECT DISTINCT a.person_id FROM given,
          LATERAL (SELECT person_id FROM publications_authorship
                   WHERE publication_id = given.id OFFSET 0) a) d,
    LATERAL (SELECT given_names, family_name FROM publications_person
             WHERE id = d.person_id OFFSET 0) pe
    UNION ALL SELECT to_tsvector('simple', unaccent(k.term))
    FROM (SELECT DISTINCT pk.keyword_id FROM given,
          LATERAL (SELECT keyword_id FROM publications_publication_keywords
                   WHERE publication_id = given.id OFFSET 0) pk) d,
    LATERAL (SELECT term FROM publications_keyword WHERE id = d.keyword_id OFFSET 0) k
    UNION ALL SELECT to_tsvector('simple', unaccent(s.name))
    FROM (SELECT DISTINCT ps.subject_id FROM given,
          LATERAL (SELECT subject_id FROM publications_publication_subjects
                   WHERE publication_id = given.id OFFSET 0) ps) d,
    LATERAL (SELECT name FROM publications_subject WHERE id = d.subject_id OFFSET 0) s
    UNION ALL SELECT to_tsvector('simple', unaccent(v.title))
    FROM (SELECT DISTINCT p.venue_id FROM given,
          LATERAL (SELECT venue_id FROM publications_publication
                   WHERE id = given.id OFFSET 0) p) d,
    LATERAL (SELECT title FROM publications_venue WHERE id = d.venue_id OFFSET 0) v
"""
WORD_FILTER = "length(word) BETWEEN 3 AND 40 AND word ~ '^[[:alpha:]]+$'"


def words_rebuild(table: str) -> str:
    return (
        f"INSERT INTO {table} (word, documents) "
        f"SELECT word, ndoc FROM ts_stat(%s) WHERE {WORD_FILTER}"
    )


def words_add() -> str:
    """New words of some records (their counts are refreshed by rebuilds)."""
    return (
        f"INSERT INTO {WORDS} (word, documents) "
        f"SELECT word, ndoc FROM ts_stat(%s) WHERE {WORD_FILTER} "
        "ON CONFLICT (word) DO NOTHING"
    )


def word_text_query(ids: list[int] | None = None) -> str:
    """The ts_stat query text, for all records or these ids (integers only,
    so the text is safe to build)."""
    if ids is None:
        return f"{_TITLES} UNION ALL {_NAMES_OF_ALL}"
    return _WORDS_OF_SOME.format(ids=",".join(str(int(i)) for i in ids))
