"""Collection counts that listing pages need on every request, cached.

Counting a million rows costs tens of milliseconds, so counts are kept in the
cache and dropped by the service layer whenever a record changes. The key
carries a generation number, so one `cache.incr` invalidates every count in
every process that shares the cache.
"""

from django.core.cache import cache
from django.db.models import Count

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


def published_year_counts() -> list[tuple[int, int]]:
    """[(year, number of published records)], newest year first."""
    from .models import Publication

    key = f"publications:stats:{_generation()}:year_counts"
    counts = cache.get(key)
    if counts is None:
        counts = list(
            Publication.objects.published()
            .values_list("pub_year")
            .annotate(n=Count("id"))
            .order_by("-pub_year")
        )
        cache.set(key, counts, TIMEOUT)
    return counts


def published_count() -> int:
    return sum(n for _, n in published_year_counts())
