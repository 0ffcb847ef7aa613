"""The import pages in a real browser: readable on a phone (no sideways
scrolling at 375 px) and free of WCAG 2.2 AA violations in what they add to
the admin."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import sync_playwright

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, PHONE_WIDTH
from tests.test_ingest_admin import (
    batch_url,
    choose,
    existing_ferritin_record,
    latest_batch,
    upload,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (apt-get install chromium); "
        "browser tests use the system browser only",
    ),
]

# The admin's frame (header, sidebar) and a changelist's search box and
# filters are Django's own; the import pages are checked for what they put
# in #content.
AXE_CONTEXT = {
    "include": ["#content"],
    "exclude": ["#changelist-filter", "#changelist-search"],
}
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture(autouse=True)
def _database_access_beside_playwright(monkeypatch):
    """Sync Playwright runs an event loop in this thread; Django would
    otherwise refuse database access from it."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def import_pages(
    django_db_serialized_rollback, transactional_db, live_server, admin_client
):
    """The upload page, a dry run with a new row, an update and an error,
    its report once applied, the batch list and the affiliation rules."""
    existing_ferritin_record()
    upload(admin_client, "records.csv")
    planned = latest_batch()
    upload(admin_client, "records.csv")
    applied = latest_batch()
    choose(admin_client, applied, {3: "update", 4: "skip"}, apply=True)
    urls = {
        "upload": reverse("admin:ingest_importbatch_add"),
        "lookup": reverse("admin:ingest_importbatch_lookup"),
        "dry run": batch_url(planned),
        "report": batch_url(applied),
        "batches": reverse("admin:ingest_importbatch_changelist"),
        "rules": reverse("admin:ingest_affiliationrule_changelist")
        + "?affiliation=Pediatrics",
    }
    session = admin_client.cookies["sessionid"].value
    return {name: live_server.url + url for name, url in urls.items()}, session


@pytest.fixture
def open_page(import_pages):
    urls, session = import_pages
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )

        def open_page(name: str, width: int):
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.add_cookies(
                [{"name": "sessionid", "value": session, "url": urls[name]}]
            )
            page = context.new_page()
            response = page.goto(urls[name])
            assert response.status == 200
            return page

        yield open_page
        browser.close()


PAGES = ["upload", "lookup", "dry run", "report", "batches", "rules"]


@pytest.mark.parametrize("name", PAGES)
def test_an_import_page_does_not_scroll_sideways_on_a_phone(open_page, name):
    page = open_page(name, PHONE_WIDTH)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


@pytest.mark.parametrize("width", [PHONE_WIDTH, 1280])
@pytest.mark.parametrize("name", PAGES)
def test_an_import_page_has_no_accessibility_violations(open_page, name, width):
    page = open_page(name, width)
    results = Axe().run(page, context=AXE_CONTEXT, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
