"""The search page as a reader meets it: valid HTML, every input labelled,
facets and filters as plain links and a form (no JavaScript needed)."""

import html5lib
import pytest

from tests.factories import DepartmentFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def parse_valid_html(content: bytes):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        return parser.parse(content)
    except html5lib.html5parser.ParseError:
        lenient = html5lib.HTMLParser(namespaceHTMLElements=False)
        lenient.parse(content)
        pytest.fail(f"HTML parse errors: {lenient.errors}")


@pytest.fixture
def page(client, django_capture_on_commit_callbacks):
    department = DepartmentFactory(name="Radiology & Imaging", slug="radiology")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(30):
            PublicationFactory(
                title=f"Imaging study {n}",
                pub_year=2000 + n % 3,
                departments=[department],
            )
    response = client.get(
        "/search/", {"q": 'imaging "study"', "department": "radiology", "page": "2"}
    )
    assert response.status_code == 200
    return parse_valid_html(response.content)


def test_every_input_of_the_search_form_has_a_label(page):
    form = page.find(".//form[@role='search']")
    labels = {label.get("for") for label in form.iter("label")}
    fields = [
        element
        for element in form.iter()
        if element.tag in ("input", "select") and element.get("type") != "hidden"
    ]
    assert {field.get("id") for field in fields} <= labels
    assert {field.get("name") for field in fields} == {
        "q",
        "sort",
        "year_from",
        "year_to",
    }


def test_the_form_keeps_active_filters_as_hidden_fields(page):
    hidden = page.findall(".//form[@role='search']//input[@type='hidden']")
    assert [(h.get("name"), h.get("value")) for h in hidden] == [
        ("department", "radiology")
    ]


def test_facets_and_pages_are_links_that_keep_the_query(page):
    facet_links = [a.get("href") for a in page.iterfind(".//nav[@class='facets']//a")]
    assert facet_links
    assert all("q=imaging" in href and "page=" not in href for href in facet_links)
    pager_links = [a.get("href") for a in page.iterfind(".//nav[@class='pager']//a")]
    assert any("page=" not in href for href in pager_links)  # back to page 1
    assert all("department=radiology" in href for href in pager_links)


def test_the_results_list_continues_numbering_on_later_pages(page):
    results = page.find(".//ol[@class='entries']")
    assert results.get("start") == "26"
    assert len(results.findall("li")) == 5
