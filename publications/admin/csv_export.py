"""CSV export of selected records for curators' spreadsheets.

Rows stream as they are written, in chunks of CHUNK_SIZE records, each chunk
read with a fixed number of queries (the records, then their authors,
departments, subjects and keywords), so memory and queries do not grow with
the rows of a chunk. Cells that a spreadsheet would run as a formula are
defused (OWASP "CSV Injection").
"""

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from ..formulas import defuse
from ..models import Publication

COLUMNS = (
    "id",
    "title",
    "authors",
    "date",
    "type",
    "venue",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "status",
    "departments",
    "subjects",
    "keywords",
    "url",
)
CHUNK_SIZE = 2000
LIST_SEPARATOR = "; "


def record_row(publication: Publication, record_url: str) -> list[str]:
    values = {
        "id": publication.pk,
        "title": publication.title,
        "authors": LIST_SEPARATOR.join(
            a.display_name for a in publication.authorships.all()
        ),
        "date": publication.partial_date,
        "type": publication.document_type,
        "venue": publication.venue or "",
        "volume": publication.volume,
        "issue": publication.issue,
        "pages": publication.pages,
        "doi": publication.doi,
        "pmid": publication.pmid,
        "pmcid": publication.pmcid,
        "status": publication.status,
        "departments": LIST_SEPARATOR.join(
            str(link.department) for link in publication.department_links.all()
        ),
        "subjects": LIST_SEPARATOR.join(
            sorted(str(s) for s in publication.subjects.all())
        ),
        "keywords": LIST_SEPARATOR.join(
            sorted(str(k) for k in publication.keywords.all())
        ),
        "url": record_url,
    }
    return [defuse(values[column]) for column in COLUMNS]


class _Echo:
    """csv.writer writes into this and gets the line back to stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(request: HttpRequest, queryset: QuerySet) -> Iterable[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    yield "\ufeff" + writer.writerow(COLUMNS)
    publications: Iterator[Publication] = (
        queryset.for_record().order_by("pk").iterator(chunk_size=CHUNK_SIZE)
    )
    for publication in publications:
        url = request.build_absolute_uri(publication.get_absolute_url())
        yield writer.writerow(record_row(publication, url))


def csv_response(request: HttpRequest, queryset: QuerySet) -> StreamingHttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        csv_lines(request, queryset), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="publications-{stamp}.csv"'
    return response
