"""Collection counts that listing pages need on every request, cached.

Counting a million rows costs tens of milliseconds, so counts are kept in the
cache and dropped by the service layer whenever a record changes. The key
carries a generation number, so one `cache.incr` invalidates every count in
every process that shares the cache.
"""

from itertools import groupby

from django.core.cache import cache
from django.db.models import Count, F

GENERATION_KEY = "publications:stats:generation"
TIMEOUT = 60 * 60


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 1, timeout=None)


def invalidate() -> None:
    """Called by the service layer after any write that readers could see."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def published_month_counts() -> list[tuple[int, int]]:
    """[(yyyymm, number of published records)], newest first.

    mm is 00 for records dated by year alone; yyyymm is date_sort // 100, so
    one pass over the listing index counts them.
    """
    from .models import Publication

    key = f"publications:stats:{_generation()}:month_counts"
    counts = cache.get(key)
    if counts is None:
        counts = list(
            Publication.objects.published()
            .annotate(month=F("date_sort") / 100)
            .values_list("month")
            .annotate(n=Count("id"))
            .order_by("-month")
        )
        cache.set(key, counts, TIMEOUT)
    return counts


def published_year_counts() -> list[tuple[int, int]]:
    """[(year, number of published records)], newest year first."""
    return [
        (year, sum(n for _, n in months))
        for year, months in groupby(
            published_month_counts(), key=lambda item: item[0] // 100
        )
    ]


def published_count() -> int:
    return sum(n for _, n in published_month_counts())
