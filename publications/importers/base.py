"""The normalised record every import format produces, and the issues it reports.

A parser turns one input file into a stream of `NormalisedRecord` and
`ImportIssue` objects. It never writes to the database: a later step matches
duplicates against the catalogue and writes through `publications.services`.

Issues for a record come just before it in the stream. Severity means:

- ``error``: a value was rejected and left out of the record (an invalid DOI,
  an unreadable date), or the whole row could not be read, in which case no
  record with that row number follows;
- ``warning``: the value was read, but with an assumption worth checking (a
  file decoded as Windows-1252, an unknown document type read as Article).
"""

import abc
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO, ClassVar

from publications.dates import PartialDate

from .seen import FirstRows

# The names created by publications/migrations/0002_document_types.py.
DOCUMENT_TYPES = (
    "Article",
    "Review",
    "Editorial",
    "Letter",
    "Case Report",
    "Book",
    "Book Chapter",
    "Conference Proceeding",
    "Poster",
    "Preprint",
    "Report",
    "Dissertation",
    "Dataset",
)
DEFAULT_DOCUMENT_TYPE = "Article"
# Source identifiers are kept for later harvests up to this length.
SOURCE_ID_MAX_LENGTH = 255


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class ImportIssue:
    """A problem in the input: `row` is the record or spreadsheet row number
    (None for the whole file), `field` the input field or column ("" for the
    whole row). `source_id` names the record at its source where the issue
    stands in for it (a record deleted there); `replaces` is an earlier row
    that this row supersedes (a newer copy of its record, or its deletion)."""

    row: int | None
    field: str
    message: str
    severity: Severity = Severity.ERROR
    source_id: str = ""
    replaces: int | None = None

    def __str__(self) -> str:
        where = "File" if self.row is None else f"Row {self.row}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, kw_only=True)
class NormalisedAuthor:
    family_name: str
    given_names: str = ""
    suffix: str = ""
    orcid: str = ""
    affiliations: tuple[str, ...] = ()
    is_corporate: bool = False
    email: str = ""

    @property
    def name_as_printed(self) -> str:
        if self.is_corporate:
            return self.family_name
        name = f"{self.family_name}, {self.given_names}".strip(", ")
        return f"{name}, {self.suffix}" if self.suffix else name


@dataclass(frozen=True, kw_only=True)
class NormalisedKeyword:
    term: str
    vocabulary: str = "author"  # "mesh" or "author", as Keyword.Vocabulary
    identifier: str = ""  # e.g. the MeSH descriptor UI D051359


# The label of the related link a record's full-text URL becomes (a
# spreadsheet's fulltext_url, Dublin Core's full-text identifier).
FULL_TEXT_LABEL = "Full text"


@dataclass(frozen=True, kw_only=True)
class NormalisedLink:
    label: str
    url: str
    kind: str = "other"  # as RelatedLink.Kind


@dataclass(frozen=True, kw_only=True)
class NormalisedRecord:
    """One publication as an input file gives it, cleaned but not yet matched.

    Identifiers are in their stored form (publications.identifiers); the
    abstract is already reduced to the safe HTML subset; subjects are
    discipline names or "A > B > C" paths and departments names as given,
    both left for the writer to match.
    """

    source_row: int
    title: str
    abstract: str = ""
    publication_date: PartialDate | None = None
    epub_date: datetime.date | None = None
    document_type: str = DEFAULT_DOCUMENT_TYPE
    venue_title: str = ""
    venue_abbreviation: str = ""
    issn: str = ""
    eissn: str = ""
    publisher: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    source_citation: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    publisher_url: str = ""
    authors: tuple[NormalisedAuthor, ...] = ()
    keywords: tuple[NormalisedKeyword, ...] = ()
    subjects: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    related_links: tuple[NormalisedLink, ...] = ()
    embargo_date: datetime.date | None = None
    notes: str = ""
    # This repository's own record id, from a bulk-edit spreadsheet exported
    # here: the record the row updates.
    record_id: int | None = None
    # The fields such a row empties on purpose (its sheet has the column,
    # the cell is blank): the update clears them. Named as ingest/diffs.py
    # names them. Any other source's blank leaves a field as it is.
    cleared: tuple[str, ...] = ()
    # The record's identifier at its source (an OAI-PMH header identifier),
    # at most SOURCE_ID_MAX_LENGTH long: a later copy with the same one
    # replaces the earlier.
    source_id: str = ""

    def __post_init__(self):
        # A parser bug, not bad input: parsers map every source type to one of these.
        if self.document_type not in DOCUMENT_TYPES:
            raise ValueError(f"Unknown document type {self.document_type!r}")


