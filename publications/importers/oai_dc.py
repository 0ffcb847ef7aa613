"""OAI-PMH responses (ListRecords, GetRecord) whose records are Dublin Core
(oai_dc, Digital Commons' dcq, DCMI terms: see dublin_core.py).

`read_response` reads one response (one page of a harvest) and fills a
`ResponsePage` with what a harvester needs next: the responseDate, the
resumptionToken, OAI errors. Row numbers count <record> elements, deleted
ones included, from `first_row`, so they run on across pages. Records are
read as iterparse reaches them and then dropped, so a large page costs no
more memory than a small one. Deleted records give a warning, no record;
the others carry their header identifier as `source_id`.

Uploaded as a file, a saved response is read the same way by the parser.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from lxml import etree

from . import xmlsafety
from .base import (
    SOURCE_ID_MAX_LENGTH,
    ImportIssue,
    NormalisedRecord,
    ParsedItem,
    Parser,
    Severity,
)
from .cleaning import clean_text
from .dublin_core import read_metadata

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
RECORD, HEADER, METADATA = (
    f"{{{OAI_NS}}}{t}" for t in ("record", "header", "metadata")
)
ERROR, RESPONSE_DATE, TOKEN = (
    f"{{{OAI_NS}}}{t}" for t in ("error", "responseDate", "resumptionToken")
)

ERROR_HINTS = {
    "cannotDisseminateFormat": "The repository does not offer its records in "
    "this metadata format; oai_dc is the one every repository offers.",
    "badResumptionToken": "The repository no longer accepts the harvest's "
    "resumption token (it may have expired); records before this point were "
    "read. Harvest again.",
    "noSetHierarchy": "The repository has no sets; harvest without one.",
    "badArgument": "Check the set and the dates asked for.",
}


@dataclass
class ResponsePage:
    """What one OAI-PMH response said besides its records."""

    response_date: datetime.datetime | None = None
    resumption_token: str = ""
    complete_list_size: int | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (code, message)
    rows: int = 0  # <record> elements read
    unreadable: bool = False  # not OAI-PMH XML, or broken part way

    @property
    def error_codes(self) -> list[str]:
        return [code for code, _ in self.errors]


def oai_error_issue(code: str, message: str) -> ImportIssue:
    """An OAI-PMH error response as an issue for the whole harvest."""
    hint = ERROR_HINTS.get(code, "")
    text = f"The repository answered with the OAI-PMH error “{code}”"
    text += f": {message.rstrip('.')}." if message else "."
    return ImportIssue(None, "", f"{text} {hint}".strip())


def unsafe_message(error: xmlsafety.UnsafeXMLError) -> str:
    # xmlsafety's own wording speaks of PubMed files.
    if "entities" in str(error):
        return (
            "The response declares XML entities in its DOCTYPE. Entities can "
            "read local files or expand without limit, so it was refused; "
            "OAI-PMH responses never need them."
        )
    return str(error)


def parse_response_date(text: str) -> datetime.datetime | None:
    """'2024-01-02T03:04:05Z' (or a day) as an aware UTC datetime."""
    try:
        moment = datetime.datetime.fromisoformat(clean_text(text))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def read_response(
    stream: BinaryIO, page: ResponsePage, *, first_row: int = 1
) -> Iterator[ParsedItem]:
    """The records of one response, in order; `page` is filled as it goes."""
    try:
        prolog = xmlsafety.scan_prolog(stream)
    except xmlsafety.UnsafeXMLError as error:
        page.unreadable = True
        yield ImportIssue(None, "", unsafe_message(error))
        return
    if not prolog.head.strip():
        page.unreadable = True
        yield ImportIssue(None, "", "The response is empty.")
        return
    if prolog.root is not None and prolog.root.rpartition(":")[2] != "OAI-PMH":
        page.unreadable = True
        yield ImportIssue(
            None,
            "",
            f"This is not an OAI-PMH response: its root element is "
            f"<{prolog.root}>, not <OAI-PMH>.",
        )
        return
    events = xmlsafety.iterparse(
        xmlsafety.PrefixedStream(prolog.head, stream),
        (RECORD, ERROR, RESPONSE_DATE, TOKEN),
    )
    row = first_row - 1
    try:
        for _, element in events:
            if element.tag == RECORD:
                row += 1
                page.rows += 1
                yield from read_record(element, row)
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
            elif element.tag == RESPONSE_DATE:
                page.response_date = parse_response_date(element.text or "")
            elif element.tag == ERROR:
                page.errors.append(
                    (element.get("code", ""), clean_text(element.text or ""))
                )
            elif element.tag == TOKEN:
                page.resumption_token = clean_text(element.text or "")
                size = element.get("completeListSize", "")
                page.complete_list_size = int(size) if size.isdigit() else None
    except etree.XMLSyntaxError as error:
        page.unreadable = True
        yield ImportIssue(
            None,
            "",
            f"The response is not well-formed XML (line {error.lineno}): "
            f"{error.msg}. Records before this point were read.",
        )


class OAIDublinCoreParser(Parser):
    """A saved OAI-PMH response, uploaded as a file."""

    name = "oai_dc"
    label = "OAI-PMH Dublin Core XML"
    extensions = (".xml",)

    def sniff(self, head: bytes) -> bool:
        # Only lists of records: an Identify or ListSets response is no import.
        return b"OAI-PMH" in head and (b"ListRecords" in head or b"GetRecord" in head)

    def read(self, stream: BinaryIO) -> Iterator[ParsedItem]:
        page = ResponsePage()
        yield from read_response(stream, page)
        if page.unreadable:
            return
        for code, message in page.errors:
            if code == "noRecordsMatch":
                yield ImportIssue(
                    None,
                    "",
                    "The response holds no records: the repository found none "
                    "matching the request (noRecordsMatch).",
                )
            else:
                yield oai_error_issue(code, message)
        if page.rows == 0 and not page.errors:
            yield ImportIssue(None, "", "The response holds no records.")
        if page.resumption_token:
            yield ImportIssue(
                None,
                "",
                "This response is one page of a longer list (it ends with a "
                "resumption token); harvest the repository to read the rest.",
                Severity.WARNING,
            )


def read_record(element: etree._Element, row: int) -> Iterator[ParsedItem]:
    header = element.find(HEADER)
    identifier = ""
    if header is not None:
        identifier = clean_text(header.findtext(f"{{{OAI_NS}}}identifier"))
    name = f"The record {identifier}" if identifier else "The record"
    source_id = identifier
    if len(identifier) > SOURCE_ID_MAX_LENGTH:
        source_id = ""
        yield ImportIssue(
            row,
            "identifier",
            f"The record's identifier is longer than {SOURCE_ID_MAX_LENGTH} "
            "characters, so a later harvest cannot recognise the record by it.",
            Severity.WARNING,
        )
    if header is not None and header.get("status") == "deleted":
        yield ImportIssue(
            row,
            "",
            f"{name} is deleted at the source; nothing was imported for it.",
            Severity.WARNING,
            source_id=source_id,
        )
        return
    metadata = element.find(METADATA)
    content = None
    if metadata is not None:
        content = next(metadata.iterchildren(tag=etree.Element), None)
    if content is None:
        yield ImportIssue(row, "", f"{name} has no metadata; skipped.")
        return
    for item in read_metadata(content, row, name):
        if isinstance(item, NormalisedRecord) and source_id:
            item = replace(item, source_id=source_id)
        yield item
