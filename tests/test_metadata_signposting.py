"""FAIR Signposting: the record page's Link header and the record's linkset
in RFC 9264 text and JSON."""

import json
import re

import pytest
from django.urls import reverse

from publications import services
from publications.demo.seed import seed_record_load
from publications.models import Publication
from tests.factories import PersonFactory, PublicationFactory
from tests.test_metadata_head import BASE_URL, full_record, orcid_for

pytestmark = pytest.mark.django_db

EXPORT_TYPES = [
    ("cite.bib", "application/x-bibtex"),
    ("cite.ris", "application/x-research-info-systems"),
    ("cite.json", "application/vnd.citationstyles.csl+json"),
    ("cite.xml", "application/xml"),
]

# RFC 8288 section 3: link-value = "<" URI-Reference ">" *( OWS ";" OWS
# link-param ), link-param = token BWS [ "=" BWS ( token / quoted-string ) ].
QUOTED = r'"(?:[^"\\]|\\.)*"'
LINK_PARAM = re.compile(rf'\s*;\s*([^;,"=\s]+)\s*(?:=\s*({QUOTED}|[^;,\s]*))?')
LINK_VALUE = re.compile(rf"\s*<([^>]*)>((?:{LINK_PARAM.pattern})*)\s*(?:,|$)")


def parse_links(value: str) -> list[dict]:
    """Each link as {"href": target, param: value, ...}; fails on any text
    that is not a link-value list."""
    links, position = [], 0
    value = value.strip()
    while position < len(value):
        match = LINK_VALUE.match(value, position)
        assert match, f"not a link-value at {value[position:]!r}"
        link = {"href": match.group(1)}
        for name, raw in LINK_PARAM.findall(match.group(2)):
            if raw.startswith('"'):
                raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
            link[name.lower()] = raw
        links.append(link)
        position = match.end()
    return links


def relations(links: list[dict]) -> list[tuple[str, str, str]]:
    return [(link["rel"], link["href"], link.get("type", "")) for link in links]


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.REPOSITORY = {**settings.REPOSITORY, "BASE_URL": BASE_URL}


def record_url(publication: Publication) -> str:
    return reverse("publications:record", args=[publication.pk])


def test_seed_record_page_signposts_its_doi_metadata_type_and_linkset(client):
    seed = seed_record_load()

    response = client.get(record_url(seed))

    base = f"{BASE_URL}/publications/{seed.pk}"
    assert relations(parse_links(response["Link"])) == [
        ("cite-as", "https://doi.org/10.1111/bjh.12293", ""),
        *[("describedby", f"{base}/{name}", type_) for name, type_ in EXPORT_TYPES],
        ("type", "https://schema.org/ScholarlyArticle", ""),
        ("type", "https://schema.org/AboutPage", ""),
        ("linkset", f"{base}/linkset", "application/linkset"),
        ("linkset", f"{base}/linkset.json", "application/linkset+json"),
    ]


def test_authors_with_an_orcid_are_signposted_in_order(client):
    publication = full_record()

    links = parse_links(client.get(record_url(publication))["Link"])

    assert [link["href"] for link in links if link["rel"] == "author"] == [
        "https://orcid.org/0000-0002-1825-0097",
        "https://orcid.org/0000-0002-1694-233X",
    ]


def test_without_a_doi_the_record_url_is_cited(client):
    publication = PublicationFactory(doi=None)

    links = parse_links(client.get(record_url(publication))["Link"])

    assert [link["href"] for link in links if link["rel"] == "cite-as"] == [
        f"{BASE_URL}/publications/{publication.pk}/"
    ]


@pytest.fixture
def many_authors():
    people = [PersonFactory(orcid=orcid_for(1000 + n)) for n in range(15)]
    return PublicationFactory(authors=people), people


def test_the_header_names_at_most_ten_authors_and_the_linkset_all(client, many_authors):
    publication, people = many_authors
    orcids = [f"https://orcid.org/{person.orcid}" for person in people]

    header = parse_links(client.get(record_url(publication))["Link"])
    linkset = client.get(reverse("publications:linkset_json", args=[publication.pk]))

    assert [link["href"] for link in header if link["rel"] == "author"] == orcids[:10]
    (landing, *_) = linkset.json()["linkset"]
    assert [target["href"] for target in landing["author"]] == orcids


