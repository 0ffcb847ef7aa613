"""Records as a bulk-edit spreadsheet: the Digital Commons batch-upload
columns that publications/importers/digital_commons.py reads, plus the
record's id, so a curator corrects values in Excel or LibreOffice and uploads
the sheet back as a "bulk edit" import, which updates those records.

Every value is written the way the reader reads it back unchanged: dates as
ISO text (2013-06), lists joined with "; ", the whole page range in `fpage`,
an abstract without markup unescaped (the reader escapes plain text again).

Records are read in chunks of CHUNK_SIZE, each with a fixed number of
queries (the records with their type and venue, then their authors,
departments, subjects, keywords and related links), so neither memory nor
queries grow with the rows of a chunk.

A cell that starts with = + - @ or a tab or carriage return would run as a
formula in a spreadsheet program (OWASP "CSV Injection"). In the workbook
every text cell is an explicit string cell, which Excel and LibreOffice
never evaluate, so the value stays exactly as stored. CSV has no cell types:
there such a cell gets a leading apostrophe, which spreadsheet programs hide
and the reader removes again.
"""

import csv
import html
import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import Count, Max, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from publications.formulas import defuse
from publications.importers.base import FULL_TEXT_LABEL
from publications.importers.cleaning import HTML_TAG
from publications.importers.digital_commons import AUTHOR_PARTS, COLUMNS
from publications.models import Publication

# The reader's column for this repository's record id: the row updates it.
ID_COLUMN = "id"
# The Digital Commons columns, the id first.
RECORD_COLUMNS = (ID_COLUMN, *(name for name in COLUMNS if name != ID_COLUMN))
CHUNK_SIZE = 1000
LIST_SEPARATOR = "; "
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def most_authors(queryset: QuerySet) -> int:
    """The longest author list in the selection: how many author columns."""
    found = (
        queryset.order_by()
        .annotate(author_count=Count("authorships"))
        .aggregate(most=Max("author_count"))["most"]
    )
    return found or 0


def header(author_count: int) -> list[str]:
    authors = [
        f"author{n}_{part}"
        for n in range(1, author_count + 1)
        for part in (*AUTHOR_PARTS, "is_corporate")
    ]
    return [*RECORD_COLUMNS, *authors]


def abstract_cell(abstract: str) -> str:
    """The reader keeps an abstract with markup as HTML and escapes one
    without, so one without markup goes out unescaped."""
    if not abstract or HTML_TAG.search(abstract):
        return abstract or ""
    return html.unescape(abstract)


def keywords_cell(terms: list[str]) -> str:
    """Terms joined by semicolons; a lone term with a comma in it (a MeSH
    heading, "Lymphohistiocytosis, Hemophagocytic") gets a final semicolon,
    or the reader would split it at the comma."""
    text = LIST_SEPARATOR.join(terms)
    if len(terms) == 1 and "," in text:
        text += ";"
    return text


def full_text_url(publication: Publication) -> str:
    # The reader turns `fulltext_url` into a related link labelled so.
    for link in publication.related_links.all():
        if link.label == FULL_TEXT_LABEL:
            return link.url
    return ""


def record_values(publication: Publication, author_count: int) -> list[str]:
    values = {
        ID_COLUMN: str(publication.pk),
        "title": publication.title,
        "abstract": abstract_cell(publication.abstract),
        "keywords": keywords_cell(
            sorted((k.term for k in publication.keywords.all()), key=str.casefold)
        ),
        "disciplines": LIST_SEPARATOR.join(
            sorted((s.name for s in publication.subjects.all()), key=str.casefold)
        ),
        "document_type": publication.document_type.name,
        "publication_date": publication.partial_date.iso,
        "doi": publication.doi or "",
        "pmid": publication.pmid or "",
        "pmcid": publication.pmcid or "",
        "custom_citation": publication.source_citation,
        "source_publication": publication.venue.title if publication.venue else "",
        "department": LIST_SEPARATOR.join(
            link.department.name for link in publication.department_links.all()
        ),
        "volnum": publication.volume,
        "issnum": publication.issue,
        # The reader joins fpage and lpage into one range; the whole range
        # in fpage reads back as it is.
        "fpage": publication.pages,
        "lpage": "",
        "embargo_date": "",
        "fulltext_url": full_text_url(publication),
        "comments": "",
    }
    row = [values[column] for column in RECORD_COLUMNS]
    authorships = list(publication.authorships.all())
    for n in range(author_count):
        if n < len(authorships):
            authorship = authorships[n]
            person = authorship.person
            row += [
                person.given_names,
                "",
                person.family_name,
                person.suffix,
                "",
                authorship.affiliation,
                "",
            ]
        else:
            row += [""] * (len(AUTHOR_PARTS) + 1)
    return row


def record_rows(queryset: QuerySet, author_count: int) -> Iterator[list[str]]:
    publications = queryset.for_record().order_by("pk").iterator(chunk_size=CHUNK_SIZE)
    for publication in publications:
        yield record_values(publication, author_count)


def file_stem() -> str:
    return "bulk-edit-" + timezone.localtime().strftime("%Y%m%d-%H%M")


# Excel ------------------------------------------------------------------------


def _text_cell(sheet, value: str, font: Font | None = None) -> WriteOnlyCell:
    # Characters XML 1.0 cannot carry would make openpyxl refuse the file.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    # Text, never a formula, whatever it starts with.
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def write_xlsx(queryset: QuerySet, file) -> None:
    """The workbook into `file`, row by row (openpyxl's write-only mode keeps
    no rows in memory)."""
    author_count = most_authors(queryset)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Records")
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, name, bold) for name in header(author_count)])
    for values in record_rows(queryset, author_count):
        sheet.append([_text_cell(sheet, value) for value in values])
    workbook.save(file)


def xlsx_response(queryset: QuerySet) -> FileResponse:
    # The zip is built in a temporary file, then streamed from there.
    file = tempfile.TemporaryFile()  # FileResponse closes it
    write_xlsx(queryset, file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"{file_stem()}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


# CSV --------------------------------------------------------------------------


class _Echo:
    """csv.writer writes into this and gets the line back to stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(queryset: QuerySet) -> Iterable[str]:
    author_count = most_authors(queryset)
    writer = csv.writer(_Echo())
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    yield "\ufeff" + writer.writerow(header(author_count))
    for values in record_rows(queryset, author_count):
        yield writer.writerow([defuse(value) for value in values])


def csv_response(queryset: QuerySet) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(queryset), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{file_stem()}.csv"'
    return response
