"""Ids reserved for bulk writes: each handed out once, whether the sequence
gives them as one range or scattered."""

import pytest
from django.db import connection

from publications.demo.bulk import BulkWriter
from publications.models import Keyword

from .factories import KeywordFactory

pytestmark = pytest.mark.django_db


def test_reserved_ids_are_new_and_never_handed_out_again():
    existing = KeywordFactory()
    writer = BulkWriter()

    first = writer.reserve_ids(Keyword, 500)
    second = writer.reserve_ids(Keyword, 3)

    assert len(set(first + second)) == 503
    assert min(first) > existing.pk
    assert writer.reserve_ids(Keyword, 0) == []
    writer.insert(
        Keyword,
        ("id", "term", "slug"),
        [(pk, f"Term {pk}", f"term-{pk}") for pk in first + second],
    )
    # The database's own next id is past every reserved one (SQLite: the
    # largest written; PostgreSQL: the sequence).
    assert KeywordFactory().pk > max(first + second)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sequences")
def test_scattered_ids_come_back_as_the_sequence_gave_them():
    """Another writer taking ids in between leaves gaps: the reservation is
    then the ids themselves, not a range (shown here by a sequence that
    steps by three)."""
    KeywordFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence('publications_keyword', 'id')::regclass"
        )
        (sequence,) = cursor.fetchone()
        cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 3")
        cursor.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608 - a name read above
        (last,) = cursor.fetchone()

    ids = BulkWriter().reserve_ids(Keyword, 4)

    assert ids == [last + 3, last + 6, last + 9, last + 12]
