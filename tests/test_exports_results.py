"""Whole results as one citation file: streamed, capped, published only."""

import json

import pytest
import rispy

from publications import services
from publications.models import Publication
from publications.views import exports
from tests.factories import DocumentTypeFactory, PublicationFactory
from tests.html import parse_valid_html

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_listing_exports_published_records_newest_first_as_one_file(client):
    older = PublicationFactory(title="Older work", pub_year=2010)
    newer = PublicationFactory(title="Newer work", pub_year=2020)
    PublicationFactory(title="Unseen draft", status=Publication.Status.DRAFT)
    services.publication_withdraw(
        publication=PublicationFactory(title="Withdrawn work"), note="Duplicate."
    )

    response = client.get("/publications/export.ris")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="publications.ris"'
    entries = rispy.loads(body(response))
    assert [entry["title"] for entry in entries] == [newer.title, older.title]


def test_a_result_export_is_capped(client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 3)
    PublicationFactory.create_batch(5)
    entries = json.loads(body(client.get("/publications/export.json")))
    assert len(entries) == 3


@pytest.mark.parametrize("n", [3, 450])
def test_a_result_export_loads_records_in_batches_of_fixed_cost(
    client, n, django_assert_max_num_queries
):
    # One query for the ids, then six per batch of 200 (record, authors,
    # departments, subjects, keywords, related links): 19 for 450 records.
    document_type = DocumentTypeFactory()
    Publication.objects.bulk_create(
        Publication(
            title=f"Bulk {i}",
            pub_year=2020,
            date_sort=20200000,
            document_type=document_type,
            status="published",
        )
        for i in range(n)
    )
    with django_assert_max_num_queries(1 + 6 * -(-n // exports.EXPORT_BATCH)):
        text = body(client.get("/publications/export.bib"))
    assert text.count("@article{") == n


def test_the_listing_offers_its_result_exports(client):
    PublicationFactory()
    tree = parse_valid_html(client.get("/publications/").content)
    links = tree.findall(".//section[@aria-labelledby='export-heading']//a")
    assert [link.get("href") for link in links] == [
        "/publications/export.bib",
        "/publications/export.ris",
        "/publications/export.json",
        "/publications/export.xml",
    ]


def test_an_unknown_export_format_is_not_found(client):
    assert client.get("/publications/export.doc").status_code == 404


def test_a_search_exports_its_results_in_its_order(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PublicationFactory(title="Lymphoma outcomes", pub_year=2010)
        PublicationFactory(title="Lymphoma in children", pub_year=2020)
        PublicationFactory(title="Asthma in adults", pub_year=2015)

    response = client.get("/search/export.ris", {"q": "lymphoma", "sort": "oldest"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="search-results.ris"'
    )
    entries = rispy.loads(body(response))
    assert [entry["title"] for entry in entries] == [
        "Lymphoma outcomes",
        "Lymphoma in children",
    ]


def test_the_search_page_links_its_exports_with_the_same_query(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PublicationFactory(title="Lymphoma outcomes")
    tree = parse_valid_html(client.get("/search/", {"q": "lymphoma"}).content)
    links = tree.findall(".//section[@aria-labelledby='export-heading']//a")
    assert [link.get("href") for link in links] == [
        "/search/export.bib?q=lymphoma",
        "/search/export.ris?q=lymphoma",
        "/search/export.json?q=lymphoma",
        "/search/export.xml?q=lymphoma",
    ]
