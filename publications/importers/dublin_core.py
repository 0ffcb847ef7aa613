"""Dublin Core metadata read into a NormalisedRecord.

Three spellings of Dublin Core reach a harvester, and all are read here:

- `oai_dc`, the unqualified elements every provider offers (dc:title,
  dc:creator, dc:date, dc:identifier, dc:source ...);
- Digital Commons' `dcq`, the same dc: namespace with dotted refinements
  (dc:date.created, dc:description.abstract, dc:thesis.degree.name ...)
  under an oai_dc:dc root that names bepress's schema;
- DCMI terms as qualified-DC formats write them (dcterms:issued,
  dcterms:abstract, dcterms:bibliographicCitation, dcterms:isPartOf ...).

Elements are read by local name whatever their namespace, so the spellings of
one field meet in one table (FIELDS).

Dublin Core cannot tell a discipline from a keyword: every untyped subject
goes to `subjects` for the writer to match against the taxonomy; subjects
typed dcterms:MESH become MeSH keywords.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from lxml import etree

from publications.dates import PartialDate

from .base import (
    DEFAULT_DOCUMENT_TYPE,
    DOCUMENT_TYPES,
    FULL_TEXT_LABEL,
    ImportIssue,
    NormalisedKeyword,
    NormalisedLink,
    NormalisedRecord,
    ParsedItem,
)
from .cleaning import (
    HTML_TAG,
    PUBMED_URL,
    IssueLog,
    abstract_from_text_or_html,
    clean_text,
    normalise_pages,
    plain_text_to_html,
    unique,
    validation_message,
)
from .datetext import parse_date_text, parse_full_date
from .names import split_inverted_name
from .sourceline import read_citation

DC_NAMESPACES = ("http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/")
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

# Local element name (casefolded) -> the field it feeds.
FIELDS = {
    "title": "title",
    "creator": "creator",
    "issued": "issued",
    "date.issued": "issued",
    "created": "created",
    "date.created": "created",  # Digital Commons' publication date
    "date": "date",
    "available": "available",  # dcterms:available: first online
    "abstract": "abstract",
    "description.abstract": "abstract",
    "description": "description",
    "subject": "subject",
    "type": "type",
    "thesis.degree.level": "thesis",
    "thesis.degree.name": "thesis",
    "identifier": "identifier",
    "identifier.uri": "identifier",
    "identifier.doi": "identifier",
    "identifier.pmid": "pmid",
    "bibliographiccitation": "citation",
    "identifier.citation": "citation",
    "source": "citation",
    "ispartof": "part_of",
    "relation.ispartof": "part_of",
    "publisher": "publisher",
    "relation": "relation",
}
# Which date counts as the publication date, most telling first.
DATE_FIELDS = ("issued", "created", "date")

# dc:type values -> document types. Names are compared casefolded with "_"
# and "-" read as spaces; eu-repo (OpenAIRE) types by their last segment.
TYPE_NAMES = {name.casefold(): name for name in DOCUMENT_TYPES} | {
    "journal article": "Article",
    "peer reviewed article": "Article",
    "review article": "Review",
    "case reports": "Case Report",
    "letter to the editor": "Letter",
    "chapter": "Book Chapter",
    "book section": "Book Chapter",
    "bookpart": "Book Chapter",
    "conference": "Conference Proceeding",
    "conference paper": "Conference Proceeding",
    "conference proceedings": "Conference Proceeding",
    "conferenceobject": "Conference Proceeding",
    "conferencepaper": "Conference Proceeding",
    "conferenceproceedings": "Conference Proceeding",
    "conferenceposter": "Poster",
    "technical report": "Report",
    "working paper": "Report",
    "workingpaper": "Report",
    "thesis": "Dissertation",
    "doctoral dissertation": "Dissertation",
    "doctoralthesis": "Dissertation",
    "masters thesis": "Dissertation",
    "masterthesis": "Dissertation",
    "data set": "Dataset",
}
# DCMI Type Vocabulary words and eu-repo version/access terms: true of most
# records, they name no document type.
GENERIC_TYPES = {
    "text",
    "image",
    "still image",
    "stillimage",
    "moving image",
    "movingimage",
    "sound",
    "collection",
    "interactiveresource",
    "software",
    "physicalobject",
    "service",
    "event",
    "other",
    "publishedversion",
    "acceptedversion",
    "submittedversion",
    "updatedversion",
    "draft",
    "openaccess",
}
EU_REPO = "info:eu-repo/semantics/"

DOI_START = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_MARKED = re.compile(r"(?i)^(?:doi:|info:doi/|https?://(?:dx\.)?doi\.org/)")
PMCID = re.compile(r"(?i)(?:^|/)(PMC\d+)/?$")
PMID_TEXT = re.compile(r"(?i)^(?:pmid:?\s*|info:pmid/)(\d+)$")
ISSN_URN = re.compile(r"(?i)^urn:issn:\s*(\S+)$")
FULL_TEXT = re.compile(r"(?i)viewcontent\.cgi|/bitstream/|\.pdf$")
is_web_url = URLValidator(schemes=["http", "https"])


def read_metadata(content: etree._Element, row: int, name: str) -> Iterator[ParsedItem]:
    """The record (or the issue saying why there is none) that a <metadata>
    element's content gives; `name` names the record in messages."""
    values = dublin_core_values(content)
    if values is None:
        yield ImportIssue(
            row,
            "",
            f"{name} is described in <{etree.QName(content).localname}>, not "
            "Dublin Core; skipped. Harvest with the metadata prefix oai_dc (or "
            "dcq from Digital Commons).",
        )
        return
    title = first(values, "title")
    if not title:
        yield ImportIssue(row, "title", f"{name} has no title; skipped.")
        return
    yield from build_record(values, title, IssueLog(row))


