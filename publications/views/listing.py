"""The faculty-publications listing: newest first, under year headings."""

from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import stats
from ..models import Publication
from ..paging import DateIndexedPaginator
from .exports import EXPORT_LIMIT, result_export_links
from .pagination import page_or_404


@dataclass(frozen=True)
class YearGroup:
    """One year heading of a page and the entries under it."""

    year: int
    count: int  # records of that year in the whole collection
    continued: bool  # the year began on an earlier page
    entries: list[Publication]


def year_groups(page, year_counts: list[tuple[int, int]]) -> list[YearGroup]:
    counts = dict(year_counts)
    offset = page.start_index() - 1
    groups = []
    for year, entries in groupby(page.object_list, key=lambda entry: entry.pub_year):
        newer = sum(n for y, n in year_counts if y > year)
        groups.append(
            YearGroup(
                year=year,
                count=counts.get(year, 0),
                continued=not groups and offset > newer,
                entries=list(entries),
            )
        )
    return groups


def listing(request: HttpRequest) -> HttpResponse:
    paginator = DateIndexedPaginator(
        Publication.objects.published().newest_first().for_listing(),
        settings.PUBLICATIONS_PER_PAGE,
        stats.published_month_counts(),
    )
    page = page_or_404(paginator, request.GET.get("page"))
    return render(
        request,
        "publications/listing.html",
        {
            "page_obj": page,
            "year_groups": year_groups(page, stats.published_year_counts()),
            "published_count": paginator.count,
            "exports": result_export_links("export"),
            "export_limit": EXPORT_LIMIT,
        },
    )
