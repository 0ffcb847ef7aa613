"""Crossref REST API works JSON: one `work` message, a `work-list` (a search
or filter result), or a bare work object or list of them.

Crossref's `subject` field holds journal-level subject categories, not the
repository's discipline taxonomy, so it is not read as subjects.
"""

import datetime
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError

from publications import citation
from publications.dates import PartialDate

from .base import (
    ImportIssue,
    NormalisedAuthor,
    NormalisedRecord,
    ParsedItem,
    Parser,
)
from .cleaning import IssueLog, clean_text, normalise_pages, validation_message
from .jats import jats_to_html

TYPES = {
    "journal-article": "Article",
    "journal-issue": "Article",
    "proceedings-article": "Conference Proceeding",
    "proceedings": "Conference Proceeding",
    "book": "Book",
    "monograph": "Book",
    "edited-book": "Book",
    "reference-book": "Book",
    "book-chapter": "Book Chapter",
    "book-section": "Book Chapter",
    "book-part": "Book Chapter",
    "reference-entry": "Book Chapter",
    "posted-content": "Preprint",
    "report": "Report",
    "report-component": "Report",
    "dissertation": "Dissertation",
    "dataset": "Dataset",
}
DOI_URL_HOSTS = ("doi.org/", "dx.doi.org/")


def text(value: Any) -> str:
    """A Crossref string, or the first of a list of them ("title": [...])."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return clean_text(value) if isinstance(value, str | int | float) else ""


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def date_parts(value: Any) -> list[int] | None:
    """{"date-parts": [[2013, 6, 12]]} -> [2013, 6, 12]; [[null]] -> None."""
    try:
        parts = value["date-parts"][0]
        numbers = [int(part) for part in parts if part is not None]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return numbers[:3] or None


class CrossrefParser(Parser):
    name = "crossref"
    label = "Crossref API JSON"
    extensions = (".json",)

    def sniff(self, head: bytes) -> bool:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return start[:1] in (b"{", b"[") and (
            b'"message-type"' in head or b'"DOI"' in head
        )

    def read(self, stream: BinaryIO) -> Iterator[ParsedItem]:
        data = stream.read()
        if not data.strip():
            yield ImportIssue(None, "", "The file is empty.")
            return
        try:
            document = json.loads(data)
        except json.JSONDecodeError as error:
            yield ImportIssue(
                None,
                "",
                f"The file is not valid JSON (line {error.lineno}, column "
                f"{error.colno}): {error.msg}.",
            )
            return
        except (UnicodeDecodeError, RecursionError):
            yield ImportIssue(None, "", "The file is not readable JSON text.")
            return
        works = find_works(document)
        if works is None:
            yield ImportIssue(
                None,
                "",
                "The JSON is not a Crossref works response: expected "
                '"message-type": "work" or "work-list".',
            )
            return
        for row, work in enumerate(works, 1):
            if isinstance(work, dict):
                yield from read_work(work, IssueLog(row))
            else:
                yield ImportIssue(row, "", "The item is not a work object; skipped.")
        if not works:
            yield ImportIssue(None, "", "The response holds no works.")


def find_works(document: Any) -> list | None:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        return None
    message = document.get("message")
    kind = document.get("message-type")
    if kind == "work" and isinstance(message, dict):
        return [message]
    if kind == "work-list" and isinstance(message, dict):
        items = message.get("items")
        return items if isinstance(items, list) else None
    if "DOI" in document or "title" in document:
        return [document]
    return None


def read_work(work: dict, log: IssueLog) -> Iterator[ParsedItem]:
    title = text(work.get("title"))
    if subtitle := text(work.get("subtitle")):
        title = f"{title}: {subtitle}" if title else subtitle
    if not title:
        yield ImportIssue(log.row, "title", "The work has no title; skipped.")
        return
    kind = text(work.get("type"))
    document_type = TYPES.get(kind, "Article")
    if kind not in TYPES:
        log.warning("type", f"The Crossref type “{kind}” was read as Article.")

    publication_date = read_date(work, log)
    online = date_parts(work.get("published-online"))
    epub_date = None
    if online and len(online) == 3:
        try:
            epub_date = datetime.date(*online)
        except ValueError:
            log.error("published-online", f"{online} is not a date.")
    doi = log.identifier("DOI", text(work.get("DOI")), "doi")
    venue_title = text(work.get("container-title"))
    abbreviation = text(work.get("short-container-title"))
    volume, issue = text(work.get("volume")), text(work.get("issue"))
    pages = normalise_pages(text(work.get("page")))
    issn, eissn = read_issns(work, log)
    authors = tuple(read_authors(work.get("author"), log))
    url = text(as_dict(as_dict(work.get("resource")).get("primary")).get("URL"))

    # Built first: building it may log issues, which go before it.
    record = NormalisedRecord(
        source_row=log.row,
        title=title,
        abstract=jats_to_html(text(work.get("abstract"))),
        publication_date=publication_date,
        epub_date=epub_date,
        document_type=document_type,
        venue_title=venue_title,
        venue_abbreviation=abbreviation,
        issn=issn,
        eissn=eissn,
        publisher=text(work.get("publisher")),
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
        ),
        doi=doi,
        publisher_url="" if any(h in url for h in DOI_URL_HOSTS) else url,
        authors=authors,
    )
    yield from log.issues
    yield record


def read_date(work: dict, log: IssueLog) -> PartialDate | None:
    """The print date, else the earliest Crossref knows (`issued`)."""
    for key in ("published-print", "published", "issued", "published-online"):
        if parts := date_parts(work.get(key)):
            try:
                return PartialDate(*parts)
            except ValidationError as error:
                log.error(key, validation_message(error))
                return None
    log.error("issued", "The work has no publication date.")
    return None


def read_issns(work: dict, log: IssueLog) -> tuple[str, str]:
    typed = {
        text(item.get("type")): text(item.get("value"))
        for item in as_list(work.get("issn-type"))
        if isinstance(item, dict)
    }
    print_issn = typed.get("print") or (text(work.get("ISSN")) if not typed else "")
    electronic = typed.get("electronic", "")
    return log.issn("ISSN", print_issn), log.issn("ISSN", electronic)


def read_authors(authors: Any, log: IssueLog) -> Iterator[NormalisedAuthor]:
    for position, author in enumerate(as_list(authors), 1):
        if not isinstance(author, dict):
            continue
        family, name = text(author.get("family")), text(author.get("name"))
        if not (family or name):
            log.error(f"author {position}", "The author has no name; left out.")
            continue
        affiliations = tuple(
            text(a.get("name"))
            for a in as_list(author.get("affiliation"))
            if isinstance(a, dict) and text(a.get("name"))
        )
        yield NormalisedAuthor(
            family_name=family or name,
            given_names=text(author.get("given")),
            suffix=text(author.get("suffix")),
            # Crossref gives ORCIDs as URLs: http://orcid.org/0000-...
            orcid=log.identifier(
                f"author {position} ORCID", text(author.get("ORCID")), "orcid"
            ),
            affiliations=affiliations,
            is_corporate=not family,
        )
