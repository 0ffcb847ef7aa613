"""/search/ makes the same number of SQL queries for one result as for a
full page of results with every facet filled."""

import pytest
from django.db import connection

from publications.models import Keyword
from tests.factories import (
    DepartmentFactory,
    KeywordFactory,
    PersonFactory,
    PublicationFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db

# Validating the five slug filters: one query each (department, subject,
# keyword, type, author) = 5.
# Search: SQLite 2 (counts and facets; the page's ids) + 1 (excerpts) + 1
# (the hits' authors and keywords, for what they matched on); PostgreSQL 3
# (work_mem, a sampled then an exact summary) + 1 (ids with excerpts) + 1
# (matched authors and keywords) + 2 (savepoint and its release) = 7.
# The records: 1 (publications with venue and type) + 1 (authorships with
# people). Facet names: 1 (departments, subjects, types and keywords).
MAX_QUERIES = {"sqlite": 5 + 4 + 2 + 1, "postgresql": 5 + 7 + 2 + 1}
# The same without filters or a query: no validation, no excerpts, and the
# summary is the collection's kept counts (one query, no sampled pass):
# SQLite 1 (counts) + 1 (ids); PostgreSQL 2 (savepoint pair) + 1 (settings)
# + 1 (counts) + 1 (ids).
MAX_QUERIES_PLAIN = {"sqlite": 2 + 2 + 1, "postgresql": 5 + 2 + 1}


def records(count: int):
    department = DepartmentFactory(slug="oncology")
    subject = SubjectFactory(slug="medicine")
    author = PersonFactory(slug="author")
    keywords = KeywordFactory.create_batch(3)
    for n in range(count):
        record = PublicationFactory(
            title=f"Tumour study {n}",
            pub_year=2000 + n % 20,
            departments=[department, DepartmentFactory()],
            authors=[author, *PersonFactory.create_batch(2)],
        )
        record.subjects.set([subject, SubjectFactory()])
        record.keywords.set([*keywords, KeywordFactory()])


FILTERED = {
    "q": "tumour",
    "department": "oncology",
    "subject": "medicine",
    "keyword": "keyword-0",
    "type": "article",
    "author": "author",
}


@pytest.mark.parametrize("count", [1, 30])
def test_a_filtered_search_makes_a_fixed_number_of_queries(
    client, django_capture_on_commit_callbacks, django_assert_max_num_queries, count
):
    with django_capture_on_commit_callbacks(execute=True):
        records(count)
    filters = {**FILTERED, "keyword": Keyword.objects.order_by("pk").first().slug}

    with django_assert_max_num_queries(MAX_QUERIES[connection.vendor]):
        response = client.get("/search/", filters)

    assert response.context["result"].total == count
    assert len(response.context["page_obj"].object_list) == min(count, 25)


@pytest.mark.parametrize("count", [1, 30])
def test_the_search_page_without_a_query_makes_a_fixed_number_of_queries(
    client, django_capture_on_commit_callbacks, django_assert_max_num_queries, count
):
    with django_capture_on_commit_callbacks(execute=True):
        records(count)

    with django_assert_max_num_queries(MAX_QUERIES_PLAIN[connection.vendor]):
        response = client.get("/search/")

    assert response.context["result"].total == count
