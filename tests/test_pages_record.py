"""The record page /publications/<id>/: fields, status rules, citation."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from publications import services
from publications.demo.seed import seed_record_load
from publications.models import Authorship, Publication, RelatedLink
from tests.factories import (
    DepartmentFactory,
    DocumentTypeFactory,
    KeywordFactory,
    PersonFactory,
    PublicationFactory,
    SubjectFactory,
)
from tests.html import parse_valid_html, text

pytestmark = pytest.mark.django_db

SEED_FIELDS = [
    ("EU Affiliation", "Department of Pediatrics; Department of Pathology"),
    ("Publication Date", "2013 Jun"),
    ("Document Type", "Article"),
    ("Keywords", "Lymphohistiocytosis, Hemophagocytic"),
    ("Disciplines", "Hemic and Lymphatic Diseases | Pathology"),
    ("Abstract", "Haemophagocytic lymphohistiocytosis (HLH) is a hyperinflammatory"),
    ("DOI of Published Version", "https://doi.org/10.1111/bjh.12293"),
    (
        "Source",
        "Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.1111/bjh.12293. "
        "Epub 2013 Apr 12. Link to article on publisher's site",
    ),
    ("Related Resources", "Link to Article in PubMed"),
    ("Journal/Book/Conference Title", "British journal of haematology"),
]


def fields(content: bytes) -> list[tuple[str, str]]:
    """(label, value) of each dt/dd pair of the record's field list."""
    tree = parse_valid_html(content)
    return [
        (text(group.find("dt")), text(group.find("dd")))
        for group in tree.iterfind(".//dl[@class='fields']/div")
    ]


def record_url(publication: Publication) -> str:
    return reverse("publications:record", args=[publication.pk])


@pytest.fixture
def seed():
    return seed_record_load()


def test_seed_record_shows_every_field_in_page_order(client, seed):
    response = client.get(record_url(seed))

    assert response.status_code == 200
    shown = fields(response.content)
    assert [label for label, _ in shown] == [label for label, _ in SEED_FIELDS]
    for (label, value), (_, expected) in zip(shown, SEED_FIELDS, strict=True):
        assert value.startswith(expected), label
    tree = parse_valid_html(response.content)
    assert text(tree.find(".//h1")) == seed.title


def test_seed_record_labels_follow_the_shared_seed_record(
    client, seed, settings, shared_data
):
    # The collection's own page, with its own short name in "UMMS Affiliation".
    settings.REPOSITORY = {**settings.REPOSITORY, "INSTITUTION_SHORT": "UMMS"}
    table = shared_data("seed-record.md").read_text()
    # "| label | value |" rows of its field table, after the header and rule.
    rows = re.findall(r"^\| ([^|]+?) \| (.+) \|$", table, re.M)
    documented = [
        re.sub(r" \(.*\)$", "", label)
        for label, value in rows[2:]
        if label != "(title)" and value != "(not given)"
    ]

    page = client.get(record_url(seed))

    assert [label for label, _ in fields(page.content)] == documented


def test_seed_record_has_no_empty_field(client, seed):
    response = client.get(record_url(seed))

    shown = fields(response.content)
    assert all(value for _, value in shown)
    # The source names no authors and no PubMed ID: no label for them either.
    labels = {label for label, _ in shown}
    assert not labels & {"Author", "Authors", "PubMed ID"}


def test_doi_is_linked_to_its_resolver(client, seed):
    response = client.get(record_url(seed))

    assert (
        b'<a href="https://doi.org/10.1111/bjh.12293">'
        b"https://doi.org/10.1111/bjh.12293</a>" in response.content
    )


def test_source_links_to_the_publisher(client, seed):
    response = client.get(record_url(seed))

    assert (
        b'<a href="https://doi.org/10.1111/bjh.12293">'
        b"Link to article on publisher's site</a>" in response.content
    )


def test_related_resources_link_to_pubmed(client, seed):
    response = client.get(record_url(seed))

    assert (
        b'<a href="https://pubmed.ncbi.nlm.nih.gov/?term=10.1111%2Fbjh.12293">'
        b"Link to Article in PubMed</a>" in response.content
    )


def test_recommended_citation_follows_the_fields(client, seed):
    response = client.get(record_url(seed))

    tree = parse_valid_html(response.content)
    heading = tree.find(".//section[@class='citation']/h2")
    citation = tree.find(".//section[@class='citation']/p")
    assert text(heading) == "Recommended Citation"
    assert text(citation) == (
        "Advances in understanding the pathogenesis of HLH. (2013). Br J Haematol, "
        "161(5), 609-22. https://doi.org/10.1111/bjh.12293 "
        f"Retrieved from http://localhost:8000/publications/{seed.pk}/"
    )


