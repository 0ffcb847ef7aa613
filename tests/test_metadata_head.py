"""The record page <head> that search engines and reference managers read:
Google Scholar's citation_* tags, Dublin Core, Open Graph; and the visible
"Cite this record" links."""

import datetime

import html5lib
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from publications import services
from publications.demo.seed import seed_record_load
from publications.models import DocumentType, Keyword, Publication, Venue
from tests.factories import PersonFactory, PublicationFactory, SubjectFactory

pytestmark = pytest.mark.django_db

BASE_URL = "https://repository.example.edu"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.REPOSITORY = {**settings.REPOSITORY, "BASE_URL": BASE_URL}


def full_record(**overrides) -> Publication:
    """A record with every field the head can carry: authors with ORCIDs and
    affiliations, a full date, an electronic date, ISSNs, a publisher, DOI and
    PMID, subjects and keywords."""
    venue = Venue.objects.create(
        title="Journal of Clinical Examples",
        abbreviation="J Clin Ex",
        issn="1234-5678",
        eissn="8765-4321",
        publisher="Example Press",
    )
    henter = PersonFactory(
        given_names="Jan-Inge", family_name="Henter", orcid="0000-0002-1825-0097"
    )
    horne = PersonFactory(given_names="AnnaCarin", family_name="Horne")
    aricò = PersonFactory(
        given_names="Maurizio", family_name="Aricò", orcid="0000-0002-1694-233X"
    )
    fields = {
        "title": "Familial haemophagocytic lymphohistiocytosis & its genes",
        "pub_year": 2013,
        "pub_month": 6,
        "pub_day": 12,
        "epub_date": datetime.date(2013, 4, 12),
        "document_type": DocumentType.objects.get(slug="article"),
        "venue": venue,
        "volume": "161",
        "issue": "5",
        "pages": "1199-201",
        "doi": "10.1000/example.1",
        "pmid": "23573877",
        "abstract": "<p>First <i>paragraph</i>.</p><p>Second &amp; last.</p>",
        "authors": [
            services.AuthorInput(
                person=henter, affiliation="Karolinska Institutet, Stockholm"
            ),
            services.AuthorInput(person=horne),
            services.AuthorInput(person=aricò, affiliation="Meyer Children's Hospital"),
        ],
        "subjects": [SubjectFactory(name="Pediatrics", slug="pediatrics")],
        "keywords": [
            Keyword.objects.create(
                term="Lymphohistiocytosis, Hemophagocytic",
                slug="lymphohistiocytosis-hemophagocytic",
                vocabulary=Keyword.Vocabulary.MESH,
                identifier="D051359",
            ),
            Keyword.objects.create(term="perforin", slug="perforin"),
        ],
        "status": Publication.Status.PUBLISHED,
    }
    return services.publication_create(**(fields | overrides))


def record_url(publication: Publication) -> str:
    return reverse("publications:record", args=[publication.pk])


def orcid_for(n: int) -> str:
    """A valid ORCID iD built from n (ISO 7064 11,2 check digit)."""
    digits = f"{n:015d}"
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    full = digits + ("X" if check == 10 else str(check))
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def head_of(content: bytes):
    """The page's <head>; the page must parse as HTML5 without errors."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(content).find("head")


def meta(head, prefix: str) -> list[tuple[str, str]]:
    """(name, content) of the head's <meta name=...> tags starting with prefix."""
    return [
        (tag.get("name"), tag.get("content"))
        for tag in head.iterfind("meta[@name]")
        if tag.get("name").startswith(prefix)
    ]


def properties(head) -> list[tuple[str, str]]:
    return [
        (tag.get("property"), tag.get("content"))
        for tag in head.iterfind("meta[@property]")
    ]


@pytest.fixture
def seed():
    return seed_record_load()


def test_seed_record_has_google_scholar_tags_for_what_it_records(client, seed):
    head = head_of(client.get(record_url(seed)).content)

    assert meta(head, "citation_") == [
        ("citation_title", "Advances in understanding the pathogenesis of HLH"),
        ("citation_publication_date", "2013/06"),
        ("citation_online_date", "2013/04/12"),
        ("citation_journal_title", "British journal of haematology"),
        ("citation_journal_abbrev", "Br J Haematol"),
        ("citation_volume", "161"),
        ("citation_issue", "5"),
        # "609-22" as NLM prints it, expanded.
        ("citation_firstpage", "609"),
        ("citation_lastpage", "622"),
        ("citation_doi", "10.1111/bjh.12293"),
        ("citation_abstract_html_url", f"{BASE_URL}/publications/{seed.pk}/"),
        ("citation_keywords", "Lymphohistiocytosis, Hemophagocytic"),
    ]


