"""Date-indexed paging returns exactly the rows plain OFFSET paging would."""

import pytest
from django.core.paginator import Paginator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publications import stats
from publications.models import Publication
from publications.paging import DateIndexedPaginator
from tests.factories import DocumentTypeFactory

dates = st.tuples(
    st.integers(2000, 2004),
    st.none() | st.integers(1, 12),
    st.none() | st.integers(1, 28),
).map(lambda d: (d[0], d[1], d[2] if d[1] else None))


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(dates=st.lists(dates, min_size=0, max_size=40), per_page=st.integers(1, 7))
def test_every_page_matches_offset_paging(dates, per_page):
    Publication.objects.all().delete()
    stats.invalidate()
    document_type = DocumentTypeFactory()
    Publication.objects.bulk_create(
        Publication(
            title=f"Record {n}",
            pub_year=year,
            pub_month=month,
            pub_day=day,
            date_sort=year * 10000 + (month or 0) * 100 + (day or 0),
            document_type=document_type,
            status="published",
        )
        for n, (year, month, day) in enumerate(dates)
    )
    rows = Publication.objects.published().newest_first()
    plain = Paginator(rows, per_page, allow_empty_first_page=True)
    fast = DateIndexedPaginator(rows, per_page, stats.published_month_counts())
    assert fast.num_pages == plain.num_pages
    for number in plain.page_range:
        assert list(fast.page(number)) == list(plain.page(number)), number