def dublin_core_values(content: etree._Element) -> dict | None:
    """{field: [(element name, text), ...]}; None when nothing in `content`
    is Dublin Core. MeSH subjects (xsi:type dcterms:MESH) go to "mesh"."""
    values: dict[str, list[tuple[str, str]]] = defaultdict(list)
    found = False
    for child in content.iterchildren(tag=etree.Element):
        if etree.QName(child).namespace not in DC_NAMESPACES:
            continue
        found = True
        element_name = etree.QName(child).localname
        key = FIELDS.get(element_name.casefold())
        if key is None:
            continue
        raw = "".join(child.itertext())
        if key == "subject" and (child.get(XSI_TYPE) or "").endswith("MESH"):
            key = "mesh"
        # Descriptions keep their line breaks: they separate paragraphs.
        text = raw.strip() if key in ("abstract", "description") else clean_text(raw)
        if text:
            values[key].append((element_name, text))
    return values if found else None


def first(values: dict, key: str) -> str:
    return values[key][0][1] if values[key] else ""


def build_record(values: dict, title: str, log: IssueLog) -> Iterator[ParsedItem]:
    ids = read_identifiers(values, log)
    citation = read_citation(first(values, "citation"))
    part_of_titles = [
        text
        for _, text in values["part_of"]
        if not text.lower().startswith(("urn:", "http:", "https:"))
    ]
    issns = [m.group(1) for _, text in values["part_of"] if (m := ISSN_URN.match(text))]
    doi = ids["doi"] or (
        log.identifier("citation", citation.get("doi"), "doi")
        if citation.get("doi")
        else ""
    )
    abstract_source = values["abstract"] or values["description"]
    notes = (
        "\n".join(text for _, text in values["description"])
        if values["abstract"]
        else ""
    )
    authors = tuple(
        author
        for _, text in values["creator"]
        if (author := split_inverted_name(text)) is not None
    )
    # Built first: building it may log issues, which go before it.
    record = NormalisedRecord(
        source_row=log.row,
        title=title,
        abstract=abstract_html(abstract_source[0][1]) if abstract_source else "",
        publication_date=read_date(values, citation, log),
        epub_date=read_epub_date(values, log),
        document_type=read_type(values, log),
        venue_title=next(iter(part_of_titles), "") or citation.get("journal", ""),
        issn=log.issn("isPartOf", issns[0]) if issns else "",
        publisher=first(values, "publisher"),
        volume=citation.get("volume", ""),
        issue=citation.get("issue", ""),
        pages=normalise_pages(citation.get("pages", "")),
        source_citation=citation.get("text", ""),
        doi=doi,
        pmid=ids["pmid"],
        pmcid=ids["pmcid"],
        authors=authors,
        keywords=tuple(
            NormalisedKeyword(term=term, vocabulary="mesh")
            for term in unique(text for _, text in values["mesh"])
        ),
        subjects=tuple(unique(text for _, text in values["subject"])),
        related_links=ids["links"],
        notes=notes,
    )
    yield from log.issues
    yield record


def abstract_html(text: str) -> str:
    """HTML (Digital Commons abstracts often are) is sanitised; plain text
    is escaped, one paragraph per line as Dublin Core providers write them."""
    if HTML_TAG.search(text):
        return abstract_from_text_or_html(clean_text(text))
    return plain_text_to_html("\n\n".join(text.splitlines()))


