"""Bad input on /search/ gets a message or a 404, never a server error, on
whichever engine the suite uses: examples, then a property over the URL's
parameters."""

import pytest
from django.utils.http import urlencode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publications.search.query import MAX_QUERY_LENGTH
from tests.factories import DepartmentFactory, KeywordFactory, PublicationFactory

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


@pytest.fixture
def records(django_capture_on_commit_callbacks):
    department = DepartmentFactory(name="Cardiology", slug="cardiology")
    with django_capture_on_commit_callbacks(execute=True):
        record = PublicationFactory(
            title="Heart failure outcomes", departments=[department], authors=2
        )
        # Hits with authors and keywords: their matches are marked too.
        record.keywords.set([KeywordFactory(term="Heart Failure")])
        PublicationFactory(title="Heart valve surgery", pub_year=2015)


def messages(response) -> list[str]:
    return response.context["messages_list"]


def test_a_query_of_10000_characters_is_cut_with_a_message(client, records):
    response = client.get(SEARCH, {"q": "heart " * 2000})

    assert response.status_code == 200
    assert len(response.context["query"]) <= MAX_QUERY_LENGTH
    assert f"longer than {MAX_QUERY_LENGTH} characters" in messages(response)[0]
    assert response.context["result"].total == 2


@pytest.mark.parametrize("query", ['"heart', 'heart"', '"', '""', '"heart failure'])
def test_unbalanced_quotes_search_the_words(client, records, query):
    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200


@pytest.mark.parametrize("query", ["-", "or", "OR OR", "- -heart", '-"heart"', "()"])
def test_a_query_of_operators_only_lists_records_and_says_why(client, records, query):
    response = client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    assert response.context["result"].total == 2
    assert any("no word to look for" in m for m in messages(response))


def test_nul_bytes_and_mixed_scripts_are_searched_safely(client, records):
    for query in ("heart\x00failure", "\x00", "сердце 心臓 heart", "\u202eheart"):
        assert client.get(SEARCH, {"q": query}).status_code == 200


def test_an_unknown_filter_value_is_ignored_with_a_message_naming_it(client, records):
    response = client.get(SEARCH, {"q": "heart", "department": "no-such-unit"})

    assert response.status_code == 200
    assert messages(response) == [
        "Ignored Department: There is no department “no-such-unit”."
    ]
    assert response.context["result"].total == 2


@pytest.mark.parametrize("value", ["x" * 10_000, "a\x00b", "<script>", "../../etc"])
def test_filter_values_that_are_not_slugs_are_ignored(client, records, value):
    response = client.get(SEARCH, {"keyword": value, "type": value, "author": value})

    assert response.status_code == 200
    assert len(messages(response)) == 3


def test_a_year_that_is_not_a_number_is_a_form_error(client, records):
    response = client.get(SEARCH, {"q": "heart", "year_from": "twenty"})

    assert response.status_code == 200
    assert b"From year: Enter a whole number." in response.content
    assert response.context["result"].total == 2


def test_reversed_years_are_a_form_error(client, records):
    response = client.get(SEARCH, {"year_from": "2020", "year_to": "2010"})

    assert response.status_code == 200
    assert "is before" in response.content.decode()
    assert response.context["active"] == {"year_from": 2020}


@pytest.mark.parametrize(
    "page", ["0", "-1", "abc", "1.5", "99999999999999999999", "41"]
)
def test_a_page_that_does_not_exist_is_404(client, records, page):
    assert client.get(SEARCH, {"q": "heart", "page": page}).status_code == 404


def test_a_page_past_the_results_is_404(client, records):
    assert client.get(SEARCH, {"q": "heart", "page": "2"}).status_code == 404
    assert client.get(SEARCH, {"q": "nothing", "page": "1"}).status_code == 200


def test_an_unknown_sort_is_ignored_with_a_message(client, records):
    response = client.get(SEARCH, {"q": "heart", "sort": "cheapest"})

    assert response.status_code == 200
    assert response.context["sort"] == "relevance"
    assert len(messages(response)) == 1


def test_no_results_keeps_the_filters_and_says_so(client, records):
    response = client.get(SEARCH, {"q": "zzzzqqq", "department": "cardiology"})

    assert response.status_code == 200
    assert b"No results" in response.content
    assert b'name="department" value="cardiology"' in response.content
    assert [f.label for f in response.context["active_filters"]] == [
        "Department: Cardiology"
    ]


PARAMETER_NAMES = st.sampled_from(
    ["q", "page", "sort", "department", "subject", "keyword", "type", "author"]
    + ["year_from", "year_to", "other"]
)
NASTY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet='"-()*:^{}+ORAND \x00', max_size=30),
    st.sampled_from(
        ["", "0", "-1", "2013", "9" * 30, "heart", "cardiology", '"heart -failure"']
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(PARAMETER_NAMES, NASTY_TEXT), max_size=6))
def test_any_search_parameters_give_a_page_a_redirect_or_a_clear_error(
    client, records, parameters
):
    # Surrogates cannot be sent in a URL; everything else goes as typed.
    parameters = [
        (name, value.encode("utf-8", "replace").decode()) for name, value in parameters
    ]
    response = client.get(f"{SEARCH}?{urlencode(parameters)}")

    assert response.status_code in {200, 302, 400, 404}
