"""The browse pages: department and subject trees, years, the A-Z author
index, and one page of records per department, subject, year, document
type, keyword or author.

A page of records is a search with no words and the page's own filter
fixed, so its facets, counts and sorts come from the same engine as
/search/; the reader's other filters narrow it further. The trees, the
years and the author index read counts of the whole collection that are
kept beside the search index (search/counts.py), exact and cheap whatever
its size; the index stores each record's parent units and broader subjects,
so a tree count includes everything below.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..filters import FIRST_YEAR, LAST_YEAR, SLUG, PublicationFilter
from ..models import (
    Authorship,
    Department,
    DocumentType,
    Keyword,
    Person,
    Publication,
    Subject,
)
from ..search import get_backend
from ..search.base import MAX_RESULTS, NEWEST, RELEVANCE
from ..search.counts import OTHER as OTHER_INITIAL
from ..search.counts import AuthorIndex, collection_counts
from ..search.facets import active_filters, build_facets
from .pagination import ignored_filter_messages, page_number_or_404, page_or_404
from .search import LAST_PAGE, PER_PAGE, results_page

AUTHORS_PER_PAGE = 100
LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
OTHER_LETTER = "other"  # family names that do not begin with A-Z


def _results(
    request: HttpRequest,
    *,
    fixed: dict,
    fixed_params: Iterable[str],
    heading: str,
    template: str = "browse/results.html",
    extra: dict | None = None,
) -> HttpResponse:
    """One page of records with `fixed` (SearchFilters fields) always
    applied; the query parameters named in `fixed_params` are the page's own
    axis, so the reader cannot override or remove them."""
    params = request.GET.copy()
    for name in fixed_params:
        params.pop(name, None)
    filterset = PublicationFilter(params, queryset=Publication.objects.none())
    active = filterset.valid_data()
    sort = active.get("sort") or NEWEST
    if sort == RELEVANCE:  # nothing to rank without words
        sort = NEWEST
    number = page_number_or_404(request.GET.get("page"), LAST_PAGE)
    filters = replace(filterset.search_filters(), **fixed)

    result = get_backend().search("", filters, sort, number, PER_PAGE)
    page_obj = results_page(result, number)
    # The page's own axis is not a facet: every record on it shares the value.
    own = {"year"} if "year" in fixed_params else set(fixed_params)
    facets = [
        facet
        for facet in build_facets(result.facets, request.path, params, active)
        if facet.name not in own
    ]
    return render(
        request,
        template,
        {
            "heading": heading,
            "result": result,
            "page_obj": page_obj,
            "capped": result.total > MAX_RESULTS,
            "max_results": MAX_RESULTS,
            "sort": sort,
            "sort_choices": [
                choice
                for choice in filterset.form.fields["sort"].choices
                if choice[0] != RELEVANCE
            ],
            "filterset": filterset,
            "show_years": "year_from" not in fixed_params,
            "hidden_filters": [
                (name, params[name])
                for name in ("department", "subject", "keyword", "type", "author")
                if name in active
            ],
            "messages_list": ignored_filter_messages(filterset.form),
            "facets": facets,
            "active_filters": active_filters(request.path, params, active),
            **(extra or {}),
        },
    )


# Trees ------------------------------------------------------------------


@dataclass
class Node:
    """One department or subject in a tree, with its records' count
    (including everything below it)."""

    name: str
    url: str
    count: int
    children: list["Node"] = field(default_factory=list)


def _slug_urls(route: str) -> Callable[[str], str]:
    """The URL of `route` for any slug, from one reverse(): a tree or an
    index page links a hundred values, and reverse() each time would cost
    more than the rest of the page."""
    marker = "slug-placeholder"
    pattern = reverse(route, args=[marker])
    return lambda slug: pattern.replace(marker, quote(slug))


def _tree(model, counts: dict[int, int], route: str) -> list[Node]:
    """The nodes with records, nested under their parents, by name."""
    rows = model.objects.order_by("name", "id").values_list(
        "id", "name", "slug", "parent_id"
    )
    url = _slug_urls(route)
    nodes, parents = {}, {}
    for pk, name, slug, parent in rows:
        if counts.get(pk):
            nodes[pk] = Node(name, url(slug), counts[pk])
            parents[pk] = parent
    roots = []
    for pk, node in nodes.items():  # in name order, so children are too
        parent = nodes.get(parents[pk])
        (parent.children if parent else roots).append(node)
    return roots


def _tree_page(request, model, facet: str, template: str) -> HttpResponse:
    _total, counts = collection_counts()
    route = f"publications:{facet}"
    return render(
        request, template, {"nodes": _tree(model, dict(counts[facet]), route)}
    )


@require_safe
def departments(request: HttpRequest) -> HttpResponse:
    return _tree_page(request, Department, "department", "browse/departments.html")


@require_safe
def subjects(request: HttpRequest) -> HttpResponse:
    return _tree_page(request, Subject, "subject", "browse/subjects.html")


def _by_slug(model, slug: str):
    # Slugs are at most 255 word characters and hyphens; anything else names
    # nothing and never reaches the database.
    if not SLUG.fullmatch(slug):
        raise Http404("There is no such page.")
    return get_object_or_404(model, slug=slug)


@require_safe
def department(request: HttpRequest, slug: str) -> HttpResponse:
    unit = _by_slug(Department, slug)
    return _results(
        request,
        fixed={"department": unit.pk},
        fixed_params=["department"],
        heading=unit.name,
        extra={"kind": "Department"},
    )


@require_safe
def subject(request: HttpRequest, slug: str) -> HttpResponse:
    discipline = _by_slug(Subject, slug)
    return _results(
        request,
        fixed={"subject": discipline.pk},
        fixed_params=["subject"],
        heading=discipline.name,
        extra={"kind": "Subject"},
    )


@require_safe
def document_type(request: HttpRequest, slug: str) -> HttpResponse:
    kind = _by_slug(DocumentType, slug)
    return _results(
        request,
        fixed={"document_type": kind.pk},
        fixed_params=["type"],
        heading=kind.name,
        extra={"kind": "Type"},
    )


@require_safe
def keyword(request: HttpRequest, slug: str) -> HttpResponse:
    term = _by_slug(Keyword, slug)
    return _results(
        request,
        fixed={"keyword": term.pk},
        fixed_params=["keyword"],
        heading=term.term,
        extra={"kind": "Keyword"},
    )


# Years ------------------------------------------------------------------


def _year_counts() -> list[tuple[int, int]]:
    """[(year, records)], newest first, as the index counts them."""
    _total, counts = collection_counts()
    return counts["year"]


@require_safe
def years(request: HttpRequest) -> HttpResponse:
    return render(request, "browse/years.html", {"years": _year_counts()})


@require_safe
def year(request: HttpRequest, yyyy: str) -> HttpResponse:
    number = int(yyyy)
    if not FIRST_YEAR <= number <= LAST_YEAR or number not in dict(_year_counts()):
        raise Http404("There are no publications from that year.")
    return _results(
        request,
        fixed={"year_from": number, "year_to": number},
        fixed_params=["year_from", "year_to"],
        heading=str(number),
        extra={"kind": "Year"},
    )


# Authors ----------------------------------------------------------------

_LETTER = re.compile(r"[A-Za-z]|other")


@require_safe
def authors(request: HttpRequest) -> HttpResponse:
    """People with published records whose family name begins with
    `?letter=` (A by default), with how many records each has: read from the
    search index's author counts (search/counts.py), two queries a page."""
    letter = request.GET.get("letter", "A")
    if not _LETTER.fullmatch(letter):
        raise Http404("There is no such letter.")
    letter = letter if letter == OTHER_LETTER else letter.upper()
    people = AuthorIndex(OTHER_INITIAL if letter == OTHER_LETTER else letter)
    paginator = Paginator(people, AUTHORS_PER_PAGE)
    page_obj = page_or_404(paginator, request.GET.get("page"))
    url = _slug_urls("publications:author")
    for person in page_obj.object_list:
        person.url = url(person.slug)
    return render(
        request,
        "browse/authors.html",
        {
            "letter": letter,
            "letters": [*LETTERS, OTHER_LETTER],
            "other_letter": OTHER_LETTER,
            "page_obj": page_obj,
        },
    )


@require_safe
def author(request: HttpRequest, slug: str) -> HttpResponse:
    person = _by_slug(Person.objects.prefetch_related("departments"), slug)
    # Someone named only on drafts or withdrawn records has no public page.
    if not Authorship.objects.filter(
        person=person, publication__status=Publication.Status.PUBLISHED
    ).exists():
        raise Http404("There is no such author.")
    return _results(
        request,
        fixed={"author": person.pk},
        fixed_params=["author"],
        heading=person.display_name,
        template="browse/author.html",
        extra={"kind": "Author", "person": person},
    )
