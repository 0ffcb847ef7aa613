"""Harvest another repository's records over OAI-PMH 2.0.

    records = harvest(
        "https://escholarship.example.edu/do/oai/",
        metadata_prefix="dcq",
        set_spec="publication:faculty_pubs",
        from_=last_harvest,
    )
    batch_plan(batch=batch, items=records)  # NormalisedRecord / ImportIssue
    records.response_date  # ask `from` this time next time

Identify is asked first, for the granularity of the endpoint's datestamps
(days or seconds), so `from` and `until` are sent in a form it accepts. Then
ListRecords is followed page by page through its resumption tokens; each page
is read as it arrives and dropped, so memory stays flat however many records
there are. Records are read by publications.importers.oai_dc.

Incremental harvesting: the responseDate of the first ListRecords response is
kept. Anything changed after it may or may not be in this harvest, so the
next harvest asks `from` that moment; a record changed just before it may
come twice, which matching against the catalogue absorbs.

A provider lists a record changed or deleted during the harvest again at the
end, with its new datestamp. Each record (and each deletion notice) carries
its OAI identifier (`source_id`), so the plan keeps that later copy, or
leaves the record out, and skips the earlier row
(importers.base.flag_duplicates).
"""

import datetime
import io
from collections.abc import Iterator

from django.utils import timezone
from lxml import etree

from publications.importers import ImportIssue, xmlsafety
from publications.importers.base import ParsedItem
from publications.importers.oai_dc import (
    OAI_NS,
    ResponsePage,
    oai_error_issue,
    read_response,
    unsafe_message,
)

from . import http

SECONDS = "YYYY-MM-DDThh:mm:ssZ"
ACCEPT = "text/xml, application/xml;q=0.9, */*;q=0.1"

Bound = datetime.datetime | datetime.date | None


class _Stop(Exception):
    """The harvest cannot go on; `issue` says why."""

    def __init__(self, issue: ImportIssue):
        super().__init__(issue.message)
        self.issue = issue


def format_bound(value: Bound, granularity: str) -> str:
    """A from/until argument in the endpoint's granularity. A time given to
    a day-granular endpoint becomes its UTC day: `from` then includes a
    little more than asked, never less."""
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
        moment = moment.astimezone(datetime.UTC)
        if granularity == SECONDS:
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        return moment.date().isoformat()
    return value.isoformat() if value else ""


class Harvest:
    """An iterable of the records a harvest finds; see the module docstring.
    After iterating: `response_date` (of the first ListRecords response),
    `granularity` and `succeeded` (the list was read to its end)."""

    def __init__(
        self,
        base_url: str,
        *,
        metadata_prefix: str = "oai_dc",
        set_spec: str = "",
        from_: Bound = None,
        until: Bound = None,
    ):
        self.base_url = base_url.strip()
        self.metadata_prefix = metadata_prefix
        self.set_spec = set_spec
        self.from_ = from_
        self.until = until
        self.response_date: datetime.datetime | None = None
        self.granularity = ""
        self.succeeded = False
        self.pages = 0

    def __iter__(self) -> Iterator[ParsedItem]:
        self.succeeded = False
        self.response_date = None
        self.pages = 0
        try:
            yield from self._harvest()
        except _Stop as stop:
            yield stop.issue

    def _get(self, params: dict[str, str]) -> bytes:
        try:
            return http.get(self.base_url, params=params, accept=ACCEPT).body
        except http.FetchError as error:
            raise _Stop(
                ImportIssue(None, "", f"Could not harvest {self.base_url}: {error}")
            ) from error

    def _identify(self) -> str:
        body = self._get({"verb": "Identify"})
        try:
            xmlsafety.scan_prolog(io.BytesIO(body))
            root = etree.fromstring(body, xmlsafety.xml_parser())
        except xmlsafety.UnsafeXMLError as error:
            raise _Stop(ImportIssue(None, "", unsafe_message(error))) from error
        except etree.XMLSyntaxError as error:
            raise _Stop(
                ImportIssue(
                    None,
                    "",
                    f"{self.base_url} did not answer Identify with XML "
                    f"({error.msg}); is it an OAI-PMH base URL?",
                )
            ) from error
        if root.tag != f"{{{OAI_NS}}}OAI-PMH":
            raise _Stop(
                ImportIssue(
                    None,
                    "",
                    f"{self.base_url} did not answer Identify in OAI-PMH 2.0; is it "
                    "an OAI-PMH base URL?",
                )
            )
        error = root.find(f"{{{OAI_NS}}}error")
        if error is not None:
            raise _Stop(oai_error_issue(error.get("code", ""), error.text or ""))
        granularity = root.findtext(f"{{{OAI_NS}}}Identify/{{{OAI_NS}}}granularity")
        # Days are the granularity every repository must support (spec 3.3.2).
        return SECONDS if (granularity or "").strip() == SECONDS else "YYYY-MM-DD"

    def _harvest(self) -> Iterator[ParsedItem]:
        self.granularity = self._identify()
        params = {"verb": "ListRecords", "metadataPrefix": self.metadata_prefix}
        if self.set_spec:
            params["set"] = self.set_spec
        for name, value in (("from", self.from_), ("until", self.until)):
            if value:
                params[name] = format_bound(value, self.granularity)
        started = timezone.now()
        rows = 0
        previous_token = ""
        while True:
            body = self._get(params)
            self.pages += 1
            page = ResponsePage()
            yield from read_response(io.BytesIO(body), page, first_row=rows + 1)
            rows += page.rows
            if self.pages == 1:
                # A provider that omits it: our own clock, taken before asking.
                self.response_date = page.response_date or started
            if page.unreadable:
                return
            errors = [e for e in page.errors if e[0] != "noRecordsMatch"]
            for code, message in errors:
                yield oai_error_issue(code, message)
            if errors:
                return
            token = page.resumption_token
            if not token:
                break
            if token == previous_token:
                yield ImportIssue(
                    None,
                    "",
                    f"{self.base_url} sent the same resumption token twice in a "
                    "row; the harvest was stopped there so as not to read the "
                    "same page forever.",
                )
                return
            previous_token = token
            params = {"verb": "ListRecords", "resumptionToken": token}
        self.succeeded = True


def harvest(
    base_url: str,
    *,
    metadata_prefix: str = "oai_dc",
    set_spec: str = "",
    from_: Bound = None,
    until: Bound = None,
) -> Harvest:
    """The records at an OAI-PMH endpoint, changed from `from_` to `until`
    (inclusive) when given; nothing is fetched until the result is iterated."""
    return Harvest(
        base_url,
        metadata_prefix=metadata_prefix,
        set_spec=set_spec,
        from_=from_,
        until=until,
    )
