"""BibTeX (and biblatex), as Zotero, EndNote and Mendeley export it.

bibtexparser splits the file into entries and resolves @string macros;
LaTeX escapes ({\\"u}, \\&, $\\alpha$) are decoded here with pylatexenc, after
author lists are split, so a braced organisation name stays one author.
"""

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from django.core.exceptions import ValidationError
from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)

from publications import citation
from publications.dates import MONTH_ABBREVIATIONS, PartialDate

from .base import (
    ImportIssue,
    NormalisedAuthor,
    NormalisedKeyword,
    NormalisedRecord,
    ParsedItem,
    Parser,
)
from .cleaning import (
    PUBMED_URL,
    IssueLog,
    clean_text,
    find_issns,
    normalise_pages,
    plain_text_to_html,
    split_keywords,
    strip_final_period,
    validation_message,
)
from .datetext import parse_date_text
from .textfile import read_text

SNIFF = re.compile(rb"(?m)^\s*@\s*[A-Za-z]+\s*[{(]")
DOI_URL = re.compile(r"(?i)^https?://(?:dx\.)?doi\.org/")
# Identifiers and URLs are not LaTeX ("%" would start a comment); only their
# escaped characters are undone.
LATEX_ESCAPE = re.compile(r"\\([_%&#$~])")
RAW_FIELDS = {"doi", "url", "pmid", "pmcid", "eprint", "issn"}
ISSN_ELECTRONIC = re.compile(r"(\d{4}-?\d{3}[\dXx])\s*\(Electronic\)", re.I)

TYPES = {
    "Article": ("article",),
    "Book": ("book", "booklet", "mvbook"),
    "Book Chapter": ("inbook", "incollection", "inreference", "bookinbook"),
    "Conference Proceeding": ("inproceedings", "conference", "proceedings"),
    "Report": ("techreport", "report"),
    "Dissertation": ("phdthesis", "mastersthesis", "thesis"),
    "Dataset": ("dataset", "data"),
    "Preprint": ("unpublished",),
}
DOCUMENT_TYPE_BY_ENTRY = {kind: name for name, kinds in TYPES.items() for kind in kinds}
CONTAINER_TYPES = {"Book Chapter", "Conference Proceeding"}


class BibTeXParser(Parser):
    name = "bibtex"
    label = "BibTeX"
    extensions = (".bib", ".bibtex")

    def sniff(self, head: bytes) -> bool:
        return bool(SNIFF.search(head))

    def read(self, stream: BinaryIO) -> Iterator[ParsedItem]:
        file_log = IssueLog(None)
        text = read_text(stream, file_log)
        yield from file_log.issues
        if text is None:
            return
        reader = EntryReader()
        row = 0
        for block in bibtexparser.parse_string(text).blocks:
            if isinstance(block, model.Entry):
                row += 1
                yield from reader.read(block, IssueLog(row), raw=False)
            elif isinstance(block, model.DuplicateBlockKeyBlock):
                row += 1
                log = IssueLog(row)
                log.warning(
                    "key",
                    f"The key “{block.key}” (line {block.start_line + 1}) is used "
                    "by an earlier entry too.",
                )
                yield from reader.read(block.ignore_error_block, log, raw=True)
            elif isinstance(block, model.DuplicateFieldKeyBlock):
                row += 1
                log = IssueLog(row)
                fields = ", ".join(sorted(block.duplicate_keys))
                log.warning(
                    fields,
                    f"The entry at line {block.start_line + 1} gives {fields} more "
                    "than once; the first value was used.",
                )
                yield from reader.read(block.ignore_error_block, log, raw=True)
            elif isinstance(block, model.ParsingFailedBlock):
                row += 1
                yield ImportIssue(
                    row,
                    "",
                    f"The entry at line {block.start_line + 1} could not be read: "
                    f"{failure_reason(block.error)} A brace or quote may be left open.",
                )
        if row == 0:
            yield ImportIssue(None, "", "The file holds no BibTeX entries.")


def failure_reason(error: Exception) -> str:
    reason = getattr(error, "abort_reason", "") or str(error)
    return clean_text(reason).split(". Note:")[0].rstrip(".") + "."


def unbrace(value: str) -> str:
    """Entries that failed a check come unprocessed: '{Title}' -> 'Title'."""
    value = value.strip()
    if len(value) >= 2 and value[0] + value[-1] in ("{}", '""'):
        return value[1:-1]
    return value


def latex_decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    # Zotero escapes < and > this way; \url{} is just its text.
    context.add_context_category(
        "bibtex-exports",
        prepend=True,
        macros=[
            MacroTextSpec("textless", "<"),
            MacroTextSpec("textgreater", ">"),
            MacroTextSpec("url", "%s"),
        ],
    )
    return LatexNodes2Text(latex_context=context, math_mode="text")


