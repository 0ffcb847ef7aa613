"""SQLite-only: reader text never reaches FTS5 MATCH as syntax."""

import pytest
from django.db import connection

from tests.factories import PublicationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="FTS5 query syntax is SQLite's"
    ),
]

FTS5_SYNTAX = [
    "title:lymphoma",
    "{title abstract}: lymphoma",
    "NEAR(lymphoma adults, 2)",
    "lymphoma AND OR NOT",
    "lymph*",
    "^lymphoma",
    "lymphoma +",
    '"unbalanced quote',
    'lymphoma" OR "',
    "(lymphoma",
    "lymphoma)",
    "rowid:1",
    "- - -",
    "\x00lymphoma\x00",
    "lymphoma\u0000adults",
    "* : ^ ( ) { } + - \" '",
    "淋巴瘤 lymphoma лимфома",
]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.parametrize("query", FTS5_SYNTAX)
def test_fts5_operators_in_reader_text_are_searched_as_words(client, committed, query):
    with committed():
        PublicationFactory(title="Lymphoma in adults")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200


def test_a_column_filter_is_read_as_words_not_as_a_column(client, committed):
    with committed():
        PublicationFactory(title="Lymphoma in adults")
        PublicationFactory(title="Other", abstract="<p>Its title: lymphoma.</p>")

    response = client.get("/search/", {"q": "title:lymphoma"})

    # The words "title lymphoma" side by side, not "lymphoma in the title".
    titles = [p.title for _, p in response.context["page_obj"]]
    assert titles == ["Other"]


def test_a_prefix_star_is_not_a_wildcard(client, committed):
    with committed():
        PublicationFactory(title="Lymphoma in adults")

    response = client.get("/search/", {"q": "lymph*"})

    assert response.context["result"].total == 0
