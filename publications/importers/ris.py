"""RIS, as EndNote, Zotero and Mendeley export it.

The file is cut into records (TY ... ER) here, so each keeps its number and
line for the report; rispy reads the tags of each record.
"""

import contextlib
import re
from collections.abc import Iterator
from typing import BinaryIO

import rispy
from django.core.exceptions import ValidationError

from publications import citation
from publications.dates import PartialDate

from .base import (
    ImportIssue,
    NormalisedKeyword,
    NormalisedRecord,
    ParsedItem,
    Parser,
    Severity,
)
from .cleaning import (
    PUBMED_URL,
    IssueLog,
    clean_text,
    find_issns,
    join_pages,
    plain_text_to_html,
    strip_final_period,
    unique,
    validation_message,
)
from .datetext import parse_date_text, parse_full_date
from .names import split_inverted_name
from .textfile import read_text

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
SNIFF = re.compile(rb"(?m)^(?:\xef\xbb\xbf)?\s*TY  - ")
DOI_IN_URL = re.compile(r"(?i)^https?://(?:dx\.)?doi\.org/(10\..+)$")
PMCID = re.compile(r"\bPMC\d+\b")
ISSN_MARK = re.compile(r"(\d{4}-?\d{3}[\dXx])\s*\((Print|Electronic|Linking)\)", re.I)

TYPES = {
    "Article": ("JOUR", "EJOUR", "JFULL", "MGZN", "NEWS", "INPR"),
    "Book": ("BOOK", "EBOOK", "EDBOOK"),
    "Book Chapter": ("CHAP", "ECHAP"),
    "Conference Proceeding": ("CONF", "CPAPER"),
    "Report": ("RPRT", "GOVDOC"),
    "Dissertation": ("THES",),
    "Dataset": ("DATA", "DBASE", "AGGR"),
    "Preprint": ("UNPB", "MANSCPT"),
}
DOCUMENT_TYPE_BY_RIS = {ris: name for name, codes in TYPES.items() for ris in codes}
BOOK_TYPES = {"Book", "Book Chapter"}


class RISParser(Parser):
    name = "ris"
    label = "RIS (EndNote, Zotero, Mendeley)"
    extensions = (".ris", ".txt")

    def sniff(self, head: bytes) -> bool:
        return bool(SNIFF.search(head))

    def read(self, stream: BinaryIO) -> Iterator[ParsedItem]:
        file_log = IssueLog(None)
        text = read_text(stream, file_log)
        yield from file_log.issues
        if text is None:
            return
        row = 0
        for start_line, lines, complete in split_records(text.splitlines()):
            if start_line is None:
                yield ImportIssue(
                    row or None,
                    "",
                    f"Line {lines[0]} is outside any record (records start with "
                    "“TY  - ” and end with “ER  - ”); lines up to the next record "
                    "were ignored.",
                    Severity.WARNING,
                )
                continue
            row += 1
            log = IssueLog(row)
            if not complete:
                log.warning(
                    "ER",
                    f"The record starting at line {start_line} has no “ER  - ” "
                    "line: the file may be cut short, so check the record.",
                )
            entry = rispy.loads("\n".join([*lines, "ER  - "]), skip_unknown_tags=True)
            yield from read_entry(entry[0], log, start_line)
        if row == 0:
            yield ImportIssue(None, "", "The file holds no RIS records (“TY  - ”).")


def split_records(lines: list[str]) -> Iterator[tuple[int | None, list, bool]]:
    """(first line number, tag lines, ended with ER) per record; stray text
    outside records comes as (None, [line number], False)."""
    record: list[str] | None = None
    start = 0
    stray = False
    for number, line in enumerate(lines, 1):
        match = TAG_LINE.match(line.rstrip())
        tag = match.group(1) if match else None
        if tag == "TY":
            if record is not None:
                yield start, record, False
            record, start, stray = [line], number, False
        elif tag == "ER":
            if record is not None:
                yield start, record, True
            record = None
        elif record is not None:
            record.append(line)
        elif line.strip() and not stray:
            stray = True
            yield None, [number], False
    if record is not None:
        yield start, record, False


