"""The sitemap index and its sitemaps: one per block of 10,000 record ids,
plus the pages; published records only; absolute URLs; last changes."""

import datetime

import pytest
from django.utils import timezone
from lxml import etree

from publications import services
from publications.demo.bulk import BulkWriter
from publications.models import DocumentType, Publication
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db

BASE_URL = "https://repository.example.edu"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NS = {"sm": SITEMAP_NS}
# sitemaps.org protocol limits per file.
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.REPOSITORY = {**settings.REPOSITORY, "BASE_URL": BASE_URL}


def fetch(client, url: str):
    """The XML document at `url`, checked against the protocol's limits."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert len(response.content) <= MAX_BYTES
    root = etree.fromstring(response.content)
    # Every element in the sitemaps.org namespace, nothing else.
    assert {element.tag.split("}")[0][1:] for element in root.iter()} == {SITEMAP_NS}
    return root


def index_entries(client) -> dict[str, datetime.datetime]:
    """{sitemap URL: lastmod} of the index, checking its structure."""
    root = fetch(client, "/sitemap.xml")
    assert root.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    entries = {}
    for sitemap in root:
        assert sitemap.tag == f"{{{SITEMAP_NS}}}sitemap"
        assert [child.tag for child in sitemap] == [
            f"{{{SITEMAP_NS}}}loc",
            f"{{{SITEMAP_NS}}}lastmod",
        ]
        loc, lastmod = (child.text.strip() for child in sitemap)
        entries[loc] = datetime.datetime.fromisoformat(lastmod)
    assert len(entries) <= MAX_URLS
    return entries


def urlset(client, url: str) -> dict[str, datetime.datetime]:
    """{URL: lastmod} of a sitemap, checking its structure."""
    root = fetch(client, url)
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    urls = {}
    for entry in root:
        assert entry.tag == f"{{{SITEMAP_NS}}}url"
        assert [child.tag for child in entry] == [
            f"{{{SITEMAP_NS}}}loc",
            f"{{{SITEMAP_NS}}}lastmod",
        ]
        loc, lastmod = (child.text for child in entry)
        assert loc.startswith(f"{BASE_URL}/") and len(loc) < 2048
        urls[loc] = datetime.datetime.fromisoformat(lastmod)
    assert len(urls) == len(root) <= MAX_URLS
    return urls


def record(pk: int, **fields) -> Publication:
    return PublicationFactory(id=pk, **fields)


def record_url(publication: Publication) -> str:
    return f"{BASE_URL}/publications/{publication.pk}/"


def sitemap_url(name: str) -> str:
    return f"{BASE_URL}/sitemaps/{name}.xml"


def test_index_lists_the_pages_and_each_block_of_ids_holding_records(client):
    newest = record(12_345)
    record(5)
    record(29_999)
    record(47_000, status="draft")

    entries = index_entries(client)

    assert list(entries) == [
        sitemap_url("pages"),
        sitemap_url("records-0"),
        sitemap_url("records-1"),
        sitemap_url("records-2"),
    ]
    assert entries[sitemap_url("records-1")] == newest.updated_at.replace(microsecond=0)


def test_each_file_in_the_index_has_its_newest_change(client):
    first, second = record(10_001), record(10_002)
    other = record(20_001)
    Publication.objects.filter(pk=first.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2024, 5, 6, 7, 8, 9))
    )
    Publication.objects.filter(pk=second.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2024, 5, 1))
    )
    Publication.objects.filter(pk=other.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2023, 1, 1))
    )

    entries = index_entries(client)

    assert entries[sitemap_url("records-1")] == timezone.make_aware(
        datetime.datetime(2024, 5, 6, 7, 8, 9)
    )
    assert entries[sitemap_url("records-2")] == timezone.make_aware(
        datetime.datetime(2023, 1, 1)
    )
    assert entries[sitemap_url("pages")] == entries[sitemap_url("records-1")]


def test_index_follows_changes_made_through_the_services(client):
    publication = record(3)
    last_year = timezone.now() - datetime.timedelta(days=365)
    Publication.objects.filter(pk=publication.pk).update(updated_at=last_year)
    before = index_entries(client)[sitemap_url("records-0")]
    assert before == last_year.replace(microsecond=0)

    publication.title = "A corrected title"
    services.publication_save(publication=publication)
    moved = record(60_000)

    entries = index_entries(client)
    assert entries[sitemap_url("records-0")] > before
    assert sitemap_url("records-6") in entries
    services.publication_withdraw(publication=moved, note="Duplicate.")
    assert sitemap_url("records-6") not in index_entries(client)


def test_records_sitemap_lists_published_records_of_its_block_only(client):
    inside = [record(10_000), record(15_000), record(19_999)]
    record(9_999)
    record(20_000)
    record(11_000, status="draft")
    withdrawn = record(12_000)
    services.publication_withdraw(publication=withdrawn, note="Retracted.")

    urls = urlset(client, "/sitemaps/records-1.xml")

    assert list(urls) == [record_url(p) for p in inside]
    for publication in inside:
        publication.refresh_from_db()
        # W3C Datetime to the second.
        updated_at = publication.updated_at.replace(microsecond=0)
        assert urls[record_url(publication)] == updated_at


def test_pages_sitemap_lists_home_and_the_listing(client):
    record(1)

    urls = urlset(client, "/sitemaps/pages.xml")

    assert list(urls) == [f"{BASE_URL}/", f"{BASE_URL}/publications/"]


@pytest.mark.parametrize(
    "url",
    [
        # A block with no published record, one past every id, one of drafts.
        "/sitemaps/records-3.xml",
        f"/sitemaps/records-{10**30}.xml",
        "/sitemaps/records-4.xml",
        "/sitemaps/records--1.xml",
        "/sitemaps/nothing.xml",
    ],
)
def test_sitemaps_that_do_not_exist_return_404(client, url):
    record(1)
    record(40_001, status="draft")

    assert client.get(url).status_code == 404


def fill_block(block: int, extra: int = 0) -> None:
    """Every id of a block published, plus `extra` ids after it; written with
    the demo loader's bulk writer (10,000 records through the services would
    take minutes)."""
    document_type = DocumentType.objects.get(slug="article")
    now = timezone.now()
    start = block * 10_000
    BulkWriter().insert(
        Publication,
        [
            "id",
            "title",
            "pub_year",
            "document_type_id",
            "status",
            "created_at",
            "updated_at",
            "first_published_at",
        ],
        (
            (pk, f"Record {pk}", 2020, document_type.pk, "published", now, now, now)
            for pk in range(start, start + 10_000 + extra)
        ),
    )


def test_a_full_block_is_one_file_of_ten_thousand_urls(client):
    fill_block(1, extra=1)

    response = client.get("/sitemaps/records-1.xml")
    urls = urlset(client, "/sitemaps/records-1.xml")

    assert len(urls) == 10_000
    assert list(urls)[0] == f"{BASE_URL}/publications/10000/"
    assert list(urls)[-1] == f"{BASE_URL}/publications/19999/"
    # Far under the protocol's size limit even at the most URLs it allows.
    assert len(response.content) / len(urls) * MAX_URLS < MAX_BYTES
    assert list(urlset(client, "/sitemaps/records-2.xml")) == [
        f"{BASE_URL}/publications/20000/"
    ]


@pytest.mark.parametrize("many", [False, True])
def test_sitemaps_make_a_fixed_number_of_queries(
    client, many, django_assert_max_num_queries
):
    if many:
        fill_block(0)
        record(35_000)
    else:
        record(5)

    # 1 the blocks with their newest change (cached afterwards).
    with django_assert_max_num_queries(1):
        assert client.get("/sitemap.xml").status_code == 200
    with django_assert_max_num_queries(0):
        assert client.get("/sitemaps/pages.xml").status_code == 200
    # 1 the block's rows (a range scan of the primary key).
    with django_assert_max_num_queries(1):
        assert client.get("/sitemaps/records-0.xml").status_code == 200
