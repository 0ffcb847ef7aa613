"""The search page /search/: full text, filters and facets; a query that is
a record's DOI or PubMed ID goes straight to that record.

Every input is read defensively: an over-long query is cut (with a
message), a filter that names nothing or a year that is not one is ignored
(with a message), a page past the results is a 404. Nothing a reader types
gives a server error.
"""

from dataclasses import replace

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..entries import published_entries
from ..filters import SLUG_FILTERS, PublicationFilter
from ..models import Publication
from ..search import get_backend
from ..search.base import MAX_RESULTS, NEWEST, RELEVANCE
from ..search.facets import active_filters, build_facets, query_url
from ..search.query import (
    MAX_QUERY_LENGTH,
    clean_query,
    identifier_in_query,
    parse_query,
)
from .exports import export_response, result_export_links
from .pagination import ignored_filter_messages, page_number_or_404

PER_PAGE = 25
LAST_PAGE = MAX_RESULTS // PER_PAGE
_URL_MARKER = 987654321987  # stands for a record id in a reversed URL


def results_page(result, number: int):
    """Page `number` of a backend result, its hits paired with their listing
    entries (two queries), in the backend's order; shared by search and
    browse pages."""
    paginator = Paginator(range(min(result.total, MAX_RESULTS)), PER_PAGE)
    try:
        page_obj = paginator.page(number)
    except InvalidPage as error:
        raise Http404("There is no such page.") from error
    if number > 1 and not result.hits:
        # Past the ranked candidates of an estimated total.
        raise Http404("There is no such page.")
    entries = published_entries(result.ids)
    # A record unpublished since it was indexed drops out. Record URLs come
    # from one reverse(): one per hit would cost more than the hits' query.
    url = reverse("publications:record", args=[_URL_MARKER])
    page_obj.object_list = [
        (
            replace(hit, url=url.replace(str(_URL_MARKER), str(hit.publication_id))),
            entries[hit.publication_id],
        )
        for hit in result.hits
        if hit.publication_id in entries
    ]
    return page_obj


def _sort(active: dict, parsed) -> str:
    """Relevance needs words to rank by; without them, newest first."""
    sort = active.get("sort") or (RELEVANCE if parsed else NEWEST)
    return NEWEST if sort == RELEVANCE and not parsed else sort


@require_safe
def search_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The first MAX_RESULTS hits of a search, in its order, as one citation
    file (the same query, filters and sort as the page)."""
    text, _truncated = clean_query(request.GET.get("q", ""))
    parsed = parse_query(text)
    filterset = PublicationFilter(request.GET, queryset=Publication.objects.none())
    sort = _sort(filterset.valid_data(), parsed)
    result = get_backend().search(
        text if parsed else "", filterset.search_filters(), sort, 1, MAX_RESULTS
    )
    return export_response(result.ids, fmt, "search-results")


def search(request: HttpRequest) -> HttpResponse:
    text, truncated = clean_query(request.GET.get("q", ""))
    identifier = identifier_in_query(text)
    if identifier:
        kind, value = identifier
        record = Publication.objects.published().filter(**{kind: value}).first()
        if record is not None:
            return redirect(record)

    filterset = PublicationFilter(request.GET, queryset=Publication.objects.none())
    active = filterset.valid_data()
    messages = ignored_filter_messages(filterset.form)
    if truncated:
        messages.insert(
            0,
            f"Your search was longer than {MAX_QUERY_LENGTH} characters; "
            "only its beginning was searched.",
        )
    parsed = parse_query(text)
    if text and not parsed:
        messages.append(
            "Your search has no word to look for (only operators or exclusions), "
            "so all records are listed."
        )
    sort = _sort(active, parsed)
    number = page_number_or_404(request.GET.get("page"), LAST_PAGE)

    result = get_backend().search(
        text if parsed else "", filterset.search_filters(), sort, number, PER_PAGE
    )
    page_obj = results_page(result, number)

    path = request.path
    return render(
        request,
        "search/search.html",
        {
            "query": text,
            "max_query_length": MAX_QUERY_LENGTH,
            "searched": bool(parsed),
            "result": result,
            "page_obj": page_obj,
            "capped": result.total > MAX_RESULTS,
            "max_results": MAX_RESULTS,
            "exports": result_export_links("search_export", request.GET.urlencode()),
            "sort": sort,
            "filterset": filterset,
            "active": active,
            "hidden_filters": [
                (name, request.GET[name]) for name in SLUG_FILTERS if name in active
            ],
            "messages_list": messages,
            "facets": build_facets(result.facets, path, request.GET, active),
            "active_filters": active_filters(path, request.GET, active),
            "suggestion_url": (
                query_url(path, request.GET, q=result.suggestion)
                if result.suggestion
                else None
            ),
        },
    )