class EntryReader:
    def __init__(self):
        self.latex = latex_decoder()

    def text(self, value: str) -> str:
        return clean_text(self.latex.latex_to_text(value))

    def read(
        self, entry: model.Entry, log: IssueLog, raw: bool
    ) -> Iterator[ParsedItem]:
        fields: dict[str, str] = {}
        for field in entry.fields:
            value = unbrace(str(field.value)) if raw else str(field.value)
            fields.setdefault(field.key.lower(), value)

        def get(*keys: str) -> str:
            for key in keys:
                if value := fields.get(key, "").strip():
                    if key in RAW_FIELDS:
                        return clean_text(LATEX_ESCAPE.sub(r"\1", value))
                    return self.text(value)
            return ""

        entry_type = entry.entry_type.lower()
        document_type = DOCUMENT_TYPE_BY_ENTRY.get(entry_type, "Article")
        if entry_type not in DOCUMENT_TYPE_BY_ENTRY:
            log.warning("type", f"The entry type @{entry_type} was read as Article.")
        title = strip_final_period(get("title"))
        if not title:
            yield from log.issues
            yield ImportIssue(
                log.row, "title", f"The entry “{entry.key}” has no title; skipped."
            )
            return

        url = get("url")
        doi = log.identifier(
            "doi", get("doi") or (url if DOI_URL.match(url) else ""), "doi"
        )
        # EndNote writes a record's PubMed link as its url.
        pubmed_link = PUBMED_URL.search(url)
        pmid = (
            get("pmid")
            or (get("eprint") if get("eprinttype").lower() == "pubmed" else "")
            or (next(filter(None, pubmed_link.groups())) if pubmed_link else "")
        )
        publication_date = self.date(get, log)
        venue_title = get("journal", "journaltitle")
        if document_type in CONTAINER_TYPES:
            venue_title = venue_title or get("booktitle")
        abbreviation = get("shortjournal", "journal-abbrev", "journalabbrev")
        issn, eissn = self.issns(get("issn"), log)
        volume, issue = get("volume"), get("number", "issue")
        pages = normalise_pages(get("pages"))
        authors = tuple(self.authors(fields.get("author", ""), log))
        # Split before decoding: EndNote puts one keyword per line.
        keywords = split_keywords(fields.get("keywords") or fields.get("mendeley-tags"))
        keywords = [term for term in (self.text(k) for k in keywords) if term]

        # Built first: building it may log issues, which go before it.
        record = NormalisedRecord(
            source_row=log.row,
            title=title,
            abstract=plain_text_to_html(get("abstract")),
            publication_date=publication_date,
            document_type=document_type,
            venue_title=venue_title,
            venue_abbreviation=abbreviation,
            issn=issn,
            eissn=eissn,
            publisher=get("publisher"),
            volume=volume,
            issue=issue,
            pages=pages,
            source_citation=citation.nlm_source(
                journal=abbreviation or get("journal", "journaltitle"),
                date_text=str(publication_date or ""),
                volume=volume,
                issue=issue,
                pages=pages,
                doi=doi,
            ),
            doi=doi,
            pmid=log.identifier("pmid", pmid, "pmid"),
            pmcid=log.identifier("pmcid", get("pmcid"), "pmcid"),
            publisher_url="" if DOI_URL.match(url) or pubmed_link else url,
            authors=authors,
            keywords=tuple(NormalisedKeyword(term=term) for term in keywords),
            notes=get("note", "annote"),
        )
        yield from log.issues
        yield record

    def date(self, get: Callable[..., str], log: IssueLog) -> PartialDate | None:
        """biblatex's ISO `date`, else `year` with `month` (jun, June or 6)."""
        date_text = get("date")
        if not date_text and get("year"):
            date_text = f"{get('year')} {month_name(get('month'))}".strip()
        if not date_text:
            log.error("year", "The entry has no year.")
            return None
        try:
            return parse_date_text(date_text)
        except ValidationError as error:
            log.error("date" if get("date") else "year", validation_message(error))
            return None

    def issns(self, text: str, log: IssueLog) -> tuple[str, str]:
        electronic = ISSN_ELECTRONIC.search(text)
        found = [i for i in find_issns(text) if not electronic or i != electronic[1]]
        eissn = electronic[1] if electronic else (found[1] if len(found) > 1 else "")
        return log.issn("issn", found[0] if found else ""), log.issn("issn", eissn)

    def authors(self, value: str, log: IssueLog) -> Iterator[NormalisedAuthor]:
        for position, name in enumerate(split_multiple_persons_names(value), 1):
            name = name.strip()
            if name.lower() == "others" or not name:
                continue
            if name.startswith("{") and name.endswith("}") and braces_wrap(name):
                yield NormalisedAuthor(family_name=self.text(name), is_corporate=True)
                continue
            try:
                parts = parse_single_name_into_parts(name, strict=False)
            except InvalidNameError as error:
                log.error(f"author {position}", f"“{name}”: {error}")
                continue
            family = self.text(" ".join(parts.von + parts.last))
            if not family:
                log.error(f"author {position}", f"“{name}” has no family name.")
                continue
            yield NormalisedAuthor(
                family_name=family,
                given_names=self.text(" ".join(parts.first)),
                suffix=self.text(" ".join(parts.jr)),
            )


def braces_wrap(name: str) -> bool:
    """Whether the first brace closes at the very end: '{World Health Org}'."""
    depth = 0
    for index, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index == len(name) - 1
    return False


def month_name(month: str) -> str:
    """'6' -> 'Jun'; names pass through for the date reader."""
    if month.isdigit() and 1 <= int(month) <= 12:
        return MONTH_ABBREVIATIONS[int(month) - 1]
    return month
