"""Citation files: one record (/publications/<id>/cite.bib, .ris, .json, .xml)
and whole results (/publications/export.bib ...), streamed."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from ..citation import permanent_url
from ..exports import EXPORT_FORMATS
from ..fixed_urls import fixed_url
from ..models import Publication


def _withdrawn_or_404(pk: int) -> HttpResponse:
    """A withdrawn record answers 410 with its note; anything else unseen
    by readers (a draft, no such id) is not found."""
    withdrawn = (
        Publication.objects.filter(pk=pk, status=Publication.Status.WITHDRAWN)
        .only("pk", "withdrawal_note")
        .first()
    )
    if withdrawn is None:
        raise Http404("No such record.")
    return HttpResponse(
        f"This record has been withdrawn: {withdrawn.withdrawal_note}\n"
        f"See {permanent_url(withdrawn)}\n",
        status=410,
        content_type="text/plain; charset=utf-8",
    )


@require_safe
def cite(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """One published record in the citation format `fmt` (a registry key).

    Six queries: the record with its venue and type, then authors, departments,
    subjects, keywords and related links (`for_record()`).
    """
    export = EXPORT_FORMATS.get(fmt)
    if export is None:
        raise Http404("No such citation format.")
    publication = Publication.objects.published().for_record().filter(pk=pk).first()
    if publication is None:
        return _withdrawn_or_404(pk)
    response = HttpResponse(
        "".join(export.render([publication])), content_type=export.media_type
    )
    response["Content-Disposition"] = (
        f'inline; filename="{export.filename(publication)}"'
    )
    return response


# Whole-result files: (registry key, URL suffix); routes are named
# `<prefix>_<key with "-" as "_">`, e.g. export_csl_json, search_export_ris.
RESULT_FORMATS = [
    ("bibtex", "bib"),
    ("ris", "ris"),
    ("csl-json", "json"),
    ("endnote", "xml"),
]


@dataclass(frozen=True)
class ExportLink:
    url: str
    media_type: str  # without its charset: the type a link announces
    label: str


def result_export_links(route_prefix: str, query: str = "") -> list[ExportLink]:
    """A page's "Export citations" links, each carrying the page's query
    string (its search and filters) when it has one."""
    links = []
    for key, _suffix in RESULT_FORMATS:
        export = EXPORT_FORMATS[key]
        url = fixed_url(f"publications:{route_prefix}_{key.replace('-', '_')}")
        links.append(
            ExportLink(
                f"{url}?{query}" if query else url,
                export.media_type.split(";")[0],
                export.label,
            )
        )
    return links


def result_export_paths(route: str, view, route_prefix: str) -> list:
    """URL patterns `<route>.<suffix>` for each whole-result format."""
    return [
        path(
            f"{route}.{suffix}",
            view,
            {"fmt": key},
            name=f"{route_prefix}_{key.replace('-', '_')}",
        )
        for key, suffix in RESULT_FORMATS
    ]


# A result export holds at most this many records; the page says so.
EXPORT_LIMIT = 2000
# Records loaded per round of queries: six queries a batch, whatever the size.
EXPORT_BATCH = 200


def _published_in_order(ids: Sequence[int]) -> Iterator[Publication]:
    for start in range(0, len(ids), EXPORT_BATCH):
        batch = ids[start : start + EXPORT_BATCH]
        loaded = Publication.objects.published().for_record().in_bulk(batch)
        yield from (loaded[pk] for pk in batch if pk in loaded)


def export_response(ids: Sequence[int], fmt: str, name: str) -> StreamingHttpResponse:
    """Stream the published records `ids`, in that order, as one file.

    Browse and search pages pass the ids of their result (at most
    EXPORT_LIMIT); records load in batches, so memory stays flat.
    """
    export = EXPORT_FORMATS.get(fmt)
    if export is None:
        raise Http404("No such citation format.")
    response = StreamingHttpResponse(
        export.render(_published_in_order(list(ids)[:EXPORT_LIMIT])),
        content_type=export.media_type,
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{name}.{export.extension}"'
    )
    return response


@require_safe
def listing_export(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    """The newest EXPORT_LIMIT records of the collection as one citation file."""
    ids = (
        Publication.objects.published()
        .newest_first()
        .values_list("pk", flat=True)[:EXPORT_LIMIT]
    )
    return export_response(ids, fmt, "publications")
