"""The Digital Commons batch-upload schema: one row per record under a
header row of Digital Commons column names, read into normalised records.

Columns: `title` (required), `abstract` (HTML or text), `keywords` (split at
semicolons, else commas), `disciplines` and `department` (semicolons),
`document_type`, `publication_date` (2013-06-12, 2013-06, 2013, 06/12/2013,
June 2013 ...), `author1_fname`, `author1_mname`, `author1_lname`,
`author1_suffix`, `author1_email`, `author1_institution`,
`author1_is_corporate` and so on for author2..authorN, `doi`,
`custom_citation`, `volnum`, `issnum`, `fpage`, `lpage`, `embargo_date`,
`fulltext_url`, `comments`, and `pmid`, `pmcid`, `source_publication` where a
site adds them; `id`, this repository's record id, in a bulk-edit spreadsheet
exported from it. Row numbers in issues are the spreadsheet's own (the header
is row 1).
"""

import datetime
import difflib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from openpyxl.utils import get_column_letter

from publications import citation
from publications.dates import PartialDate
from publications.formulas import undefuse

from .base import (
    DOCUMENT_TYPES,
    FULL_TEXT_LABEL,
    ImportIssue,
    NormalisedAuthor,
    NormalisedKeyword,
    NormalisedLink,
    NormalisedRecord,
    ParsedItem,
)
from .cleaning import (
    IssueLog,
    abstract_from_text_or_html,
    clean_text,
    join_pages,
    split_keywords,
    split_terms,
    validation_message,
)
from .datetext import parse_date_text, parse_full_date

COLUMNS = (
    "id",
    "title",
    "abstract",
    "keywords",
    "disciplines",
    "document_type",
    "publication_date",
    "doi",
    "pmid",
    "pmcid",
    "custom_citation",
    "source_publication",
    "department",
    "volnum",
    "issnum",
    "fpage",
    "lpage",
    "embargo_date",
    "fulltext_url",
    "comments",
)
AUTHOR_PARTS = ("fname", "mname", "lname", "suffix", "email", "institution")
AUTHOR_COLUMN = re.compile(
    r"^author(\d+)_(fname|mname|lname|suffix|email|institution|is_corporate)$"
)
AUTHOR_TEMPLATES = [f"author#_{part}" for part in (*AUTHOR_PARTS, "is_corporate")]
DOCUMENT_TYPE_NAMES = {name.casefold(): name for name in DOCUMENT_TYPES} | {
    "journal article": "Article",
    "review article": "Review",
    "case reports": "Case Report",
    "letter to the editor": "Letter",
    "chapter": "Book Chapter",
    "book section": "Book Chapter",
    "conference paper": "Conference Proceeding",
    "conference proceedings": "Conference Proceeding",
    "proceedings": "Conference Proceeding",
    "technical report": "Report",
    "thesis": "Dissertation",
    "doctoral dissertation": "Dissertation",
    "data set": "Dataset",
}
TRUE, FALSE = {"true", "yes", "y", "1", "x"}, {"false", "no", "n", "0", ""}
is_web_url = URLValidator(schemes=["http", "https"])


