"""A record's entry reads the same everywhere it is listed: /publications/,
the search page and the browse pages print the same title, authors and
source line (search and browse read them as plain values, not records)."""

import pytest
from django.urls import reverse

from publications.models import Authorship
from tests.factories import PersonFactory, PublicationFactory
from tests.html import parse_valid_html, text

pytestmark = pytest.mark.django_db


def entries(content: bytes) -> dict[str, tuple[str, str, str]]:
    """Each entry's title -> (link, authors, source), in page order."""
    tree = parse_valid_html(content)
    found = {}
    for entry in tree.iterfind(".//li[@class='entry']"):
        link = entry.find("h3/a")
        authors = entry.find("p[@class='entry-authors']")
        found[text(link)] = (
            link.get("href"),
            text(authors) if authors is not None else "",
            text(entry.find("p[@class='entry-source']")),
        )
    return found


@pytest.fixture
def records(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        many = PublicationFactory(
            title="Consortium paper", pub_year=2019, pub_month=5, authors=12
        )
        unprinted = PublicationFactory(
            title="Names from the people",
            pub_year=2019,
            venue=None,
            volume="",
            issue="",
            pages="",
        )
        for position, person in enumerate(
            [
                PersonFactory(given_names="John", family_name="Smith", suffix="Jr"),
                PersonFactory(given_names="", family_name="Consortium"),
            ],
            1,
        ):
            Authorship.objects.create(
                publication=unprinted, person=person, position=position
            )
        printed = PublicationFactory(
            title="Printed source",
            pub_year=2019,
            source_citation="Br J Haematol. 2013 Jun;161(5):609-22.",
            authors=1,
        )
    return many, unprinted, printed


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=consortium+OR+names+OR+printed",
        "/search/",
        "/years/2019/",
    ],
)
def test_search_and_browse_entries_print_what_the_listing_prints(client, records, url):
    expected = entries(client.get(reverse("publications:listing")).content)
    many, unprinted, printed = records

    shown = entries(client.get(url).content)

    assert shown == expected
    assert expected["Consortium paper"][1].endswith(", et al.")
    assert expected["Consortium paper"][1].count(",") == 10
    assert expected["Names from the people"][1] == "John Smith, Jr, Consortium"
    assert expected["Names from the people"][2] == "2019."
    assert expected["Printed source"][2] == printed.source_citation
    assert expected["Printed source"][0] == f"/publications/{printed.pk}/"
