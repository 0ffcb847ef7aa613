"""Search vectors computed ahead (search.vectors_ahead) are used for the very
texts they were computed from and for no other, and a one-pass import's
texts are the ones the search engine parses."""

from pathlib import Path

import pytest
from django.core.files import File
from django.db import connection

from publications import search
from publications.ingest.building import search_texts
from publications.ingest.importing import batch_import
from publications.ingest.models import ImportBatch
from publications.ingest.records import record_from_data
from publications.ingest.resolving import Resolver
from publications.ingest.services import batch_create
from publications.models import Authorship, Keyword
from tests.factories import PersonFactory, PublicationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="only the PostgreSQL engine stores text vectors",
    ),
]


def document(publication_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document::text FROM publications_search WHERE publication_id = %s",
            [publication_id],
        )
        return cursor.fetchone()[0]


def indexed_with(publication_id: int, known: dict) -> str:
    with search.vectors_known(known):
        search.index_publications([publication_id])
    return document(publication_id)


@pytest.fixture
def record():
    publication = PublicationFactory(
        title="Ferritin in haemophagocytic syndrome",
        abstract="<p>Serum ferritin above 10,000 &amp; fever.</p>",
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


def texts_of(publication) -> list[tuple[str, str]]:
    return [
        ("title", publication.title),
        ("abstract", publication.abstract),
        ("names", " Jan Novak Hyperferritinemia"),
    ]


def test_vectors_computed_ahead_make_the_same_document(record):
    parsed = document(record.pk)
    known = search.vectors_ahead(texts_of(record))

    assert len(known) == 3
    assert indexed_with(record.pk, known) == parsed


def test_a_vector_is_used_only_for_the_text_it_was_computed_from(record):
    parsed = document(record.pk)
    marked = dict.fromkeys(search.vectors_ahead(texts_of(record)), "'marked':1")
    assert "marked" in indexed_with(record.pk, marked)

    other = {(kind, text + "!"): vector for (kind, text), vector in marked.items()}
    assert indexed_with(record.pk, other) == parsed


def test_the_texts_of_an_import_are_those_the_engine_parses(shared_data, tmp_path):
    """Each part of each document of the PubMed sample takes the vector
    given for the texts the import gathers: none is parsed again."""
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

    resolver = Resolver()
    records = [record_from_data(row.record) for row in rows]
    resolver.prefetch(records)
    for row, record in zip(rows, records, strict=True):
        texts = search_texts(record, resolver.resolve(record))
        marked = {(kind, text): f"'{kind}marked':1" for kind, text in texts}
        vector = indexed_with(row.publication_id, marked)
        for kind in ("title", "abstract", "names"):
            assert f"{kind}marked" in vector, (row.row_number, kind)
