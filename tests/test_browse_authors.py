"""The A-Z author index: each person's count of published records is kept
with the search index, so it must follow every change readers could see:
publishing, withdrawing, author lists, renames and rebuilds."""

import pytest
from django.core.management import call_command

from publications import services
from publications.models import Authorship, Publication
from tests.factories import PersonFactory, PublicationFactory
from tests.html import parse_valid_html, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Records reach the search index when their transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def listed(client, letter: str) -> dict[str, int]:
    """{slug: count} of the people the index shows under `letter`."""
    response = client.get("/authors/", {"letter": letter})
    assert response.status_code == 200
    return {person.slug: person.records for person in response.context["page_obj"]}


@pytest.fixture
def smith(committed):
    person = PersonFactory(given_names="Ann", family_name="Smith", slug="smith")
    with committed():
        first = PublicationFactory(authors=[person])
        second = PublicationFactory(authors=[person])
    return {"person": person, "first": first, "second": second}


def test_an_authors_count_follows_withdrawing_and_publishing(client, committed, smith):
    assert listed(client, "S") == {"smith": 2}

    with committed():
        services.publication_withdraw(publication=smith["first"], note="Duplicate.")
    assert listed(client, "S") == {"smith": 1}

    with committed():
        services.publication_withdraw(publication=smith["second"], note="Retracted.")
    assert listed(client, "S") == {}

    with committed():
        services.publication_publish(publication=smith["first"])
    assert listed(client, "S") == {"smith": 1}


def test_a_draft_counts_once_it_is_published(client, committed, smith):
    with committed():
        draft = PublicationFactory(
            authors=[smith["person"]], status=Publication.Status.DRAFT
        )
    assert listed(client, "S") == {"smith": 2}

    with committed():
        services.publication_publish(publication=draft)
    assert listed(client, "S") == {"smith": 3}


def test_an_author_taken_off_a_record_loses_it_and_the_new_one_gains_it(
    client, committed, smith
):
    stone = PersonFactory(given_names="Bo", family_name="Stone", slug="stone")
    record = smith["first"]
    kept = list(Authorship.objects.filter(publication=record))

    with committed():
        services.authorships_save(
            publication=record,
            authorships=[Authorship(person=stone, name_as_printed="Stone B")],
            deleted=kept,
        )

    assert listed(client, "S") == {"smith": 1, "stone": 1}


def test_a_renamed_author_moves_to_their_new_letter(client, committed, smith):
    person = smith["person"]
    person.family_name = "Jones"

    with committed():
        services.person_save(person=person)

    assert listed(client, "S") == {}
    assert listed(client, "J") == {"smith": 2}


def test_a_rebuild_counts_the_same(client, committed, smith):
    with committed():
        PublicationFactory(authors=[PersonFactory(family_name="Sand", slug="sand")])
    before = listed(client, "S")

    call_command("rebuild_search_index", verbosity=0)

    assert listed(client, "S") == before == {"smith": 2, "sand": 1}


def test_the_index_agrees_with_the_authors_page(client, committed, smith):
    with committed():
        services.publication_withdraw(publication=smith["first"], note="Duplicate.")

    page = client.get("/authors/smith/")

    assert page.context["result"].total == listed(client, "S")["smith"] == 1


def test_people_are_listed_in_name_order_a_hundred_a_page(client, committed):
    with committed():
        PublicationFactory(
            authors=[
                PersonFactory(given_names=f"G{n:03}", family_name="Same", slug=f"s{n}")
                for n in range(101)
            ]
        )

    first = client.get("/authors/", {"letter": "S"})
    second = client.get("/authors/", {"letter": "S", "page": "2"})

    names = [person.sort_name for person in first.context["page_obj"]]
    assert names == [f"Same, G{n:03}" for n in range(100)]
    assert [person.slug for person in second.context["page_obj"]] == ["s100"]
    page = parse_valid_html(second.content)
    assert [text(li) for li in page.findall(".//ul[@class='authors']/li")] == [
        "Same, G100 1"
    ]
    assert client.get("/authors/", {"letter": "S", "page": "3"}).status_code == 404


def test_lower_case_family_names_are_under_their_capital(client, committed):
    with committed():
        PublicationFactory(
            authors=[PersonFactory(given_names="Anna", family_name="de Vries")]
        )

    assert [
        p.family_name for p in client.get("/authors/?letter=D").context["page_obj"]
    ] == ["de Vries"]