def test_slug_url_shows_the_same_page_with_a_canonical_link(client, seed):
    by_id = client.get(record_url(seed))
    by_slug = client.get(f"/publications/{seed.pk}/{seed.slug}/")

    assert by_slug.status_code == 200
    assert by_slug.content == by_id.content
    assert (
        f'<link rel="canonical" href="http://localhost:8000/publications/{seed.pk}/">'
    ).encode() in by_slug.content


def test_authors_and_departments_appear_in_position_order(client):
    zoology = DepartmentFactory(name="Department of Zoology", slug="zoology")
    anatomy = DepartmentFactory(name="Department of Anatomy", slug="anatomy")
    young = PersonFactory(given_names="Ada", family_name="Young")
    aalto = PersonFactory(given_names="Bo", family_name="Aalto")
    publication = PublicationFactory(departments=[zoology, anatomy])
    publication.authorships.create(person=young, position=1, name_as_printed="Young A")
    # No printed name: the person's own name stands in.
    publication.authorships.create(person=aalto, position=2)

    shown = dict(fields(client.get(record_url(publication)).content))

    assert shown["Authors"] == "Young A, Bo Aalto"
    assert shown["EU Affiliation"] == "Department of Zoology; Department of Anatomy"


def test_institution_short_name_comes_from_settings(client, seed, settings):
    settings.REPOSITORY = {**settings.REPOSITORY, "INSTITUTION_SHORT": "UMMS"}

    shown = dict(fields(client.get(record_url(seed)).content))

    assert "UMMS Affiliation" in shown


def test_empty_fields_are_left_out(client):
    publication = PublicationFactory(
        venue=None, volume="", issue="", pages="", abstract="", pub_year=1999
    )

    shown = fields(client.get(record_url(publication)).content)

    assert shown == [
        ("Publication Date", "1999"),
        ("Document Type", "Article"),
        ("Source", "1999."),
    ]


def test_source_is_built_from_the_fields_when_none_was_printed(client):
    publication = PublicationFactory(
        pub_year=2013, pub_month=6, volume="161", issue="5", pages="609-22"
    )

    shown = dict(fields(client.get(record_url(publication)).content))

    abbreviation = publication.venue.abbreviation
    assert shown["Source"] == f"{abbreviation}. 2013 Jun;161(5):609-22."


def test_pubmed_and_pmc_links_come_from_the_identifiers_each_url_once(client):
    publication = PublicationFactory(pmid="23573877", pmcid="PMC3456789")
    for position, (label, url, kind) in enumerate(
        [
            ("PubMed", "https://pubmed.ncbi.nlm.nih.gov/23573877/", "pubmed"),
            ("Data", "https://data.example.org/1", RelatedLink.Kind.DATASET),
            ("Data again", "https://data.example.org/1", RelatedLink.Kind.OTHER),
        ],
        1,
    ):
        publication.related_links.create(
            label=label, url=url, kind=kind, position=position
        )

    response = client.get(record_url(publication))

    tree = parse_valid_html(response.content)
    related = [
        (text(a), a.get("href"))
        for a in tree.iterfind(".//dl[@class='fields']/div/dd/ul/li/a")
    ]
    assert related == [
        ("Link to Article in PubMed", "https://pubmed.ncbi.nlm.nih.gov/23573877/"),
        (
            "Link to Article in PubMed Central",
            "https://pmc.ncbi.nlm.nih.gov/articles/PMC3456789/",
        ),
        ("Data", "https://data.example.org/1"),
    ]
    assert dict(fields(response.content))["PubMed ID"] == "23573877"


def test_script_in_an_abstract_never_reaches_the_page(client):
    publication = services.publication_create(
        title="Safe abstracts",
        pub_year=2021,
        document_type=DocumentTypeFactory(),
        abstract='<p>Kept <i>italic</i>.</p><script>alert("x")</script>'
        '<img src=x onerror="alert(1)">',
        status=Publication.Status.PUBLISHED,
    )

    response = client.get(record_url(publication))

    assert b"<p>Kept <i>italic</i>.</p>" in response.content
    # The only script element is the record's JSON-LD: data, never run.
    assert re.findall(rb"<script[^>]*>", response.content) == [
        b'<script type="application/ld+json">'
    ]
    assert b"alert" not in response.content
    assert b"onerror" not in response.content


def test_unknown_record_returns_404(client):
    assert client.get("/publications/999999/").status_code == 404


def test_id_beyond_the_database_integer_range_returns_404(client):
    assert client.get(f"/publications/{10**30}/").status_code == 404


