"""Facet boxes and active filters for a search page: ids from the backend
turned into names and links, one query for all of them whatever the count.

Each facet value links to the current URL with that filter added (and the
page number dropped); each active filter has a link that removes it.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.http import QueryDict

from ..models import Department, DocumentType, Keyword, Subject

FACET_TITLES = {
    "department": "Department",
    "subject": "Subject",
    "type": "Type",
    "year": "Year",
    "keyword": "Keyword",
}
_MODELS = {
    "department": (Department, "name"),
    "subject": (Subject, "name"),
    "type": (DocumentType, "name"),
    "keyword": (Keyword, "term"),
}


@dataclass(frozen=True)
class FacetValue:
    label: str
    count: int
    url: str
    active: bool

    @property
    def count_text(self) -> str:
        return f"{self.count:,}"


@dataclass(frozen=True)
class Facet:
    name: str
    title: str
    values: list[FacetValue]


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_url: str


def query_url(path: str, params: QueryDict, **changes) -> str:
    """`path` with `params`, minus the page number, with `changes` applied
    (None removes a parameter)."""
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def _url_maker(path: str, params: QueryDict, *names: str):
    """A fast `query_url` for many values of the same parameters: the rest
    of the query string is encoded once."""
    dropped = {"page", *names}
    base = urlencode(
        [(k, v) for k, values in params.lists() if k not in dropped for v in values]
    )
    prefix = f"{path}?{base}&" if base else f"{path}?"

    def url(**values) -> str:
        return prefix + urlencode(values)

    return url


def _labels(counts: dict[str, list[tuple[int, int]]]) -> dict[str, dict]:
    """{facet: {id: (label, slug)}} for every value of every facet shown, in
    one query (a page's fixed cost: one round trip, no ORM per facet)."""
    parts, params = [], []
    for name, (model, label_field) in _MODELS.items():
        ids = [pk for pk, _ in counts.get(name, [])]
        if ids:
            table = connection.ops.quote_name(model._meta.db_table)
            column = connection.ops.quote_name(label_field)
            marks = ", ".join(["%s"] * len(ids))
            parts.append(
                f"SELECT %s, id, {column}, slug FROM {table} WHERE id IN ({marks})"  # noqa: S608 - names from the models
            )
            params += [name, *ids]
    labels: dict[str, dict] = {name: {} for name in _MODELS}
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for name, pk, label, slug in cursor.fetchall():
                labels[name][pk] = (label, slug)
    return labels


def build_facets(
    counts: dict[str, list[tuple[int, int]]],
    path: str,
    params: QueryDict,
    active: dict,
) -> list[Facet]:
    """`counts` as SearchPage.facets; `active` the valid filter values."""
    labels = _labels(counts)
    facets = []
    for name, title in FACET_TITLES.items():
        pairs = counts.get(name, [])
        if not pairs:
            continue
        if name == "year":
            url = _url_maker(path, params, "year_from", "year_to")
            values = [
                FacetValue(
                    str(year),
                    count,
                    url(year_from=year, year_to=year),
                    active.get("year_from") == year and active.get("year_to") == year,
                )
                for year, count in pairs
            ]
        else:
            rows = labels[name]
            chosen = active.get(name)
            url = _url_maker(path, params, name)
            values = [
                FacetValue(
                    rows[pk][0],
                    count,
                    url(**{name: rows[pk][1]}),
                    chosen is not None and chosen.pk == pk,
                )
                for pk, count in pairs
                if pk in rows  # a row deleted since it was indexed
            ]
        facets.append(Facet(name, title, values))
    return facets


def active_filters(path: str, params: QueryDict, active: dict) -> list[ActiveFilter]:
    """What narrows the results now, each with a link that removes it."""
    filters = []
    for name in ("department", "subject", "keyword", "type", "author"):
        if name in active:
            filters.append(
                ActiveFilter(
                    f"{FACET_TITLES.get(name, 'Author')}: {active[name]}",
                    query_url(path, params, **{name: None}),
                )
            )
    for name, label in (("year_from", "From year"), ("year_to", "To year")):
        if name in active:
            filters.append(
                ActiveFilter(
                    f"{label}: {active[name]}", query_url(path, params, **{name: None})
                )
            )
    return filters
