"""Records looked up by identifier: DOIs at the Crossref REST API, PubMed IDs
at NCBI E-utilities (efetch), read by the same parsers as uploaded Crossref
JSON and PubMed XML.

    items = fetch_records(["10.1111/bjh.12293", "doi:10.1/x", "23573877"])
    batch_plan(batch=batch, items=items)

A DOI may be written 10.1111/bjh.12293, doi:10.1111/... or as a doi.org
address; a PubMed ID as 23573877, PMID: 23573877 or a pubmed.ncbi.nlm.nih.gov
address. Row numbers are positions in the input list (from 1), so every issue
names the line the curator typed. Output comes in row order.

Crossref is asked one DOI per request, with `mailto` as its "polite pool"
asks. NCBI is asked for up to 200 PubMed IDs per efetch, with `tool` and
`email` as its usage policy asks, at most 3 requests a second (10 with an
NCBI_API_KEY), counted across every process that shares the cache.
"""

import dataclasses
import io
import itertools
import math
import re
import time
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from lxml import etree

from publications.identifiers import normalize_doi, normalize_pmid
from publications.importers import ImportIssue, Severity, xmlsafety
from publications.importers.base import ParsedItem
from publications.importers.cleaning import PUBMED_URL, clean_text
from publications.importers.crossref import CrossrefParser
from publications.importers.pubmed import read_article

from . import http

PUBMED_BATCH = 200  # ids per efetch, as NCBI advises for GET requests
PMCID = re.compile(r"(?i)^PMC\d+$")
EXAMPLES = "a DOI (10.1111/bjh.12293) or a PubMed ID (23573877)"


def classify(text: str) -> tuple[str, str] | str:
    """("doi" | "pmid", stored form), or a message saying what is wrong."""
    value = clean_text(text)
    try:
        return "doi", normalize_doi(re.sub(r"(?i)^info:doi/", "", value))
    except ValidationError as error:
        doi_problem = " ".join(error.messages)
    if match := PUBMED_URL.search(value):
        value = match.group(1) or match.group(2)
    try:
        return "pmid", normalize_pmid(value)
    except ValidationError:
        pass
    if PMCID.match(value):
        return (
            f"“{value}” is a PubMed Central ID, which is not looked up; give the "
            "article's PubMed ID or DOI instead."
        )
    if "10." in value or value.lower().startswith("doi"):
        return doi_problem
    return f"“{value}” is neither a DOI nor a PubMed ID; give {EXAMPLES}."


def renumber(items: Iterable[ParsedItem], row: int) -> Iterator[ParsedItem]:
    """A parser's items for one looked-up record, moved to the input's row."""
    for item in items:
        if isinstance(item, ImportIssue):
            yield dataclasses.replace(item, row=row)
        else:
            yield dataclasses.replace(item, source_row=row)


def crossref_lookup(doi: str, row: int) -> list[ParsedItem]:
    base = settings.CROSSREF_API_URL.rstrip("/")
    url = f"{base}/works/{quote(doi, safe='/')}"
    try:
        response = http.get(
            url,
            params={"mailto": settings.REPOSITORY["CONTACT_EMAIL"]},
            accept="application/json",
        )
    except http.FetchError as error:
        if error.status == 404:
            message = (
                f"Crossref has no record of the DOI {doi}. It may be registered "
                f"elsewhere (DataCite, mEDRA): check https://doi.org/{doi}."
            )
        else:
            message = f"The DOI {doi} could not be looked up at Crossref: {error}"
        return [ImportIssue(row, "doi", message)]
    items = CrossrefParser().read(io.BytesIO(response.body))
    return list(renumber(items, row))


class Pace:
    """At most one request per `interval` seconds to a service named `name`,
    among all the threads and processes that share the cache (all of them
    with REDIS_URL; the threads of one process without it).

    Time is cut into slots `interval` long. A request claims the next slot
    no one has claimed (cache.add is atomic) and waits for its start, so
    requests start at least `interval` apart however many curators look
    records up at once.
    """

    SLOTS_AHEAD = 50

    def __init__(self, name: str, interval: float):
        self.key = f"ingest:pace:{name}"
        self.interval = interval

    def wait(self) -> None:
        # Claimed slots are kept until well after they have passed.
        keep = self.interval * self.SLOTS_AHEAD + 60
        while True:
            first = math.ceil(time.time() / self.interval)
            for slot in range(first, first + self.SLOTS_AHEAD):
                if cache.add(f"{self.key}:{slot}", 1, timeout=keep):
                    time.sleep(max(0.0, slot * self.interval - time.time()))
                    return
            # Every slot in sight is taken: wait for them to pass.
            time.sleep(self.interval * self.SLOTS_AHEAD)


def ncbi_pace() -> Pace:
    # A little over 1/3 s (1/10 s with a key), so clocks never make it 4 a second.
    return Pace("ncbi", 0.11 if settings.NCBI_API_KEY else 0.34)