class SheetError(Exception):
    """A row the reader could not read; reported as an issue."""

    def __init__(self, row: int | None, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


def cell_text(value: Any) -> str:
    """A cell as text: Excel gives numbers as floats (161.0) and dates as
    datetimes; an apostrophe that defused a formula-like cell goes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return undefuse(str(value))


def column_label(index: int) -> str:
    """Excel's letter for a 0-based column index, while Excel has one."""
    return get_column_letter(index + 1) if index < 16384 else f"number {index + 1}"


def suggest_column(name: str) -> str:
    """'titel' -> 'title'; 'author2_lnam' -> 'author2_lname'."""
    number = re.search(r"\d+", name)
    key = re.sub(r"\d+", "#", name)
    matches = difflib.get_close_matches(
        key, [*COLUMNS, *AUTHOR_TEMPLATES], n=1, cutoff=0.75
    )
    if not matches:
        return ""
    return matches[0].replace("#", number.group(0) if number else "1")


def map_columns(header: list[Any], log: IssueLog) -> dict[str, int] | None:
    """Column name -> index; None (with an error) when `title` is missing."""
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        name = clean_text(cell_text(cell)).lower()
        letter = column_label(index)
        if not name:
            continue
        if name in columns:
            first = column_label(columns[name])
            log.warning(
                name,
                f"The column “{name}” appears twice (columns {first} and "
                f"{letter}); column {first} is used.",
            )
        elif name in COLUMNS or AUTHOR_COLUMN.match(name):
            columns[name] = index
        else:
            unknown.append(name)
            suggestion = suggest_column(name)
            hint = f" Did you mean “{suggestion}”?" if suggestion else ""
            log.warning(
                name, f"Unknown column “{name}” (column {letter}) was ignored.{hint}"
            )
    if "title" not in columns:
        close = difflib.get_close_matches("title", unknown, n=1, cutoff=0.6)
        hint = f" Did you mean “title” for the column “{close[0]}”?" if close else ""
        log.error("title", f"The required column “title” is missing.{hint}")
        return None
    return columns


def read_sheet(rows: Iterable[tuple[int, list[Any]]]) -> Iterator[ParsedItem]:
    """Records from (row number, cells) pairs, the first being the header."""
    try:
        yield from _read_sheet(iter(rows))
    except SheetError as error:
        yield ImportIssue(error.row, "", error.message)


def _read_sheet(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[ParsedItem]:
    header_row = next(rows, None)
    if header_row is None:
        yield ImportIssue(None, "", "The file is empty.")
        return
    header_log = IssueLog(header_row[0])
    columns = map_columns(header_row[1], header_log)
    yield from header_log.issues
    if columns is None:
        return
    found = False
    for number, cells in rows:
        # Every column of the header, so a blank cell at a row's end still
        # counts as the sheet's own blank (a bulk edit clears with it).
        values = {
            name: cells[i] if i < len(cells) else None for name, i in columns.items()
        }
        if any(clean_text(cell_text(value)) for value in values.values()):
            found = True
            yield from read_row(values, number)
    if not found:
        yield ImportIssue(None, "", "The spreadsheet has a header row but no records.")


def read_row(values: dict[str, Any], row: int) -> Iterator[ParsedItem]:
    log = IssueLog(row)

    def get(column: str) -> str:
        return clean_text(cell_text(values.get(column)))

    title = get("title")
    if not title:
        yield ImportIssue(row, "title", "The row has no title; skipped.")
        return
    document_type = DOCUMENT_TYPE_NAMES.get(get("document_type").casefold(), "")
    if not document_type:
        document_type = "Article"
        if get("document_type"):
            log.error(
                "document_type",
                f"“{get('document_type')}” is not a document type; use one of: "
                f"{', '.join(DOCUMENT_TYPES)}. The row was read as Article.",
            )
    publication_date = read_date(values.get("publication_date"), log)
    doi = log.identifier("doi", get("doi"), "doi")
    volume, issue = get("volnum"), get("issnum")
    pages = join_pages(get("fpage"), get("lpage"))
    links = []
    if url := get("fulltext_url"):
        try:
            is_web_url(url)
            links.append(NormalisedLink(label=FULL_TEXT_LABEL, url=url))
        except ValidationError:
            log.error("fulltext_url", f"“{url}” is not a web address (http or https).")
    authors = tuple(read_authors(values, log))
    embargo = read_embargo(values.get("embargo_date"), log)
    record_id = read_record_id(get("id"), log)

    source_citation = get("custom_citation")
    # A bulk-edit row (it has an id) leaves an empty citation empty, so the
    # record keeps its own instead of one made up from the other columns.
    if not source_citation and record_id is None:
        source_citation = citation.nlm_source(
            journal=get("source_publication"),
            date_text=str(publication_date or ""),
            volume=volume,
            issue=issue,
            pages=pages,
            doi=doi,
        )

    # Built first: building it may log issues, which go before it.
    record = NormalisedRecord(
        source_row=row,
        title=title,
        # Digital Commons takes HTML abstracts; plain text is escaped.
        abstract=abstract_from_text_or_html(cell_text(values.get("abstract"))),
        publication_date=publication_date,
        document_type=document_type,
        venue_title=get("source_publication"),
        volume=volume,
        issue=issue,
        pages=pages,
        source_citation=source_citation,
        doi=doi,
        pmid=log.identifier("pmid", get("pmid"), "pmid"),
        pmcid=log.identifier("pmcid", get("pmcid"), "pmcid"),
        authors=authors,
        keywords=tuple(
            NormalisedKeyword(term=term)
            for term in split_keywords(cell_text(values.get("keywords")))
        ),
        subjects=tuple(split_terms(cell_text(values.get("disciplines")), ";")),
        departments=tuple(split_terms(cell_text(values.get("department")), ";")),
        related_links=tuple(links),
        embargo_date=embargo,
        notes=cell_text(values.get("comments")).strip(),
        record_id=record_id,
        cleared=cleared_fields(values) if record_id is not None else (),
    )
    if record_id is not None:
        for column, what in NOT_KEPT.items():
            if get(column):
                log.warning(
                    column,
                    f"This repository keeps no {what}: the value was not applied.",
                )
    yield from log.issues
    yield record


# A bulk-edit row's blank cell in these columns clears the field (diffs.py
# names); a blank title, type, date or citation leaves the record's own.
CLEARABLE = {
    "abstract": "abstract",
    "doi": "doi",
    "pmid": "pmid",
    "pmcid": "pmcid",
    "volnum": "volume",
    "issnum": "issue",
    "source_publication": "venue",
    "keywords": "keywords",
    "disciplines": "subjects",
    "department": "departments",
    "fulltext_url": "full_text",
}
# Columns of the batch-upload sheet this repository keeps nothing of.
NOT_KEPT = {
    "embargo_date": "embargo date",
    "comments": "comments",
}


def cleared_fields(values: dict[str, Any]) -> tuple[str, ...]:
    """The fields a bulk-edit row empties: blank cells of columns it has."""

    def blank(column: str) -> bool:
        return column in values and not clean_text(cell_text(values[column]))

    fields = [field for column, field in CLEARABLE.items() if blank(column)]
    if blank("fpage") and (blank("lpage") or "lpage" not in values):
        fields.append("pages")
    return tuple(fields)


def read_record_id(text: str, log: IssueLog) -> int | None:
    """The `id` column of a bulk-edit spreadsheet: a record number, or empty
    for a new record."""
    if not text:
        return None
    if text.isascii() and text.isdecimal() and int(text) > 0:
        return int(text)
    log.error("id", f"“{text}” is not a record id (a whole number such as 1234).")
    return None


def read_date(value: Any, log: IssueLog) -> PartialDate | None:
    if isinstance(value, datetime.date):
        return PartialDate(value.year, value.month, value.day)
    text = clean_text(cell_text(value))
    if not text:
        log.error("publication_date", "The row has no publication date.")
        return None
    try:
        return parse_date_text(text)
    except ValidationError as error:
        log.error("publication_date", validation_message(error))
        return None


def read_embargo(value: Any, log: IssueLog) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = clean_text(cell_text(value))
    if not text:
        return None
    try:
        return parse_full_date(text)
    except ValidationError as error:
        log.error("embargo_date", validation_message(error))
        return None


def read_authors(values: dict[str, Any], log: IssueLog) -> Iterator[NormalisedAuthor]:
    numbers = sorted(
        {int(m.group(1)) for name in values if (m := AUTHOR_COLUMN.match(name))}
    )
    for n in numbers:
        part = {
            name: clean_text(cell_text(values.get(f"author{n}_{name}")))
            for name in (*AUTHOR_PARTS, "is_corporate")
        }
        if not any(part.values()):
            continue
        corporate_flag = part["is_corporate"].lower()
        if corporate_flag not in TRUE | FALSE:
            log.error(
                f"author{n}_is_corporate",
                f"“{part['is_corporate']}” is not TRUE or FALSE; the author was "
                "read as a person.",
            )
        email = part["email"]
        if email:
            try:
                validate_email(email)
            except ValidationError:
                log.error(f"author{n}_email", f"“{email}” is not an e-mail address.")
                email = ""
        if corporate_flag in TRUE:
            # Digital Commons puts an organisation's name in lname or institution.
            name = part["lname"] or part["institution"]
            affiliations = (part["institution"],) if part["lname"] else ()
            if name:
                yield NormalisedAuthor(
                    family_name=name,
                    is_corporate=True,
                    affiliations=tuple(a for a in affiliations if a),
                    email=email,
                )
                continue
        if not part["lname"]:
            log.error(f"author{n}_lname", f"Author {n} has no last name; left out.")
            continue
        yield NormalisedAuthor(
            family_name=part["lname"],
            given_names=" ".join(filter(None, (part["fname"], part["mname"]))),
            suffix=part["suffix"],
            affiliations=(part["institution"],) if part["institution"] else (),
            email=email,
        )