def test_every_author_in_order_with_institution_and_orcid(client):
    publication = full_record()

    head = head_of(client.get(record_url(publication)).content)

    assert meta(head, "citation_") == [
        ("citation_title", "Familial haemophagocytic lymphohistiocytosis & its genes"),
        ("citation_author", "Henter, Jan-Inge"),
        ("citation_author_institution", "Karolinska Institutet, Stockholm"),
        ("citation_author_orcid", "https://orcid.org/0000-0002-1825-0097"),
        ("citation_author", "Horne, AnnaCarin"),
        ("citation_author", "Aricò, Maurizio"),
        ("citation_author_institution", "Meyer Children's Hospital"),
        ("citation_author_orcid", "https://orcid.org/0000-0002-1694-233X"),
        ("citation_publication_date", "2013/06/12"),
        ("citation_online_date", "2013/04/12"),
        ("citation_journal_title", "Journal of Clinical Examples"),
        ("citation_journal_abbrev", "J Clin Ex"),
        ("citation_issn", "1234-5678"),
        ("citation_issn", "8765-4321"),
        ("citation_publisher", "Example Press"),
        ("citation_volume", "161"),
        ("citation_issue", "5"),
        ("citation_firstpage", "1199"),
        ("citation_lastpage", "1201"),
        ("citation_doi", "10.1000/example.1"),
        ("citation_pmid", "23573877"),
        ("citation_abstract_html_url", f"{BASE_URL}/publications/{publication.pk}/"),
        ("citation_keywords", "Lymphohistiocytosis, Hemophagocytic"),
        ("citation_keywords", "perforin"),
    ]


@pytest.mark.parametrize(
    ("pages", "first", "last"),
    [
        ("609-22", "609", "622"),
        ("1199-201", "1199", "1201"),
        ("S12-8", "S12", "S18"),
        ("e1234", "e1234", None),
        ("1-5, 7-9", None, None),
    ],
)
def test_page_ranges_become_first_and_last_page(client, pages, first, last):
    publication = PublicationFactory(pages=pages)

    tags = dict(meta(head_of(client.get(record_url(publication)).content), "cit"))

    assert tags.get("citation_firstpage") == first
    assert tags.get("citation_lastpage") == last


def test_a_book_chapter_names_its_book_not_a_journal(client):
    publication = full_record(
        document_type=DocumentType.objects.get(slug="book-chapter")
    )

    tags = dict(meta(head_of(client.get(record_url(publication)).content), "cit"))

    assert tags["citation_inbook_title"] == "Journal of Clinical Examples"
    assert "citation_journal_title" not in tags
    assert "citation_journal_abbrev" not in tags


def test_no_tag_is_empty_and_no_pdf_url_without_a_file(client):
    bare = PublicationFactory(venue=None, volume="", issue="", pages="", abstract="")

    for publication in (bare, full_record()):
        head = head_of(client.get(record_url(publication)).content)
        tags = meta(head, "") + properties(head)
        assert tags
        assert all(content.strip() for _, content in tags)
        # Records carry no files yet: Scholar must not be sent to a missing PDF.
        assert "citation_pdf_url" not in dict(tags)


def test_seed_record_has_dublin_core_tags(client, seed):
    head = head_of(client.get(record_url(seed)).content)

    assert head.find("link[@rel='schema.DC']").get("href") == (
        "http://purl.org/dc/elements/1.1/"
    )
    tags = meta(head, "DC.")
    description = dict(tags).pop("DC.description")
    assert description.startswith("Haemophagocytic lymphohistiocytosis (HLH) is a")
    assert [tag for tag in tags if tag[0] != "DC.description"] == [
        ("DC.title", "Advances in understanding the pathogenesis of HLH"),
        ("DC.date", "2013-06"),
        ("DC.identifier", f"{BASE_URL}/publications/{seed.pk}/"),
        ("DC.identifier", "https://doi.org/10.1111/bjh.12293"),
        ("DC.type", "Article"),
        ("DC.subject", "Hemic and Lymphatic Diseases"),
        ("DC.subject", "Pathology"),
        ("DC.subject", "Lymphohistiocytosis, Hemophagocytic"),
        (
            "DC.source",
            "Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.1111/bjh.12293. "
            "Epub 2013 Apr 12.",
        ),
    ]


def test_dublin_core_names_every_creator_and_the_publisher(client):
    publication = full_record()

    tags = meta(head_of(client.get(record_url(publication)).content), "DC.")

    assert [content for name, content in tags if name == "DC.creator"] == [
        "Henter, Jan-Inge",
        "Horne, AnnaCarin",
        "Aricò, Maurizio",
    ]
    assert ("DC.date", "2013-06-12") in tags
    assert ("DC.publisher", "Example Press") in tags
    assert ("DC.identifier", "https://pubmed.ncbi.nlm.nih.gov/23573877/") in tags
    assert ("DC.description", "First paragraph. Second & last.") in tags


def test_open_graph_describes_the_record_for_link_previews(client, seed):
    head = head_of(client.get(record_url(seed)).content)

    og = dict(properties(head))
    assert og["og:title"] == "Advances in understanding the pathogenesis of HLH"
    assert og["og:type"] == "article"
    assert og["og:url"] == f"{BASE_URL}/publications/{seed.pk}/"
    assert og["og:site_name"] == "Faculty Publications Repository"
    # The abstract, cut at a word to a preview's length.
    assert og["og:description"].startswith("Haemophagocytic lymphohistiocytosis")
    assert len(og["og:description"]) <= 300
    assert og["og:description"].endswith("…")


