"""Search index tables, one design per engine (see publications/search/).

PostgreSQL: the extensions unaccent and pg_trgm (CREATE EXTENSION needs a
superuser or a trusted-extension owner), a text search configuration
`repository_search` (English stemming after unaccent), the narrow table
`publications_search` with a stored weighted tsvector, the facet and sort keys
and GIN indexes, and `publications_search_word` (the index's words, trigram
indexed) for "did you mean".

SQLite: the FTS5 table `publications_search_fts` (rowid = publication id) and
`publications_search` with the same keys (id lists as JSON arrays).

Both start empty: `manage.py rebuild_search_index` fills them.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # English stems ("studies" finds "study") after unaccent ("Gonzalez"
    # finds "González"). A configuration of our own keeps the mapping stable.
    "CREATE TEXT SEARCH CONFIGURATION repository_search (COPY = pg_catalog.english)",
    """ALTER TEXT SEARCH CONFIGURATION repository_search
       ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem""",
    # toast_tuple_target moves the document vectors out of line, so the heap
    # holds only what counts, facets and sorts read for every match. Id lists
    # are int4 (half the width; the cast fails loudly should an id pass 2^31).
    # `sample` is (publication_id / 32) % 16: 0 marks a fixed 1/16 of the
    # rows, in runs of 32 ids (so whole heap pages); counts and facets of very
    # large result sets are estimated from it (publications/search/postgres.py).
    """CREATE TABLE publications_search (
        publication_id bigint PRIMARY KEY,
        document tsvector NOT NULL,
        title_document tsvector NOT NULL,
        year smallint NOT NULL,
        document_type_id integer NOT NULL,
        date_sort integer NOT NULL,
        title_sort text COLLATE "C" NOT NULL,
        department_ids integer[] NOT NULL DEFAULT '{}',
        subject_ids integer[] NOT NULL DEFAULT '{}',
        keyword_ids integer[] NOT NULL DEFAULT '{}',
        author_ids integer[] NOT NULL DEFAULT '{}',
        sample smallint NOT NULL
    ) WITH (toast_tuple_target = 128, fillfactor = 90)""",
    # ...and these stay in the heap (compressed at most): the title vector
    # too, as relevance tests it for every candidate.
    """ALTER TABLE publications_search
       ALTER COLUMN title_document SET STORAGE MAIN,
       ALTER COLUMN title_sort SET STORAGE MAIN,
       ALTER COLUMN department_ids SET STORAGE MAIN,
       ALTER COLUMN subject_ids SET STORAGE MAIN,
       ALTER COLUMN keyword_ids SET STORAGE MAIN,
       ALTER COLUMN author_ids SET STORAGE MAIN""",
    # One GIN index for the query and every membership filter: a search with
    # filters intersects inside one index scan, so the planner never reads
    # the out-of-line document of every record of a department to test it.
    """CREATE INDEX publications_search_gin_idx ON publications_search
       USING gin (document, department_ids, subject_ids, keyword_ids, author_ids)
       WITH (fastupdate = off)""",
    # The same over the sample only (1/16 of the size): a sampled summary
    # reads just the sample's matches.
    """CREATE INDEX publications_search_sample_gin_idx ON publications_search
       USING gin (document, department_ids, subject_ids, keyword_ids, author_ids)
       WITH (fastupdate = off) WHERE sample = 0""",
    # Another fixed 1/16 (sample = 1), for a summary with neither query nor
    # filter. Not sample 0: the planner would take this index for searches
    # too and test each sampled row's (out of line) document one by one.
    """CREATE INDEX publications_search_sample_idx
       ON publications_search (publication_id) WHERE sample = 1""",
    # Newest/oldest and title order.
    """CREATE INDEX publications_search_newest_idx
       ON publications_search (date_sort DESC, publication_id DESC)""",
    """CREATE INDEX publications_search_title_sort_idx
       ON publications_search (title_sort, publication_id)""",
    """CREATE TABLE publications_search_word (
        word text PRIMARY KEY,
        documents integer NOT NULL
    )""",
    # "Did you mean": nearest words by trigram distance (KNN on GiST).
    """CREATE INDEX publications_search_word_trgm_idx
       ON publications_search_word USING gist (word gist_trgm_ops)""",
]

POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS publications_search_word",
    "DROP TABLE IF EXISTS publications_search",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS repository_search",
    # The extensions stay: other databases objects may use them.
]

SQLITE_FORWARD = [
    # porter ~ English stemming, remove_diacritics ~ unaccent.
    """CREATE VIRTUAL TABLE publications_search_fts USING fts5(
        title, authors, keywords, subjects, abstract, venue,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TABLE publications_search (
        publication_id integer PRIMARY KEY,
        year integer NOT NULL,
        document_type_id integer NOT NULL,
        date_sort integer NOT NULL,
        title_sort text NOT NULL,
        department_ids text NOT NULL DEFAULT '[]',
        subject_ids text NOT NULL DEFAULT '[]',
        keyword_ids text NOT NULL DEFAULT '[]',
        author_ids text NOT NULL DEFAULT '[]'
    )""",
    """CREATE INDEX publications_search_newest_idx
       ON publications_search (date_sort DESC, publication_id DESC)""",
    """CREATE INDEX publications_search_title_sort_idx
       ON publications_search (title_sort, publication_id)""",
]

SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS publications_search",
    "DROP TABLE IF EXISTS publications_search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"Search has no engine for {schema_editor.connection.vendor}."
            )
        for statement in statements:
            # No parameters: "%" in the SQL is the modulo operator.
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("publications", "0003_curators_group")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
