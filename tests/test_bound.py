"""A bound cursor sends arrays of any text as they are, and its statements
are counted and logged as Django's own are."""

import pytest
from django.db import connection

from publications.bound import bound_cursor

pytestmark = pytest.mark.django_db

TEXTS = ['O\'Brien "quoted"', "back\\slash", "{braces, commas}", "NULL", "", "é ü ß"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="arrays are a PostgreSQL parameter type"
)
def test_a_bound_cursor_sends_arrays_of_awkward_texts_as_they_are(
    django_assert_num_queries,
):
    with django_assert_num_queries(1), bound_cursor() as cursor:
        cursor.execute(
            "SELECT t, n FROM unnest(%(texts)s::text[], %(ids)s::bigint[]) AS u(t, n)",
            {"texts": TEXTS, "ids": list(range(len(TEXTS)))},
        )
        rows = cursor.fetchall()
    assert rows == [(text, n) for n, text in enumerate(TEXTS)]


def test_a_bound_cursor_takes_plain_parameters_on_every_engine(
    django_assert_num_queries,
):
    with django_assert_num_queries(1), bound_cursor() as cursor:
        cursor.execute("SELECT %s, %s", ["O'Brien", 3])
        assert tuple(cursor.fetchone()) == ("O'Brien", 3)
