"""The reader pages in a real browser: Chromium through Playwright.

They render without console errors or failed requests, fit a phone screen,
pass axe-core's accessibility rules, and put the skip link first in the tab
order.
"""

import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from publications.demo.seed import seed_record_load
from tests.factories import DepartmentFactory, PersonFactory, PublicationFactory

CHROMIUM = (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
) or shutil.which("chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (apt-get install chromium); "
        "browser tests use the system browser only",
    ),
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = ["home", "listing", "record", "search", "search on authors"]
PHONE_WIDTH = 375
# WCAG 2.2 AA (target-size among them) and axe's best practices (landmarks,
# heading order, skip link).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22aa",
            "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture(autouse=True)
def _database_access_beside_playwright(monkeypatch):
    """Sync Playwright runs an event loop in this thread; Django would
    otherwise refuse database access from it."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def others(count: int) -> list:
    """People whose names no search of these tests matches: a random name
    ("Horn") would stem as "Horne" does."""
    names = [("Kofi", "Mensah"), ("Lena", "Berg"), ("Jan", "Novak")]
    return [
        PersonFactory(given_names=given, family_name=family)
        for given, family in names[:count]
    ]


@pytest.fixture
def pages(django_db_serialized_rollback, transactional_db, live_server):
    """URLs of the listing and the seed record, with a few more records.

    The live server reads from another thread, so the data is committed
    (transactional_db); serialized rollback puts back the document types the
    migrations made, which the flush after each test removes.
    """
    seed = seed_record_load()
    departments = DepartmentFactory.create_batch(2)
    for year in (2019, 2020, 2021):
        PublicationFactory(pub_year=year, authors=others(3), departments=departments)
    horne = PersonFactory(given_names="Annacarin", family_name="Horne")
    PublicationFactory(title="Treatment outcomes", authors=[horne, *others(2)])
    # Search reads its index, which fills at commit.
    call_command("rebuild_search_index", verbosity=0)
    return {
        "home": f"{live_server.url}/",
        "search": f"{live_server.url}/search/?q=study",
        # Hits that say which author (one) and keyword (the seed's) matched.
        "search on authors": f"{live_server.url}/search/?q=horne+or+hemophagocytic",
        "listing": f"{live_server.url}/publications/",
        "record": f"{live_server.url}{seed.get_absolute_url()}",
    }


class Problems(list):
    """Console errors, page errors and failed requests seen by a page."""

    def watch(self, page):
        page.on(
            "console",
            lambda msg: msg.type == "error" and self.append(f"console: {msg.text}"),
        )
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))
        page.on(
            "requestfailed",
            lambda request: self.append(f"failed: {request.url} {request.failure}"),
        )
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.append(f"HTTP {response.status}: {response.url}")
            ),
        )
        return page


@pytest.fixture
def browser(pages):
    """A headless Chromium, started after the test data is in place.

    While Playwright's event loop runs, Django hands this thread a fresh
    database connection; the test database's setup and teardown must run on
    the original one, so the browser lives only inside each test.
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_page(url: str, width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        problems = Problems()
        page = problems.watch(context.new_page())
        response = page.goto(url)
        return page, response, problems

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_without_console_errors_or_failed_requests(pages, open_page, name):
    page, response, problems = open_page(pages[name])

    assert response.status == 200
    assert page.locator("h1").count() == 1
    # The stylesheet arrived and applies: the header has its brand colour.
    header_background = page.eval_on_selector(
        "header", "el => getComputedStyle(el).backgroundColor"
    )
    assert header_background == "rgb(28, 43, 74)"
    assert problems == []


@pytest.mark.parametrize("name", PAGES)
def test_page_does_not_scroll_sideways_on_a_phone(pages, open_page, name):
    page, _, problems = open_page(pages[name], width=PHONE_WIDTH)

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH
    assert problems == []


@pytest.mark.parametrize("width", [PHONE_WIDTH, 1280])
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_accessibility_violations(pages, open_page, name, width):
    page, _, _ = open_page(pages[name], width=width)

    results = Axe().run(page, options=AXE_OPTIONS)

    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("name", PAGES)
def test_first_tab_focuses_the_visible_skip_link(pages, open_page, name):
    page, _, _ = open_page(pages[name])

    page.keyboard.press("Tab")

    focused = page.evaluate(
        "[document.activeElement.textContent, document.activeElement.hash]"
    )
    assert focused == ["Skip to main content", "#main"]
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] >= 24 and box["width"] >= 24

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"


def test_search_hits_show_the_author_and_keyword_they_matched_on(pages, open_page):
    page, _, problems = open_page(pages["search on authors"], width=PHONE_WIDTH)

    reasons = page.locator(".entry-matched").all_inner_texts()

    assert sorted(" ".join(text.split()) for text in reasons) == [
        "Matched author: Horne A",
        "Matched keyword: Lymphohistiocytosis, Hemophagocytic",
    ]
    # The matched word is marked.
    marked = page.locator(".entry-matched mark").all_inner_texts()
    assert sorted(marked) == ["Hemophagocytic", "Horne"]
    assert problems == []
