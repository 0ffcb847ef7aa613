"""The home page, the shared page frame, and the error pages."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix
from django.utils import timezone
from django.views import defaults

from publications.models import Publication
from tests.factories import DepartmentFactory, DocumentTypeFactory, PublicationFactory
from tests.html import parse_valid_html, text

pytestmark = pytest.mark.django_db

HOME = reverse("publications:home")


def recent_titles(content: bytes) -> list[str]:
    tree = parse_valid_html(content)
    return [text(h3) for h3 in tree.iterfind(".//main/section//li/h3")]


def test_home_names_and_describes_the_repository(client, settings):
    settings.REPOSITORY = {
        **settings.REPOSITORY,
        "NAME": "Medical School Repository",
        "DESCRIPTION": "Papers by our faculty.",
    }

    tree = parse_valid_html(client.get(HOME).content)

    assert text(tree.find(".//h1")) == "Medical School Repository"
    assert "Papers by our faculty." in text(tree.find(".//main"))
    assert tree.find(".//title").text == "Medical School Repository"


def test_home_counts_published_records_with_thousands_separators(client):
    document_type = DocumentTypeFactory()
    Publication.objects.bulk_create(
        Publication(
            title=f"Record {n}",
            pub_year=2020,
            date_sort=20200000,
            document_type=document_type,
            status="draft" if n % 10 == 0 else "published",
        )
        for n in range(1371)
    )

    tree = parse_valid_html(client.get(HOME).content)

    # 1,371 records of which 138 are drafts.
    assert text(tree.find(".//p[@class='collection-size']/strong")) == "1,233"


def test_home_links_to_the_listing(client):
    tree = parse_valid_html(client.get(HOME).content)

    hrefs = [a.get("href") for a in tree.iterfind(".//main//a")]
    assert "/publications/" in hrefs


def test_recent_additions_are_the_ten_newest_by_first_publication(client):
    now = timezone.now()
    for n in range(12):
        publication = PublicationFactory(title=f"Added {n}", pub_year=1990 + n % 3)
        Publication.objects.filter(pk=publication.pk).update(
            first_published_at=now - datetime.timedelta(days=30 - n)
        )
    PublicationFactory(title="Draft", status="draft")

    titles = recent_titles(client.get(HOME).content)

    assert titles == [f"Added {n}" for n in range(11, 1, -1)]


def test_home_without_records_shows_no_recent_additions(client):
    tree = parse_valid_html(client.get(HOME).content)

    assert text(tree.find(".//p[@class='collection-size']/strong")) == "0"
    assert tree.find(".//main/section") is None


@pytest.mark.parametrize("n", [3, 60])
def test_home_makes_a_fixed_number_of_queries(client, n, django_assert_max_num_queries):
    departments = DepartmentFactory.create_batch(3)
    for _ in range(n):
        PublicationFactory(authors=3, departments=departments)

    # 1 year counts for the total (cached after this request), 2 the ten
    # newest records with venue and document type, 3 their authorships.
    with django_assert_max_num_queries(3):
        response = client.get(HOME)

    assert len(recent_titles(response.content)) == min(n, 10)


def test_every_page_has_landmarks_a_skip_link_and_a_language(client):
    tree = parse_valid_html(client.get(HOME).content)

    assert tree.get("lang") == "en"
    body = tree.find("body")
    first_link = body.find(".//a")
    assert first_link.get("href") == "#main"
    assert text(first_link) == "Skip to main content"
    assert body.find(".//main").get("id") == "main"
    for landmark in ("header", "nav", "main", "footer"):
        assert body.find(f".//{landmark}") is not None, landmark
    assert body.find(".//nav").get("aria-label") == "Main"


def test_stylesheet_is_served(client):
    tree = parse_valid_html(client.get(HOME).content)
    href = tree.find(".//link[@rel='stylesheet']").get("href")

    assert href == "/static/css/site.css"


def test_unknown_address_gets_the_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    tree = parse_valid_html(response.content)
    assert text(tree.find(".//h1")) == "Page not found"
    assert "Faculty Publications Repository" in text(tree.find(".//header"))


@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        (defaults.server_error, 500, "Something went wrong"),
        (defaults.bad_request, 400, "Bad request"),
    ],
)
def test_error_pages_render_without_context_or_database(
    view, status, heading, django_assert_num_queries
):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        if view is defaults.server_error:
            response = view(request)
        else:
            response = view(request, exception=ValueError("bad"))

    assert response.status_code == status
    tree = parse_valid_html(response.content)
    assert text(tree.find(".//h1")) == heading
    assert tree.find(".//main") is not None


def test_permission_denied_page_extends_the_site_frame(rf, settings):
    request = rf.get("/")
    response = defaults.permission_denied(request, exception=PermissionError())

    assert response.status_code == 403
    tree = parse_valid_html(response.content)
    assert text(tree.find(".//h1")) == "Access denied"
    assert settings.REPOSITORY["NAME"] in text(tree.find(".//header"))


def test_home_offers_every_browse_axis_and_search(client):
    tree = parse_valid_html(client.get(HOME).content)
    links = [
        a.get("href")
        for a in tree.iterfind(".//nav[@aria-labelledby='browse-heading']//a")
    ]
    assert links == [
        "/publications/",
        "/departments/",
        "/subjects/",
        "/years/",
        "/authors/",
    ]
    assert tree.find(".//form[@role='search']").get("action") == "/search/"


def test_frame_links_follow_the_script_prefix_of_each_request(client):
    """The header's, search form's and feeds' URLs are reversed once and
    remembered; a site served under a path prefix must still get its own.
    The WSGI handler sets each request's prefix from SCRIPT_NAME, as here
    (the test client leaves it as it finds it)."""
    try:
        for prefix in ("", "/library", ""):
            set_script_prefix(f"{prefix}/")
            tree = parse_valid_html(client.get(HOME).content)

            assert tree.find(".//p[@class='site-name']/a").get("href") == f"{prefix}/"
            feeds = [a.get("href") for a in tree.iterfind(".//link[@rel='alternate']")]
            assert feeds
            assert all(href.startswith(f"{prefix}/feeds/") for href in feeds)
            search = tree.find(".//form[@role='search']").get("action")
            assert search == f"{prefix}/search/"
    finally:
        set_script_prefix("/")
