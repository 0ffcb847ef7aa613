"""The "Source" line and the "Recommended Citation" of a record."""

import pytest

from publications.citation import doi_url, recommended_citation, source_line
from publications.demo.seed import seed_record_load
from publications.models import Publication
from tests.factories import PersonFactory, PublicationFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def base_url(settings):
    settings.REPOSITORY = {
        **settings.REPOSITORY,
        "BASE_URL": "https://repo.example.edu/",
    }
    return "https://repo.example.edu"


def loaded(publication: Publication) -> Publication:
    return Publication.objects.for_record().get(pk=publication.pk)


def test_seed_record_citation_leads_with_the_title_when_no_author_is_named(base_url):
    seed = loaded(seed_record_load())

    citation = recommended_citation(seed)

    assert citation.text == (
        "Advances in understanding the pathogenesis of HLH. (2013). Br J Haematol, "
        "161(5), 609-22. https://doi.org/10.1111/bjh.12293\n"
        f"Retrieved from {base_url}/publications/{seed.pk}/"
    )


def test_authors_are_cited_as_family_name_and_initials_in_position_order(base_url):
    henter = PersonFactory(given_names="Jan-Inge", family_name="Henter")
    horne = PersonFactory(given_names="Anne Marie", family_name="Horne", suffix="Jr")
    publication = PublicationFactory(
        title="Histiocytosis today",
        pub_year=2007,
        venue=VenueFactory(title="Pediatric Blood & Cancer", abbreviation=""),
        volume="48",
        issue="2",
        pages="124-31",
        doi="10.1002/pbc.21039",
        authors=[horne, henter],
    )

    citation = recommended_citation(loaded(publication))

    assert citation.body == (
        "Horne AM Jr, Henter JI (2007). Histiocytosis today. "
        "Pediatric Blood & Cancer, 48(2), 124-31."
    )
    assert citation.doi_url == "https://doi.org/10.1002/pbc.21039"
    assert citation.retrieved_from == f"{base_url}/publications/{publication.pk}/"


def test_missing_parts_are_left_out_without_stray_punctuation(base_url):
    publication = PublicationFactory(
        title="Is less more?",
        pub_year=2019,
        venue=None,
        volume="",
        issue="",
        pages="",
        authors=[PersonFactory(given_names="Ada", family_name="Lovelace")],
    )

    citation = recommended_citation(loaded(publication))

    assert citation.body == "Lovelace A (2019). Is less more?"
    assert citation.doi_url == ""
    assert citation.text == (
        "Lovelace A (2019). Is less more?\n"
        f"Retrieved from {base_url}/publications/{publication.pk}/"
    )


def test_volume_without_issue_is_cited_with_its_pages():
    publication = PublicationFactory(
        venue=VenueFactory(abbreviation="Blood"), volume="12", issue="", pages="3-9"
    )

    assert "Blood, 12, 3-9." in recommended_citation(loaded(publication)).body


def test_source_line_is_the_citation_as_printed_when_there_is_one():
    seed = loaded(seed_record_load())

    assert source_line(seed) == (
        "Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.1111/bjh.12293. "
        "Epub 2013 Apr 12."
    )


def test_source_line_is_built_in_nlm_style_from_the_fields():
    publication = PublicationFactory(
        pub_year=2013,
        pub_month=6,
        venue=VenueFactory(abbreviation="Br J Haematol"),
        volume="161",
        issue="5",
        pages="609-22",
    )

    assert source_line(loaded(publication)) == "Br J Haematol. 2013 Jun;161(5):609-22."


def test_source_line_uses_the_venue_title_when_it_has_no_abbreviation():
    publication = PublicationFactory(
        pub_year=2001,
        venue=VenueFactory(title="Annals of Examples", abbreviation=""),
        volume="",
        issue="",
        pages="",
    )

    assert source_line(loaded(publication)) == "Annals of Examples. 2001."


def test_doi_url_escapes_characters_a_url_cannot_carry():
    assert doi_url("10.1002/(sici)1097-4636<448::aid>3.0.co;2-z#x") == (
        "https://doi.org/10.1002/(sici)1097-4636%3C448::aid%3E3.0.co;2-z%23x"
    )


def test_formatting_a_loaded_record_makes_no_query(django_assert_num_queries):
    publication = loaded(PublicationFactory(authors=4, doi="10.1000/xyz"))

    with django_assert_num_queries(0):
        recommended_citation(publication)
        source_line(publication)
