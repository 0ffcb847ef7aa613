"""PostgreSQL: the large values imports write are compressed with LZ4
(migrations publications 0010 and ingest 0006), and read back whole."""

import pytest
from django.db import connection

from publications.services import publication_create
from tests.factories import DocumentTypeFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="column compression is PostgreSQL's"
    ),
]


def lz4_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
            "WHERE name = 'default_toast_compression'"
        )
        return cursor.fetchone()[0]


def test_large_columns_are_compressed_with_lz4_where_the_server_has_it():
    if not lz4_available():
        pytest.skip("this PostgreSQL server was built without LZ4")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname || '.' || a.attname, a.attcompression "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE (c.relname, a.attname) IN (('publications_search', 'document'), "
            "('publications_search', 'author_ids'), "
            "('publications_publication', 'abstract'), "
            "('publications_historicalpublication', 'abstract'), "
            "('ingest_importrow', 'record'))"
        )
        methods = dict(cursor.fetchall())
    assert methods == {
        "publications_search.document": "l",
        "publications_search.author_ids": "l",
        "publications_publication.abstract": "l",
        "publications_historicalpublication.abstract": "l",
        "ingest_importrow.record": "l",
    }


def test_a_long_abstract_is_stored_compressed_and_read_back_whole():
    abstract = "<p>" + " ".join(f"ferritin{n} sepsis" for n in range(2000)) + "</p>"
    publication = publication_create(
        title="A long abstract",
        pub_year=2020,
        document_type=DocumentTypeFactory(),
        abstract=abstract,
        status="published",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT abstract, pg_column_compression(abstract) "
            "FROM publications_publication WHERE id = %s",
            [publication.pk],
        )
        stored, method = cursor.fetchone()
    assert stored == abstract
    assert method == ("lz4" if lz4_available() else "pglz")