def first(entry: dict, *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value := clean_text(value):
            return value
    return ""


def read_entry(entry: dict, log: IssueLog, start_line: int) -> Iterator[ParsedItem]:
    ris_type = clean_text(entry.get("type_of_reference")).upper()
    document_type = DOCUMENT_TYPE_BY_RIS.get(ris_type, "Article")
    if ris_type not in DOCUMENT_TYPE_BY_RIS:
        log.warning("TY", f"The RIS type “{ris_type}” was read as Article.")
    title = strip_final_period(first(entry, "title", "primary_title"))
    if not title:
        yield from log.issues
        yield ImportIssue(
            log.row, "TI", f"The record at line {start_line} has no title; skipped."
        )
        return

    urls = [clean_text(u) for u in entry.get("urls", []) if clean_text(u)]
    doi_text = first(entry, "doi") or next(
        (m.group(1) for u in urls if (m := DOI_IN_URL.match(u))), ""
    )
    doi = log.identifier("DO", doi_text, "doi")
    publication_date = read_date(entry, log)
    venue_title = first(entry, "secondary_title", "alternate_title3", "journal_name")
    abbreviation = first(entry, "alternate_title1", "alternate_title2")
    if not abbreviation and first(entry, "journal_name") != venue_title:
        abbreviation = first(entry, "journal_name")
    issn, eissn = ("", "") if document_type in BOOK_TYPES else read_issns(entry, log)
    volume, issue = first(entry, "volume"), first(entry, "number")
    pages = join_pages(first(entry, "start_page"), first(entry, "end_page"))
    address = first(entry, "author_address")
    authors = []
    for name in [*entry.get("authors", []), *entry.get("first_authors", [])]:
        # RIS has one address per record; it belongs to the first author.
        extra = {"affiliations": (address,)} if address and not authors else {}
        if author := split_inverted_name(name, **extra):
            authors.append(author)

    epub_date = None
    if document_type == "Article" and (edition := first(entry, "edition")):
        # EndNote's journal article keeps the online date in its Edition field.
        with contextlib.suppress(ValidationError):
            epub_date = parse_full_date(edition)

    # Built first: building it may log issues, which go before it.
    record = NormalisedRecord(
        source_row=log.row,
        title=title,
        abstract=plain_text_to_html(first(entry, "abstract", "notes_abstract")),
        publication_date=publication_date,
        epub_date=epub_date,
        document_type=document_type,
        venue_title=venue_title,
        venue_abbreviation=abbreviation,
        issn=issn,
        eissn=eissn,
        publisher=first(entry, "publisher"),
        volume=volume,
        issue=issue,
        pages=pages,
        source_citation=citation.nlm_source(
            journal=abbreviation or venue_title,
            date_text=str(publication_date or ""),
            volume=volume,
            issue=issue,
            pages=pages,
            doi=doi,
            epub_date=epub_date,
        )
        if document_type not in BOOK_TYPES
        else "",
        doi=doi,
        pmid=read_pmid(entry, urls, log),
        pmcid=log.identifier("C2", read_pmcid(entry), "pmcid"),
        publisher_url=next(
            (u for u in urls if not DOI_IN_URL.match(u) and not PUBMED_URL.search(u)),
            "",
        ),
        authors=tuple(authors),
        keywords=read_keywords(entry),
        notes="\n".join(clean_text(n) for n in entry.get("notes", []) if n),
    )
    yield from log.issues
    yield record


def from_pubmed(entry: dict) -> bool:
    source = f"{first(entry, 'name_of_database')} {first(entry, 'database_provider')}"
    return bool(re.search(r"(?i)pubmed|medline|\bNLM\b", source))


def read_keywords(entry: dict) -> tuple[NormalisedKeyword, ...]:
    """EndNote marks records it took from PubMed "DB - NLM"; their keywords
    are MeSH headings, written with qualifiers and a major-topic star
    ("Lymphohistiocytosis, Hemophagocytic/*physiopathology")."""
    terms = [clean_text(k) for k in entry.get("keywords", [])]
    if first(entry, "name_of_database").upper() == "NLM":
        terms = [t.split("/")[0].lstrip("*").strip() for t in terms]
        return tuple(
            NormalisedKeyword(term=t, vocabulary="mesh") for t in unique(terms)
        )
    return tuple(NormalisedKeyword(term=t) for t in unique(terms))


def read_date(entry: dict, log: IssueLog) -> PartialDate | None:
    """DA is the fullest date; EndNote writes only a month there ("Jun"),
    which goes with the year in PY."""
    year_text = first(entry, "year", "publication_year")
    day_text = first(entry, "date")
    month_and_year = f"{day_text} {year_text[:4]}" if day_text and year_text else ""
    problems = []
    for text in (day_text, month_and_year, year_text):
        if text:
            try:
                return parse_date_text(text)
            except ValidationError as error:
                problems.append(validation_message(error))
    log.error("PY", problems[-1] if problems else "The record has no publication date.")
    return None


def read_issns(entry: dict, log: IssueLog) -> tuple[str, str]:
    """EndNote marks ISSNs "(Print)", "(Electronic)", "(Linking)"; Zotero and
    Mendeley list them print first."""
    text = first(entry, "issn")
    marked = {kind.lower(): value for value, kind in ISSN_MARK.findall(text)}
    if marked:
        print_issn = marked.get("print") or marked.get("linking", "")
        electronic = marked.get("electronic", "")
    else:
        found = find_issns(text) + ["", ""]
        print_issn, electronic = found[0], found[1]
    issn, eissn = log.issn("SN", print_issn), log.issn("SN", electronic)
    return issn, (eissn if eissn != issn else "")


def read_pmid(entry: dict, urls: list[str], log: IssueLog) -> str:
    """The accession number is a PubMed ID only when the record came from
    PubMed; a PubMed link also names one."""
    accession = first(entry, "accession_number")
    if accession and from_pubmed(entry):
        return log.identifier("AN", accession, "pmid")
    for url in urls:
        if match := PUBMED_URL.search(url):
            return log.identifier("UR", match.group(1) or match.group(2), "pmid")
    return ""


def read_pmcid(entry: dict) -> str:
    """EndNote keeps the PMCID of a PubMed record in C2 ("PMC3456789")."""
    for key in ("custom2", "custom1", "note"):
        if match := PMCID.search(first(entry, key)):
            return match.group(0)
    return ""
