"""schema.org JSON-LD on the record page: the record's type, authors, the
periodical chain, identifiers and subjects, safe inside its <script>."""

import json

import html5lib
import pytest
from django.urls import reverse

from publications.demo.seed import seed_record_load
from publications.models import DocumentType
from tests.factories import PublicationFactory
from tests.test_metadata_head import BASE_URL, full_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.REPOSITORY = {**settings.REPOSITORY, "BASE_URL": BASE_URL}


def scripts(client, publication):
    response = client.get(reverse("publications:record", args=[publication.pk]))
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return list(parser.parse(response.content).iter("script"))


def jsonld(client, publication) -> dict:
    """The page's one JSON-LD block, parsed."""
    (script,) = scripts(client, publication)
    assert script.get("type") == "application/ld+json"
    return json.loads(script.text)


def test_seed_record_is_a_scholarly_article_in_an_issue_of_a_periodical(client):
    seed = seed_record_load()

    data = jsonld(client, seed)

    url = f"{BASE_URL}/publications/{seed.pk}/"
    abstract = data.pop("abstract")
    assert abstract.startswith("Haemophagocytic lymphohistiocytosis (HLH) is a")
    assert abstract.endswith("have yet to be fully determined.")
    assert data == {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": url,
        "url": url,
        "name": "Advances in understanding the pathogenesis of HLH",
        "datePublished": "2013-06",
        "isPartOf": {
            "@type": "PublicationIssue",
            "issueNumber": "5",
            "isPartOf": {
                "@type": "PublicationVolume",
                "volumeNumber": "161",
                "isPartOf": {
                    "@type": "Periodical",
                    "name": "British journal of haematology",
                    "alternateName": "Br J Haematol",
                },
            },
        },
        "pagination": "609-622",
        "pageStart": "609",
        "pageEnd": "622",
        "identifier": [
            {
                "@type": "PropertyValue",
                "propertyID": "DOI",
                "value": "10.1111/bjh.12293",
                "url": "https://doi.org/10.1111/bjh.12293",
            }
        ],
        "sameAs": ["https://doi.org/10.1111/bjh.12293"],
        "about": [
            {"@type": "Thing", "name": "Hemic and Lymphatic Diseases"},
            {"@type": "Thing", "name": "Pathology"},
        ],
        "keywords": ["Lymphohistiocytosis, Hemophagocytic"],
    }


def test_authors_are_people_with_orcid_and_affiliation_in_order(client):
    data = jsonld(client, full_record())

    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Jan-Inge Henter",
            "givenName": "Jan-Inge",
            "familyName": "Henter",
            "sameAs": "https://orcid.org/0000-0002-1825-0097",
            "identifier": {
                "@type": "PropertyValue",
                "propertyID": "ORCID",
                "value": "0000-0002-1825-0097",
                "url": "https://orcid.org/0000-0002-1825-0097",
            },
            "affiliation": {
                "@type": "Organization",
                "name": "Karolinska Institutet, Stockholm",
            },
        },
        {
            "@type": "Person",
            "name": "AnnaCarin Horne",
            "givenName": "AnnaCarin",
            "familyName": "Horne",
        },
        {
            "@type": "Person",
            "name": "Maurizio Aricò",
            "givenName": "Maurizio",
            "familyName": "Aricò",
            "sameAs": "https://orcid.org/0000-0002-1694-233X",
            "identifier": {
                "@type": "PropertyValue",
                "propertyID": "ORCID",
                "value": "0000-0002-1694-233X",
                "url": "https://orcid.org/0000-0002-1694-233X",
            },
            "affiliation": {
                "@type": "Organization",
                "name": "Meyer Children's Hospital",
            },
        },
    ]


def test_full_record_has_date_issn_publisher_and_both_identifiers(client):
    data = jsonld(client, full_record())

    assert data["datePublished"] == "2013-06-12"
    periodical = data["isPartOf"]["isPartOf"]["isPartOf"]
    assert periodical["issn"] == ["1234-5678", "8765-4321"]
    assert periodical["publisher"] == {"@type": "Organization", "name": "Example Press"}
    assert data["publisher"] == {"@type": "Organization", "name": "Example Press"}
    assert [(i["propertyID"], i["value"]) for i in data["identifier"]] == [
        ("DOI", "10.1000/example.1"),
        ("PMID", "23573877"),
    ]
    assert data["sameAs"] == [
        "https://doi.org/10.1000/example.1",
        "https://pubmed.ncbi.nlm.nih.gov/23573877/",
    ]
    assert data["abstract"] == "First paragraph. Second & last."
    assert data["keywords"] == ["Lymphohistiocytosis, Hemophagocytic", "perforin"]


def test_chapter_is_part_of_a_book(client):
    data = jsonld(
        client,
        full_record(document_type=DocumentType.objects.get(slug="book-chapter")),
    )

    assert data["@type"] == "Chapter"
    assert data["isPartOf"] == {
        "@type": "Book",
        "name": "Journal of Clinical Examples",
    }
    assert (data["pageStart"], data["pageEnd"]) == ("1199", "1201")


def test_book_is_part_of_nothing_and_has_no_page_range(client):
    data = jsonld(
        client,
        full_record(document_type=DocumentType.objects.get(slug="book"), pages="320"),
    )

    assert data["@type"] == "Book"
    assert "isPartOf" not in data
    assert not {"pagination", "pageStart", "pageEnd"} & data.keys()


def test_volume_without_issue_skips_the_issue_level(client):
    data = jsonld(client, PublicationFactory(volume="7", issue=""))

    assert data["isPartOf"]["@type"] == "PublicationVolume"
    assert data["isPartOf"]["volumeNumber"] == "7"
    assert data["isPartOf"]["isPartOf"]["@type"] == "Periodical"


def test_no_property_is_empty(client):
    data = jsonld(client, PublicationFactory(venue=None, pages="", abstract=""))

    def values(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from values(item)
        elif isinstance(value, list):
            yield value
            for item in value:
                yield from values(item)
        yield value

    assert all(value not in ("", [], {}, None) for value in values(data))
    assert "isPartOf" not in data


def test_a_hostile_title_cannot_break_out_of_the_script(client):
    title = 'Evil </script><script>alert("x")</script> <!-- & done'
    publication = PublicationFactory(title=title)

    response = client.get(reverse("publications:record", args=[publication.pk]))

    # One script element, the JSON-LD, whose text is the whole title.
    found = scripts(client, publication)
    assert len(found) == 1
    assert json.loads(found[0].text)["name"] == title
    # Nothing that could end or comment out the element reaches the page raw.
    block = response.content.split(b'<script type="application/ld+json">')[1]
    block = block.split(b"</script>")[0]
    assert b"<" not in block
    assert b">" not in block
    assert b"&" not in block
    assert b"\\u003c/script\\u003e" in block


def test_script_in_an_abstract_never_runs(client):
    publication = PublicationFactory(
        abstract='<p>Kept.</p><script>alert("x")</script><img src=x onerror="y()">'
    )

    response = client.get(reverse("publications:record", args=[publication.pk]))

    assert [s.get("type") for s in scripts(client, publication)] == [
        "application/ld+json"
    ]
    assert b"alert" not in response.content
    assert b"onerror" not in response.content
