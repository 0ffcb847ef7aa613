"""The citation-file URLs of one record: status, headers and query budget."""

import json

import bibtexparser
import pytest
import rispy
from lxml import etree

from publications import services
from publications.demo.seed import seed_record_load
from publications.models import Publication
from tests.factories import DepartmentFactory, PersonFactory, PublicationFactory

pytestmark = pytest.mark.django_db

FORMATS = [
    # (suffix, Content-Type, extension)
    ("bib", "application/x-bibtex; charset=utf-8", "bib"),
    ("ris", "application/x-research-info-systems; charset=utf-8", "ris"),
    ("json", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
    ("xml", "application/xml; charset=utf-8", "xml"),
]
SUFFIXES = [suffix for suffix, _, _ in FORMATS]


@pytest.mark.parametrize(("suffix", "content_type", "extension"), FORMATS)
def test_a_published_record_downloads_in_each_format(
    client, suffix, content_type, extension
):
    seed = seed_record_load()
    response = client.get(f"/publications/{seed.pk}/cite.{suffix}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'inline; filename="Advances2013.{extension}"'
    )
    body = response.content.decode("utf-8")
    assert "pathogenesis of" in body and "10.1111/bjh.12293" in body


def test_the_bibtex_file_names_itself_after_the_citation_key(client):
    publication = PublicationFactory(title="The Über study of things", pub_year=2019)
    response = client.get(f"/publications/{publication.pk}/cite.bib")
    assert response["Content-Disposition"] == 'inline; filename="Uber2019.bib"'
    assert response.content.decode("utf-8").startswith("@article{Uber2019,\n")


def test_each_file_parses_with_its_format_reader(client, settings):
    settings.REPOSITORY = {**settings.REPOSITORY, "BASE_URL": "https://ir.example.edu"}
    seed = seed_record_load()
    url = f"https://ir.example.edu/publications/{seed.pk}/"

    def get(suffix: str) -> str:
        return client.get(f"/publications/{seed.pk}/cite.{suffix}").content.decode()

    [ris] = rispy.loads(get("ris"))
    [item] = json.loads(get("json"))
    xml = etree.fromstring(get("xml").encode("utf-8"))
    assert ris["urls"] == [url]
    assert item["URL"] == url
    assert xml.findtext("records/record/urls/related-urls/url") == url
    assert item["issued"] == {"date-parts": [[2013, 6]]}


def test_files_are_utf8_and_well_formed_whatever_the_title(client):
    author = PersonFactory(family_name="Müller", given_names="José")
    publication = PublicationFactory(title="Ελληνικά & 中文 <i>\x0c", authors=[author])

    def get(suffix: str) -> str:
        response = client.get(f"/publications/{publication.pk}/cite.{suffix}")
        return response.content.decode("utf-8")

    [entry] = bibtexparser.parse_string(get("bib")).entries
    [ris] = rispy.loads(get("ris"))
    [item] = json.loads(get("json"))
    xml = etree.fromstring(get("xml").encode("utf-8"))
    assert entry.fields_dict["title"].value == r"Ελληνικά \& 中文 <i>"
    assert entry.fields_dict["author"].value == "Müller, José"
    assert ris["title"] == item["title"] == "Ελληνικά & 中文 <i>"
    assert xml.findtext("records/record/titles/title") == "Ελληνικά & 中文 <i>"


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_draft_record_is_not_found(client, suffix):
    draft = PublicationFactory(status=Publication.Status.DRAFT)
    response = client.get(f"/publications/{draft.pk}/cite.{suffix}")
    assert response.status_code == 404


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_withdrawn_record_returns_410_with_its_note(client, suffix):
    publication = PublicationFactory()
    services.publication_withdraw(
        publication=publication, note="Duplicate of record 12."
    )
    response = client.get(f"/publications/{publication.pk}/cite.{suffix}")
    assert response.status_code == 410
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode("utf-8")
    assert "withdrawn: Duplicate of record 12." in body
    assert publication.title not in body


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_unknown_record_is_not_found(client, suffix):
    assert client.get(f"/publications/999999/cite.{suffix}").status_code == 404


@pytest.mark.parametrize("path", ["cite.pdf", "cite.", "cite.bibtex", "cite.BIB"])
def test_an_unknown_format_is_not_found(client, path):
    publication = PublicationFactory()
    assert client.get(f"/publications/{publication.pk}/{path}").status_code == 404


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("authors", [1, 12])
def test_a_citation_file_costs_six_queries_however_many_authors(
    client, django_assert_max_num_queries, suffix, authors
):
    departments = DepartmentFactory.create_batch(3)
    publication = PublicationFactory(authors=authors, departments=departments)
    # The record with venue and type, then authors, departments, subjects,
    # keywords and related links (for_record()).
    with django_assert_max_num_queries(6):
        response = client.get(f"/publications/{publication.pk}/cite.{suffix}")
    assert response.status_code == 200


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_missing_record_costs_two_queries(
    client, django_assert_max_num_queries, suffix
):
    publication = PublicationFactory()
    services.publication_withdraw(publication=publication, note="Retracted.")
    # The published record (none), then the withdrawn one with its note.
    with django_assert_max_num_queries(2):
        response = client.get(f"/publications/{publication.pk}/cite.{suffix}")
    assert response.status_code == 410


def test_a_citation_file_accepts_only_get_and_head(client):
    publication = PublicationFactory()
    url = f"/publications/{publication.pk}/cite.bib"
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405