ParsedItem = NormalisedRecord | ImportIssue


@dataclass
class ParseResult:
    """Everything one parse produced, gathered into lists."""

    records: list[NormalisedRecord] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    @classmethod
    def collect(cls, items: Iterable[ParsedItem]) -> "ParseResult":
        result = cls()
        for item in items:
            if isinstance(item, ImportIssue):
                result.issues.append(item)
            else:
                result.records.append(item)
        return result

    @property
    def errors(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity == Severity.WARNING]

    def issues_for(self, row: int) -> list[ImportIssue]:
        return [i for i in self.issues if i.row == row]


class Parser(abc.ABC):
    """One input format. Subclasses set the class attributes and implement
    `sniff` and `read`; `parse` adds the checks every format shares."""

    name: ClassVar[str]
    label: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    @abc.abstractmethod
    def sniff(self, head: bytes) -> bool:
        """Whether the first bytes of a file look like this format."""

    @abc.abstractmethod
    def read(self, stream: BinaryIO) -> Iterator[ParsedItem]:
        """Records and issues, in file order; bad input gives issues, not
        exceptions."""

    def parse(self, stream: BinaryIO) -> Iterator[ParsedItem]:
        return flag_duplicates(self.read(stream))


def _title_key(title: str) -> str:
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def flag_duplicates(items: Iterable[ParsedItem]) -> Iterator[ParsedItem]:
    """Pass items through, adding an issue where a record repeats an earlier
    one in the same file. A repeated identifier is an error (the catalogue
    keeps identifiers unique); a repeated title and year only a warning, since
    two editorials may share a title.

    A record, or a deletion notice, with the source id of an earlier record
    supersedes it: an OAI-PMH provider lists a record that changed or was
    deleted during a harvest again at the end. It gets a warning that
    `replaces` the earlier row, and is what later rows are compared with."""
    first_rows = FirstRows()
    try:
        for item in items:
            if isinstance(item, NormalisedRecord):
                yield from _repeats(item, first_rows)
            elif item.source_id and item.row is not None:
                yield from _deletion(item, first_rows)
            yield item
    finally:
        first_rows.close()


IDENTIFIER_LABELS = {"doi": "DOI", "pmid": "PubMed ID", "pmcid": "PMCID"}


def newer_copy_message(row: int, earlier: int) -> str:
    return (
        f"Row {row} is a newer copy of row {earlier}: the source listed the "
        f"record again after it changed, so row {earlier} is skipped."
    )


def _deletion(notice: ImportIssue, first_rows: FirstRows) -> Iterator[ImportIssue]:
    source = f"source\0{notice.source_id}"
    earlier = first_rows.claim([source], notice.row).get(source)
    if earlier is None:
        return
    first_rows.reassign([source], notice.row)
    yield ImportIssue(
        notice.row,
        "",
        f"The source deleted the record of row {earlier} after listing it, "
        f"so row {earlier} is skipped.",
        Severity.WARNING,
        replaces=earlier,
    )


def _repeats(record: NormalisedRecord, first_rows: FirstRows) -> Iterator[ImportIssue]:
    row = record.source_row
    year = record.publication_date.year if record.publication_date else ""
    keys = {
        f"{name}\0{value}": name
        for name in IDENTIFIER_LABELS
        if (value := getattr(record, name))
    }
    title = f"title\0{_title_key(record.title)}|{year}"
    source = [f"source\0{record.source_id}"] if record.source_id else []
    earlier = first_rows.claim([*keys, title, *source], row)
    replaced = earlier.get(source[0]) if source else None
    if replaced is not None:
        # Later rows repeating these keys repeat this copy.
        first_rows.reassign([*keys, title, *source], row)
        yield ImportIssue(
            row,
            "",
            newer_copy_message(row, replaced),
            Severity.WARNING,
            replaces=replaced,
        )
    for key, name in keys.items():
        if earlier.get(key, row) not in (row, replaced):
            yield ImportIssue(
                row,
                name,
                f"Row {row} has the same {IDENTIFIER_LABELS[name]} as row "
                f"{earlier[key]} ({getattr(record, name)}).",
            )
    if earlier.get(title, row) not in (row, replaced):
        yield ImportIssue(
            row,
            "title",
            f"Row {row} has the same title and year as row {earlier[title]}.",
            Severity.WARNING,
        )
