"""/robots.txt, read by Protego (the robots.txt parser of Scrapy, which
follows RFC 9309 and Google's wildcard and longest-match rules)."""

import pytest
from protego import Protego

BASE_URL = "https://repository.example.edu"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.REPOSITORY = {**settings.REPOSITORY, "BASE_URL": BASE_URL}


@pytest.fixture
def robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    return response


def test_robots_txt_is_plain_text(robots):
    assert robots["Content-Type"] == "text/plain; charset=utf-8"


def test_robots_txt_names_the_sitemap_index_by_absolute_url(robots):
    rules = Protego.parse(robots.content.decode())

    assert list(rules.sitemaps) == [f"{BASE_URL}/sitemap.xml"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/publications/",
        "/publications/?page=3",
        "/publications/42/",
        "/publications/42/advances-in-understanding/",
        "/publications/42/cite.bib",
        "/publications/42/linkset",
        "/departments/pediatrics/",
        "/departments/pediatrics/?page=2",
        "/subjects/pathology/",
        "/feeds/recent.rss",
        "/feeds/departments/pediatrics.atom",
        "/sitemap.xml",
        "/sitemaps/records-0.xml",
    ],
)
@pytest.mark.parametrize("agent", ["Googlebot", "bingbot", "SomeCrawler"])
def test_crawlers_may_fetch_records_listings_feeds_and_sitemaps(robots, path, agent):
    rules = Protego.parse(robots.content.decode())

    assert rules.can_fetch(f"{BASE_URL}{path}", agent)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/publications/publication/",
        "/search/",
        "/search/?q=hlh",
        "/publications/?sort=title",
        "/publications/?page=2&sort=title",
        "/departments/pediatrics/?type=article",
        "/departments/pediatrics/?page=2&subject=pathology",
        "/subjects/pathology/?year_from=2010&year_to=2012",
        "/keywords/perforin/?author=henter-jan-inge",
        "/types/article/?department=pediatrics",
        "/years/2013/?keyword=perforin",
        "/publications/export.bib",
        "/publications/export.ris",
        "/search/export.bib?q=hlh",
    ],
)
@pytest.mark.parametrize("agent", ["Googlebot", "SomeCrawler"])
def test_crawlers_keep_out_of_admin_search_and_filter_permutations(robots, path, agent):
    rules = Protego.parse(robots.content.decode())

    assert not rules.can_fetch(f"{BASE_URL}{path}", agent)


def test_robots_txt_follows_the_base_url(client, settings):
    settings.REPOSITORY = {
        **settings.REPOSITORY,
        "BASE_URL": "https://library.example.org/repository",
    }

    rules = Protego.parse(client.get("/robots.txt").content.decode())

    assert list(rules.sitemaps) == [
        "https://library.example.org/repository/sitemap.xml"
    ]