def test_text_linkset_has_every_link_with_its_anchor(client, many_authors):
    publication, people = many_authors

    response = client.get(reverse("publications:linkset", args=[publication.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/linkset"
    links = parse_links(response.content.decode())
    landing = f"{BASE_URL}/publications/{publication.pk}/"
    from_landing = [link for link in links if link["anchor"] == landing]
    assert relations(from_landing) == [
        ("cite-as", landing, ""),
        *[("author", f"https://orcid.org/{p.orcid}", "") for p in people],
        *[("describedby", f"{landing}{name}", type_) for name, type_ in EXPORT_TYPES],
        ("type", "https://schema.org/ScholarlyArticle", ""),
        ("type", "https://schema.org/AboutPage", ""),
    ]
    # Each metadata record points back at the page it describes.
    described = {
        link["anchor"]: link["href"] for link in links if link["rel"] == "describes"
    }
    assert described == {f"{landing}{name}": landing for name, _ in EXPORT_TYPES}


def test_json_linkset_matches_the_text_one(client):
    seed = seed_record_load()

    text = client.get(reverse("publications:linkset", args=[seed.pk]))
    response = client.get(reverse("publications:linkset_json", args=[seed.pk]))

    assert response["Content-Type"] == "application/linkset+json"
    from_json = [
        (context["anchor"], rel, target["href"], target.get("type", ""))
        for context in json.loads(response.content)["linkset"]
        for rel, targets in context.items()
        if rel != "anchor"
        for target in targets
    ]
    from_text = [
        (link["anchor"], link["rel"], link["href"], link.get("type", ""))
        for link in parse_links(text.content.decode())
    ]
    assert sorted(from_json) == sorted(from_text)
    assert len(from_text) == 11  # 7 from the page, 4 back from the exports


def test_every_signposted_metadata_record_is_served_with_its_type(client):
    seed = seed_record_load()

    links = parse_links(client.get(record_url(seed))["Link"])

    for link in links:
        if link["href"].startswith(BASE_URL):
            response = client.get(link["href"].removeprefix(BASE_URL))
            assert response.status_code == 200, link
            assert response["Content-Type"].split(";")[0] == link["type"], link


def test_withdrawn_record_has_no_signposts(client):
    seed = seed_record_load()
    services.publication_withdraw(publication=seed, note="Duplicate record.")

    page = client.get(record_url(seed))

    assert page.status_code == 410
    assert "Link" not in page
    for name in ("publications:linkset", "publications:linkset_json"):
        response = client.get(reverse(name, args=[seed.pk]))
        assert response.status_code == 410
        assert "Link" not in response


def test_draft_has_no_linkset(client, admin_client):
    draft = PublicationFactory(status="draft")

    for name in ("publications:linkset", "publications:linkset_json"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    # A curator's preview is not a landing page either.
    assert "Link" not in admin_client.get(record_url(draft))


@pytest.mark.parametrize("pk", [999999, 10**30])
def test_unknown_record_has_no_linkset(client, pk):
    for name in ("publications:linkset", "publications:linkset_json"):
        assert client.get(reverse(name, args=[pk])).status_code == 404


def test_linkset_refuses_writes(client):
    seed = seed_record_load()

    response = client.post(reverse("publications:linkset", args=[seed.pk]))

    assert response.status_code == 405


@pytest.mark.parametrize("authors", [1, 30])
def test_linkset_makes_a_fixed_number_of_queries(
    client, authors, django_assert_max_num_queries
):
    people = [PersonFactory(orcid=orcid_for(5000 + n)) for n in range(authors)]
    publication = PublicationFactory(authors=people)

    # 1 the record with its document type, 2 its authors with their people.
    with django_assert_max_num_queries(2):
        response = client.get(reverse("publications:linkset", args=[publication.pk]))

    links = parse_links(response.content.decode())
    assert len([link for link in links if link["rel"] == "author"]) == authors