def read_identifiers(values: dict, log: IssueLog) -> dict:
    """DOI, PubMed ID and PMCID from identifiers and their URLs; the other
    web addresses as related links, the first being the record's page at
    the source."""
    found = {"doi": "", "pmid": "", "pmcid": ""}
    urls: list[tuple[str, str]] = []  # (url, label)
    for element_name, text in values["identifier"] + values["pmid"]:
        kind, value = classify_identifier(text)
        if element_name.casefold() == "identifier.pmid" and text.isdigit():
            kind, value = "pmid", text
        if kind in found:
            if not found[kind]:
                found[kind] = log.identifier(element_name, value, kind)
        elif kind == "url":
            if FULL_TEXT.search(value):
                label = FULL_TEXT_LABEL
            elif not urls:
                label = f"Record at {urlsplit(value).netloc}"
            else:
                label = f"Link at {urlsplit(value).netloc}"
            urls.append((value, label))
    for _, text in values["relation"]:
        kind, value = classify_identifier(text)
        if kind == "url":
            urls.append((value, "Related resource"))
    links = []
    for url, label in unique_urls(urls):
        links.append(NormalisedLink(label=label, url=url))
    found["links"] = tuple(links)
    return found


def unique_urls(urls: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen, kept = set(), []
    for url, label in urls:
        if url not in seen:
            seen.add(url)
            kept.append((url, label))
    return kept


def classify_identifier(text: str) -> tuple[str, str]:
    """('doi' | 'pmid' | 'pmcid' | 'url' | '', value) for one dc:identifier."""
    value = clean_text(text)
    if DOI_MARKED.match(value) or DOI_START.match(value):
        # A value that says it is a DOI is one, or an error if malformed.
        return "doi", re.sub(r"(?i)^info:doi/", "", value)
    if match := PUBMED_URL.search(value):
        return "pmid", match.group(1) or match.group(2)
    if match := PMID_TEXT.match(value):
        return "pmid", match.group(1)
    if (match := PMCID.search(value)) and (
        "ncbi.nlm.nih.gov" in value.lower() or value.upper().startswith("PMC")
    ):
        return "pmcid", match.group(1)
    try:
        is_web_url(value)
    except ValidationError:
        return "", value
    return "url", value


def read_date(values: dict, citation: dict, log: IssueLog) -> PartialDate | None:
    """The first of issued / created / date that reads as a date. Of several
    dc:date values (DSpace adds the dates of deposit) the earliest is taken:
    a work is published before it is deposited."""
    failures = []
    for key in DATE_FIELDS:
        dates = []
        for name, text in values[key]:
            try:
                dates.append(parse_date_text(text))
            except ValidationError as error:
                failures.append((name, validation_message(error)))
        if dates:
            return with_cited_precision(min(dates, key=lambda d: d.sort_key), citation)
    if citation.get("date"):
        try:
            return parse_date_text(citation["date"])
        except ValidationError as error:
            failures.append(("source", validation_message(error)))
    if failures:
        log.error(*failures[0])
    else:
        log.error("date", "The record has no publication date.")
    return None


def with_cited_precision(date: PartialDate, citation: dict) -> PartialDate:
    """Digital Commons stores "June 2013" as 2013-06-01 (and "2013" as
    2013-01-01); where the citation prints that date with less precision,
    the citation's precision is the one meant."""
    if date.day != 1 or not citation.get("date"):
        return date
    try:
        cited = parse_date_text(citation["date"])
    except ValidationError:
        return date
    if cited.year != date.year or cited.day is not None:
        return date
    if cited.month is None:
        return cited if date.month == 1 else date
    return cited if cited.month == date.month else date


def read_epub_date(values: dict, log: IssueLog) -> datetime.date | None:
    for name, text in values["available"]:
        try:
            return parse_full_date(text)
        except ValidationError as error:
            log.error(name, validation_message(error))
    return None


def type_key(text: str) -> str:
    text = text.strip()
    if text.startswith(EU_REPO):
        text = text.removeprefix(EU_REPO)
    return re.sub(r"[\s_-]+", " ", text).strip().casefold()


def read_type(values: dict, log: IssueLog) -> str:
    """The first dc:type naming a document type; theses from Digital Commons'
    thesis.degree elements; Article, with a warning, when nothing fits."""
    given = [text for _, text in values["type"]]
    specific = [text for text in given if type_key(text) not in GENERIC_TYPES]
    for text in specific:
        if name := TYPE_NAMES.get(type_key(text)):
            return name
    if values["thesis"]:
        return "Dissertation"
    if specific:
        log.warning(
            "type",
            f"The type “{specific[0]}” is not a document type here; the record "
            f"was read as {DEFAULT_DOCUMENT_TYPE}.",
        )
    else:
        shown = f" (only “{given[0]}”)" if given else ""
        log.warning(
            "type",
            f"The record names no document type{shown}; it was read as "
            f"{DEFAULT_DOCUMENT_TYPE}.",
        )
    return DEFAULT_DOCUMENT_TYPE
