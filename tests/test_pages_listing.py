"""The faculty-publications listing /publications/: year headings and paging."""

import pytest
from django.urls import reverse

from publications import services
from publications.models import Publication
from tests.factories import DepartmentFactory, PublicationFactory
from tests.html import parse_valid_html, text

pytestmark = pytest.mark.django_db

LISTING = reverse("publications:listing")


def year_sections(content: bytes) -> list[tuple[str, list[str]]]:
    """(year heading, [entry titles]) in page order."""
    tree = parse_valid_html(content)
    return [
        (
            text(section.find("h2")),
            [text(h3) for h3 in section.iterfind(".//li/h3")],
        )
        for section in tree.iterfind(".//main/section[@class='year']")
    ]


def record(title: str, year: int, month: int | None = None, **kwargs) -> Publication:
    return PublicationFactory(title=title, pub_year=year, pub_month=month, **kwargs)


@pytest.fixture
def per_page(settings):
    settings.PUBLICATIONS_PER_PAGE = 2
    return 2


def test_entries_are_newest_first_by_partial_date_under_year_headings(client):
    record("December 2012", 2012, 12)
    record("Year 2013 only", 2013)
    record("June 2013", 2013, 6)
    record("January 2011", 2011, 1)

    response = client.get(LISTING)

    assert response.status_code == 200
    assert year_sections(response.content) == [
        ("2013 2 publications", ["June 2013", "Year 2013 only"]),
        ("2012 1 publication", ["December 2012"]),
        ("2011 1 publication", ["January 2011"]),
    ]


def test_entry_shows_linked_title_authors_and_source(client):
    publication = record("Linked", 2020, authors=2)

    tree = parse_valid_html(client.get(LISTING).content)

    entry = tree.find(".//li[@class='entry']")
    link = entry.find("h3/a")
    assert link.get("href") == f"/publications/{publication.pk}/"
    names = [a.display_name for a in publication.authorships.all()]
    assert text(entry.find("p[@class='entry-authors']")) == ", ".join(names)
    assert text(entry.find("p[@class='entry-source']")) == (
        f"{publication.venue.abbreviation}. 2020;12(3):45-67."
    )


def test_drafts_and_withdrawn_records_are_not_listed(client):
    record("Shown", 2020)
    record("Draft", 2020, status="draft")
    withdrawn = record("Withdrawn", 2020)
    services.publication_withdraw(publication=withdrawn, note="Duplicate.")

    assert year_sections(client.get(LISTING).content) == [
        ("2020 1 publication", ["Shown"])
    ]


def test_empty_collection_says_so(client):
    response = client.get(LISTING)

    assert response.status_code == 200
    assert "No publications yet." in text(parse_valid_html(response.content))


@pytest.fixture
def five_pages(per_page):
    """Nine records, two a page: 2015 x3, 2014 x3, 2013 x3."""
    for year in (2013, 2014, 2015):
        for month in (1, 2, 3):
            record(f"{year}-{month}", year, month)


def test_second_page_continues_the_year_the_first_page_began(client, five_pages):
    first = client.get(LISTING)
    second = client.get(LISTING, {"page": 2})

    assert year_sections(first.content) == [
        ("2015 3 publications", ["2015-3", "2015-2"])
    ]
    assert year_sections(second.content) == [
        ("2015 (continued) 3 publications", ["2015-1"]),
        ("2014 3 publications", ["2014-3"]),
    ]


def test_last_page_holds_the_oldest_records(client, five_pages):
    response = client.get(LISTING, {"page": 5})

    assert response.status_code == 200
    assert year_sections(response.content) == [
        ("2013 (continued) 3 publications", ["2013-1"])
    ]


def test_title_names_the_page_after_the_first(client, five_pages):
    first = parse_valid_html(client.get(LISTING).content)
    third = parse_valid_html(client.get(LISTING, {"page": 3}).content)

    assert text(first.find(".//title")) == (
        "Faculty Publications | Faculty Publications Repository"
    )
    assert text(third.find(".//title")) == (
        "Faculty Publications, page 3 of 5 | Faculty Publications Repository"
    )


def test_pager_links_first_previous_next_last_and_marks_the_current_page(
    client, five_pages
):
    tree = parse_valid_html(client.get(LISTING, {"page": 3}).content)

    pager = tree.find(".//nav[@class='pager']")
    assert pager.get("aria-label") == "Pages"
    links = [(text(a), a.get("href"), a.get("rel")) for a in pager.iter("a")]
    assert links == [
        ("First", "/publications/", None),
        ("Previous", "/publications/?page=2", "prev"),
        ("Page 1", "/publications/", None),
        ("Page 2", "/publications/?page=2", None),
        ("Page 3", "/publications/?page=3", None),
        ("Page 4", "/publications/?page=4", None),
        ("Page 5", "/publications/?page=5", None),
        ("Next", "/publications/?page=4", "next"),
        ("Last", "/publications/?page=5", None),
    ]
    current = pager.findall(".//a[@aria-current='page']")
    assert [text(a) for a in current] == ["Page 3"]


def test_pager_leaves_out_distant_pages(client, settings):
    settings.PUBLICATIONS_PER_PAGE = 1
    for n in range(12):
        record(f"Record {n}", 2000 + n)

    tree = parse_valid_html(client.get(LISTING, {"page": 6}).content)

    pager = tree.find(".//nav[@class='pager']")
    items = [text(li) for li in pager.iter("li")]
    assert items == [
        "First", "Previous", "Page 1", "…", "Page 4", "Page 5", "Page 6",
        "Page 7", "Page 8", "…", "Page 12", "Next", "Last",
    ]  # fmt: skip


def test_single_page_has_no_pager(client):
    record("Alone", 2020)

    assert b'class="pager"' not in client.get(LISTING).content


@pytest.mark.parametrize(
    "page", ["6", "abc", "0", "-1", "1.5", "", "99999999999999999999999", "9" * 5000]
)
def test_page_that_does_not_exist_returns_404(client, five_pages, page):
    response = client.get(LISTING, {"page": page})

    assert response.status_code == 404
    parse_valid_html(response.content)


def many_records(n: int) -> None:
    departments = DepartmentFactory.create_batch(3)
    for i in range(n):
        record(
            f"Record {i}", 2000 + i % 7, 1 + i % 12, authors=3, departments=departments
        )


@pytest.mark.parametrize("n", [3, 60])
def test_listing_makes_a_fixed_number_of_queries(
    client, n, settings, django_assert_max_num_queries
):
    settings.PUBLICATIONS_PER_PAGE = 25
    many_records(n)

    # 1 year counts (cached after this request), 2 the page's records with
    # venue and document type, 3 their authorships with people.
    with django_assert_max_num_queries(3):
        response = client.get(LISTING, {"page": 2} if n > 25 else {})

    assert response.status_code == 200
    assert response.content.count(b'class="entry"') == min(n, 25)
