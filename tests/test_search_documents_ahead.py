"""Search documents computed ahead (search.documents_ahead) are used for
records whose texts are the very texts they were computed from and for no
other, they equal the documents the engine builds itself, and a one-pass
import's texts are the ones the engine parses."""

from pathlib import Path

import pytest
from django.core.files import File
from django.db import connection

from publications import search
from publications.ingest.building import document_texts, new_publication
from publications.ingest.importing import batch_import
from publications.ingest.models import ImportBatch
from publications.ingest.records import record_from_data
from publications.ingest.resolving import Resolver
from publications.ingest.services import batch_create
from publications.models import Authorship, Keyword, Venue
from publications.services import publications_check_bulk
from tests.factories import PersonFactory, PublicationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="only the PostgreSQL engine stores document vectors",
    ),
]


def documents(publication_id: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document::text, title_document::text FROM publications_search "
            "WHERE publication_id = %s",
            [publication_id],
        )
        return cursor.fetchone()


def indexed_with(publication_ids: list[int], known: dict) -> list[tuple[str, str]]:
    with search.documents_known(known):
        search.index_publications(publication_ids)
    return [documents(pk) for pk in publication_ids]


@pytest.fixture
def record():
    publication = PublicationFactory(
        title="Ferritin in haemophagocytic syndrome",
        abstract="<p>Serum ferritin above 10,000 &amp; fever.</p>",
        venue=Venue.objects.create(title="Blood", abbreviation=""),
        status="published",
    )
    Authorship.objects.create(
        publication=publication,
        person=PersonFactory(given_names="Jan", family_name="Novak"),
        position=1,
    )
    publication.keywords.add(Keyword.objects.create(term="Hyperferritinemia"))
    search.index_publications([publication.pk])
    return publication


def texts_of(publication) -> search.DocumentTexts:
    return search.DocumentTexts(
        title=publication.title,
        abstract=publication.abstract,
        names=" Jan Novak Hyperferritinemia",
        venue="Blood ",
    )


def marked() -> tuple:
    """A document and title vector unlike any record's."""
    texts = search.DocumentTexts("Marked", "", "", "")
    return search.documents_ahead([texts])[texts]


def test_documents_computed_ahead_equal_those_built_in_the_database(record):
    built = documents(record.pk)
    known = search.documents_ahead([texts_of(record)])

    assert len(known) == 1
    assert indexed_with([record.pk], known) == [built]
    assert "'haemophagocyt':3A" in built[0]
    assert "'blood':14" in built[0]


def test_a_document_is_used_only_for_the_texts_it_was_computed_from(record):
    built = documents(record.pk)
    texts = texts_of(record)
    [(document, title)] = indexed_with([record.pk], {texts: marked()})
    assert "'mark':1A" in document
    assert title == "'mark':1"

    for changed in (
        texts._replace(title=texts.title + "!"),
        texts._replace(abstract=texts.abstract + " "),
        texts._replace(names=texts.names.strip()),
        texts._replace(venue="Blood"),
    ):
        assert indexed_with([record.pk], {changed: marked()}) == [built], changed


def test_the_texts_of_an_import_are_those_the_engine_parses(shared_data):
    """The document of each record of the PubMed sample is the one given for
    the texts the import gathers: none is parsed again."""
    path = shared_data("pubmed_sample_2019.xml")
    with path.open("rb") as stream:
        batch = batch_create(
            file=File(stream, name=Path(path).name),
            filename=path.name,
            user=None,
            mode=ImportBatch.Mode.ALL_OR_NOTHING,
        )
    batch = batch_import(batch=batch, user=None)
    rows = list(batch.rows.filter(outcome="created"))
    assert rows
    built = [documents(row.publication_id) for row in rows]

    resolver = Resolver()
    records = [record_from_data(row.record) for row in rows]
    resolver.prefetch(records)
    created = [
        new_publication(record, resolver.resolve(record), status="published")
        for record in records
    ]
    publications_check_bulk(created)
    texts = [document_texts(new) for new in created]
    assert any(t.venue for t in texts) and any(t.abstract for t in texts)
    ids = [row.publication_id for row in rows]
    everywhere = dict.fromkeys(texts, marked())
    for row, (document, _) in zip(rows, indexed_with(ids, everywhere), strict=True):
        assert "'mark':1A" in document, row.row_number
    # And computed ahead from those texts, they are the documents built.
    assert indexed_with(ids, search.documents_ahead(texts)) == built


def test_vectors_in_binary_form_arrive_whole():
    from publications.bound import bound_cursor
    from publications.search.postgres_vectors import Vectors, adapted

    with bound_cursor() as cursor:
        adapted(cursor)
        cursor.execute("SELECT tsvectorsend(to_tsvector('simple', 'Serum ferritin'))")
        [(raw,)] = cursor.fetchall()
        cursor.execute(
            "SELECT v::text FROM unnest(%s) WITH ORDINALITY AS u(v, n) ORDER BY n",
            [Vectors([raw, None, raw])],
        )
        vector = "'ferritin':2 'serum':1"
        assert cursor.fetchall() == [(vector,), (None,), (vector,)]
        cursor.execute("SELECT cardinality(%s)", [Vectors()])
        assert cursor.fetchone() == (0,)