def test_withdrawn_record_returns_410_with_note_citation_and_date(client, seed):
    services.publication_withdraw(
        publication=seed, note="Duplicate of another record in the collection."
    )

    response = client.get(record_url(seed))

    assert response.status_code == 410
    assert [t.name for t in response.templates][0] == "publications/withdrawn.html"
    tree = parse_valid_html(response.content)
    page = text(tree.find(".//main"))
    assert "Duplicate of another record in the collection." in page
    assert "Advances in understanding the pathogenesis of HLH. (2013)." in page
    assert f"withdrawn from Faculty Publications on {seed.withdrawn_at:%-d %B %Y}" in (
        page
    )
    assert b"Abstract" not in response.content


def test_withdrawn_record_returns_410_for_curators_too(admin_client, seed):
    services.publication_withdraw(publication=seed, note="Retracted by the journal.")

    assert admin_client.get(record_url(seed)).status_code == 410


@pytest.fixture
def draft():
    return PublicationFactory(title="Work in progress", status="draft")


def test_draft_returns_404_to_anonymous_readers(client, draft):
    assert client.get(record_url(draft)).status_code == 404


def test_draft_returns_404_to_signed_in_readers_who_are_not_staff(
    client, draft, django_user_model
):
    reader = django_user_model.objects.create_user("reader", password="pw")
    reader.user_permissions.add(Permission.objects.get(codename="view_publication"))
    client.force_login(reader)

    assert client.get(record_url(draft)).status_code == 404


def test_draft_returns_404_to_staff_without_the_view_permission(
    client, draft, django_user_model
):
    client.force_login(django_user_model.objects.create_user("desk", is_staff=True))

    assert client.get(record_url(draft)).status_code == 404


def test_draft_preview_for_curators_has_a_banner_and_noindex(
    client, draft, django_user_model
):
    curator = django_user_model.objects.create_user("curator", is_staff=True)
    curator.user_permissions.add(Permission.objects.get(codename="view_publication"))
    client.force_login(curator)

    response = client.get(record_url(draft))

    assert response.status_code == 200
    tree = parse_valid_html(response.content)
    assert "Draft preview: not visible to readers" in text(tree.find(".//main"))
    assert tree.find(".//meta[@name='robots']").get("content") == "noindex"
    assert "private" in response["Cache-Control"]


def test_published_record_may_be_indexed(client, seed):
    assert b'name="robots"' not in client.get(record_url(seed)).content


def busy_record(n: int) -> Publication:
    """A record with n of every related row the page shows."""
    publication = PublicationFactory(
        authors=n,
        departments=DepartmentFactory.create_batch(n),
        pmid="12345",
        pmcid="PMC12345",
        doi="10.1000/busy",
    )
    publication.subjects.set(SubjectFactory.create_batch(n))
    publication.keywords.set(KeywordFactory.create_batch(n))
    for position in range(1, n + 1):
        publication.related_links.create(
            label=f"Link {position}", url=f"https://example.org/{position}"
        )
    return publication


@pytest.mark.parametrize("n", [1, 40])
def test_record_page_makes_a_fixed_number_of_queries(
    client, n, django_assert_max_num_queries
):
    publication = busy_record(n)

    # 1 the record with venue and document type, 2 authorships with people,
    # 3 department links with departments, 4 subjects, 5 keywords,
    # 6 related links.
    with django_assert_max_num_queries(6):
        response = client.get(record_url(publication))

    assert response.status_code == 200
    assert len(fields(response.content)) == 12  # every field shown


def test_every_name_on_the_record_page_leads_to_its_browse_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seed = seed_record_load()
        person = PersonFactory(family_name="Henter", given_names="Jan-Inge")
        Authorship.objects.create(
            publication=seed, person=person, position=1, name_as_printed="Henter JI"
        )
    tree = parse_valid_html(client.get(record_url(seed)).content)
    links = {
        text(a): a.get("href") for a in tree.iterfind(".//dl[@class='fields']//dd/a")
    }

    assert links["Henter JI"] == f"/authors/{person.slug}/"
    assert links["Department of Pediatrics"] == "/departments/department-of-pediatrics/"
    assert links["Hemic and Lymphatic Diseases"] == (
        "/subjects/hemic-and-lymphatic-diseases/"
    )
    assert links["Lymphohistiocytosis, Hemophagocytic"].startswith("/keywords/")
    assert links["2013 Jun"] == "/years/2013/"
    assert links["Article"] == "/types/article/"
    for name in ("Henter JI", "Department of Pediatrics", "Pathology", "2013 Jun"):
        assert client.get(links[name]).status_code == 200, name
