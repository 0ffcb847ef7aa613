"""Citation files for one record: /publications/<id>/cite.bib, .ris, .json, .xml."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from ..citation import permanent_url
from ..exports import EXPORT_FORMATS
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