def efetch_params(pmids: list[str]) -> dict[str, str]:
    params = {
        "db": "pubmed",
        "id": ",".join(pmids),
        "retmode": "xml",
        # NCBI: "tool" names the application, without spaces; "email" whom
        # to contact before blocking it.
        "tool": slugify(settings.REPOSITORY["NAME"]) or http.SOFTWARE,
        "email": settings.REPOSITORY["CONTACT_EMAIL"],
    }
    if settings.NCBI_API_KEY:
        params["api_key"] = settings.NCBI_API_KEY
    return params


def pubmed_lookup(rows: dict[str, int], pace: Pace) -> dict[int, list[ParsedItem]]:
    """{row: items} for up to PUBMED_BATCH PubMed IDs (id -> row)."""
    pace.wait()
    url = f"{settings.NCBI_EUTILS_URL.rstrip('/')}/efetch.fcgi"
    try:
        response = http.get(url, params=efetch_params(list(rows)), accept="text/xml")
    except http.FetchError as error:
        return {
            row: [
                ImportIssue(
                    row,
                    "pmid",
                    f"The PubMed ID {pmid} could not be looked up at NCBI: {error}",
                )
            ]
            for pmid, row in rows.items()
        }
    found = read_efetch(response.body, rows)
    for pmid, row in rows.items():
        found.setdefault(
            row, [ImportIssue(row, "pmid", f"PubMed has no record with the ID {pmid}.")]
        )
    return found


def read_efetch(body: bytes, rows: dict[str, int]) -> dict[int, list[ParsedItem]]:
    """The articles of an efetch response, each under the row that asked for
    its PMID; a response that is not a PubmedArticleSet fails every row."""

    def fail_all(message: str) -> dict[int, list[ParsedItem]]:
        return {
            row: [ImportIssue(row, "pmid", f"PubMed ID {pmid}: {message}")]
            for pmid, row in rows.items()
        }

    try:
        prolog = xmlsafety.scan_prolog(io.BytesIO(body))
    except xmlsafety.UnsafeXMLError:
        return fail_all("NCBI's answer declared XML entities and was refused.")
    if prolog.root != "PubmedArticleSet":
        # efetch reports bad requests as <eFetchResult><ERROR>...</ERROR>.
        detail = re.search(rb"<ERROR>(.*?)</ERROR>", body, re.DOTALL)
        reason = (
            clean_text(detail.group(1).decode("utf-8", "replace")) if detail else ""
        )
        return fail_all(
            "NCBI did not answer with PubMed records"
            + (f" ({reason})." if reason else ".")
        )
    found: dict[int, list[ParsedItem]] = {}
    events = xmlsafety.iterparse(
        io.BytesIO(body), ("PubmedArticle", "PubmedBookArticle")
    )
    try:
        for _, element in events:
            pmid = clean_text(
                element.findtext("MedlineCitation/PMID")
                or element.findtext("BookDocument/PMID")
            )
            row = rows.get(pmid)
            if row is not None and row not in found:
                if element.tag == "PubmedArticle":
                    found[row] = list(read_article(element, row))
                else:
                    found[row] = [
                        ImportIssue(
                            row,
                            "pmid",
                            f"{pmid} is a PubMed book record; books are not imported.",
                            Severity.WARNING,
                        )
                    ]
            element.clear(keep_tail=False)
    except etree.XMLSyntaxError as error:
        message = f"NCBI's answer was cut short ({error.msg}); look it up again."
        for pmid, row in rows.items():
            found.setdefault(row, [ImportIssue(row, "pmid", f"{pmid}: {message}")])
    return found


def fetch_records(identifiers: Iterable[str]) -> Iterator[ParsedItem]:
    """Records (and issues) for a list of DOIs and PubMed IDs; blank entries
    are passed over, repeated ones looked up once."""
    pace = ncbi_pace()
    first_row: dict[tuple[str, str], int] = {}
    entries = enumerate(identifiers, 1)
    # Input is taken a batch at a time: every PubMed ID of a batch goes in
    # one efetch, and rows are sent on in order once their batch is done.
    while chunk := list(itertools.islice(entries, PUBMED_BATCH)):
        results: dict[int, list[ParsedItem]] = {}
        pmids: dict[str, int] = {}
        for row, text in chunk:
            if not clean_text(text):
                continue
            found = classify(text)
            if isinstance(found, str):
                results[row] = [ImportIssue(row, "identifier", found)]
                continue
            earlier = first_row.setdefault(found, row)
            if earlier != row:
                results[row] = [
                    ImportIssue(
                        row,
                        "identifier",
                        f"Row {row} repeats row {earlier} ({found[1]}); it was "
                        "looked up once.",
                        Severity.WARNING,
                    )
                ]
            elif found[0] == "doi":
                results[row] = crossref_lookup(found[1], row)
            else:
                pmids[found[1]] = row
        if pmids:
            results.update(pubmed_lookup(pmids, pace))
        for row in sorted(results):
            yield from results[row]
