"""PostgreSQL-only search behaviour: "did you mean" from the index's words
(trigram distance) and estimated counts past the exact-count threshold."""

import pytest
from django.db import connection

from publications.search import postgres
from tests.factories import PersonFactory, PublicationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="trigram suggestions and sampled counts are PostgreSQL features",
    ),
]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_misspelt_query_that_finds_nothing_suggests_the_corrected_one(
    client, committed
):
    with committed():
        PublicationFactory(title="Lymphoma in adolescents")

    response = client.get("/search/", {"q": "lymfoma"})

    assert response.context["result"].total == 0
    assert response.context["result"].suggestion == "lymphoma"
    assert b"Did you mean" in response.content
    assert response.context["suggestion_url"] == "/search/?q=lymphoma"
    assert client.get(response.context["suggestion_url"]).context["result"].total == 1


def test_a_misspelt_author_name_is_corrected_keeping_the_other_words(client, committed):
    person = PersonFactory(given_names="Jan-Inge", family_name="Henter")
    with committed():
        PublicationFactory(title="Histiocytosis treatment", authors=[person])

    response = client.get("/search/", {"q": "hentr histiocytosis"})

    assert response.context["result"].suggestion == "henter histiocytosis"


def test_no_suggestion_is_offered_when_the_correction_finds_nothing_either(
    client, committed
):
    with committed():
        PublicationFactory(title="Lymphoma in adolescents")

    # "lymfoma" would become "lymphoma", but not under a year with no records.
    response = client.get("/search/", {"q": "lymfoma", "year_from": 2099})

    assert response.context["result"].suggestion is None
    assert b"Did you mean" not in response.content


def test_past_the_threshold_counts_are_estimated_and_say_about(
    client, committed, monkeypatch
):
    # Ids 512k .. 512k+31 are in the sample (publication_id / 32 % 16 = 0);
    # the next ones are not.
    first = 512 * 10_000
    with committed():
        for pk in range(first, first + 40):
            PublicationFactory(id=pk, title=f"Influenza season {pk}")
    # A low threshold makes this small collection count as large.
    monkeypatch.setattr(postgres, "EXACT_LIMIT", 0)

    response = client.get("/search/", {"q": "influenza"})

    result = response.context["result"]
    assert result.estimated
    assert result.total == 32 * postgres.SAMPLE_RATE
    assert b"About 512 results" in response.content
    assert b"counts estimated" in response.content
    # Relevance ranks the sampled candidates.
    shown = [p.pk for _, p in response.context["page_obj"]]
    assert len(shown) == 25
    assert all(pk < first + 32 for pk in shown)


def test_a_rebuild_leaves_statistics_on_the_counts_it_rewrote(committed):
    """The planner reads the kept counts by their statistics: a rebuild that
    rewrites them analyses them, or a letter of the author index is planned
    as if the table were empty."""
    from django.core.management import call_command

    with committed():
        PublicationFactory.create_batch(3, authors=PersonFactory.create_batch(2))

    call_command("rebuild_search_index", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [["publications_search_author", "publications_search_facet"]],
        )
        tuples = dict(cursor.fetchall())
    assert tuples["publications_search_author"] == 2
    assert tuples["publications_search_facet"] > 0