def test_open_graph_falls_back_to_the_citation_without_an_abstract(client):
    publication = PublicationFactory(title="No abstract here", abstract="")

    og = dict(properties(head_of(client.get(record_url(publication)).content)))

    assert og["og:description"].startswith("No abstract here. (2020).")


def test_canonical_link_is_kept(client, seed):
    head = head_of(client.get(record_url(seed)).content)

    assert head.find("link[@rel='canonical']").get("href") == (
        f"{BASE_URL}/publications/{seed.pk}/"
    )


def test_hostile_title_stays_inside_its_attribute(client):
    title = '"><script>alert(1)</script> <b>Bold</b> & more'
    publication = PublicationFactory(title=title)

    head = head_of(client.get(record_url(publication)).content)

    assert dict(meta(head, "citation_"))["citation_title"] == title
    assert dict(meta(head, "DC."))["DC.title"] == title
    assert dict(properties(head))["og:title"] == title


def test_the_page_links_the_site_wide_feeds(client, seed):
    head = head_of(client.get(record_url(seed)).content)

    feeds = {
        link.get("type"): link.get("href")
        for link in head.iterfind("link[@rel='alternate']")
    }
    assert feeds == {
        "application/rss+xml": "/feeds/recent.rss",
        "application/atom+xml": "/feeds/recent.atom",
    }


def test_cite_this_record_links_every_export_with_its_media_type(client):
    publication = full_record()

    response = client.get(record_url(publication))

    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    section = parser.parse(response.content).find(".//section[@class='cite-this']")
    assert "".join(section.find("h2").itertext()) == "Cite this record"
    links = [
        ("".join(a.itertext()), a.get("href"), a.get("type"), a.get("download"))
        for a in section.iterfind(".//a")
    ]
    base = f"{BASE_URL}/publications/{publication.pk}"
    assert links == [
        (
            "BibTeX",
            f"{base}/cite.bib",
            "application/x-bibtex",
            "Henter2013Familial.bib",
        ),
        (
            "RIS",
            f"{base}/cite.ris",
            "application/x-research-info-systems",
            "Henter2013Familial.ris",
        ),
        (
            "CSL-JSON",
            f"{base}/cite.json",
            "application/vnd.citationstyles.csl+json",
            "Henter2013Familial.json",
        ),
        (
            "EndNote XML",
            f"{base}/cite.xml",
            "application/xml",
            "Henter2013Familial.xml",
        ),
    ]


def test_each_cite_link_serves_its_media_type(client):
    publication = full_record()
    page = client.get(record_url(publication))
    section = html5lib.parse(page.content, namespaceHTMLElements=False).find(
        ".//section[@class='cite-this']"
    )

    for link in section.iterfind(".//a"):
        response = client.get(link.get("href").removeprefix(BASE_URL))
        assert response.status_code == 200
        assert response["Content-Type"].split(";")[0] == link.get("type")


def test_withdrawn_tombstone_keeps_noindex_and_no_citation_tags(client, seed):
    services.publication_withdraw(publication=seed, note="Duplicate record.")

    response = client.get(record_url(seed))

    assert response.status_code == 410
    head = head_of(response.content)
    assert head.find("meta[@name='robots']").get("content") == "noindex"
    assert meta(head, "citation_") == []
    assert meta(head, "DC.") == []
    assert properties(head) == []
    assert head.find("script") is None


def test_draft_preview_has_no_crawler_metadata_and_no_cite_links(
    client, django_user_model
):
    draft = PublicationFactory(title="Work in progress", status="draft")
    curator = django_user_model.objects.create_user("curator", is_staff=True)
    curator.user_permissions.add(Permission.objects.get(codename="view_publication"))
    client.force_login(curator)

    response = client.get(record_url(draft))

    assert response.status_code == 200
    head = head_of(response.content)
    assert head.find("meta[@name='robots']").get("content") == "noindex"
    assert meta(head, "citation_") == meta(head, "DC.") == properties(head) == []
    assert b"Cite this record" not in response.content


@pytest.mark.parametrize("n", [1, 30])
def test_crawler_metadata_adds_no_query_to_the_record_page(
    client, n, django_assert_max_num_queries
):
    people = [PersonFactory(orcid=orcid_for(7000 + i)) for i in range(n)]
    publication = PublicationFactory(authors=people, doi="10.1000/busy")
    publication.authorships.update(affiliation="Example Institute")
    publication.subjects.set(SubjectFactory.create_batch(n))

    # The page's budget (tests/test_pages_record.py): 1 the record with venue
    # and document type, 2 authorships with people, 3 department links, 4
    # subjects, 5 keywords, 6 related links.
    with django_assert_max_num_queries(6):
        response = client.get(record_url(publication))

    tags = meta(head_of(response.content), "citation_")
    assert [name for name, _ in tags].count("citation_author_orcid") == n
    assert [name for name, _ in tags].count("citation_author_institution") == n
    assert response["Link"]
