"""The home page: what the collection is, how big, and what was added last."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import stats
from ..models import Publication

RECENT_ADDITIONS = 10


def home(request: HttpRequest) -> HttpResponse:
    # Newest by first publication, matching the pub_recent_idx index.
    recent = (
        Publication.objects.published()
        .filter(first_published_at__isnull=False)
        .order_by("-first_published_at")
        .for_listing()[:RECENT_ADDITIONS]
    )
    return render(
        request,
        "home.html",
        {"published_count": stats.published_count(), "recent": recent},
    )
