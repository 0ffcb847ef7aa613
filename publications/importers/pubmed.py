"""PubMed XML (`<PubmedArticleSet>`, as PubMed's "Save > XML" and E-utilities
efetch write it), read as a stream.

Each `<PubmedArticle>` is turned into a record when its end tag is read and
then cleared, with the elements before it, so memory stays flat however big
the file. Hostile XML (entity declarations) is refused by `xmlsafety` first.
"""

import datetime
import html
import re
from collections.abc import Iterator
from typing import BinaryIO

from django.core.exceptions import ValidationError
from lxml import etree

from publications import citation
from publications.dates import MONTH_NUMBERS, PartialDate

from . import xmlsafety
from .base import (
    ImportIssue,
    NormalisedAuthor,
    NormalisedKeyword,
    NormalisedRecord,
    ParsedItem,
    Parser,
    Severity,
)
from .cleaning import (
    IssueLog,
    clean_text,
    labelled_paragraph,
    normalise_pages,
    strip_final_period,
    unique,
    validation_message,
)
from .datetext import parse_date_text

ROOT = "PubmedArticleSet"
ARTICLE = "PubmedArticle"
SKIPPED = ("PubmedBookArticle", "DeleteCitation")
INLINE_TAGS = {"i": "i", "b": "b", "sup": "sup", "sub": "sub", "u": "i"}
PMC_VERSION = re.compile(r"\.\d+$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# PublicationType -> document type, most specific first.
PUBLICATION_TYPES = (
    ("Editorial", "Editorial"),
    ("Letter", "Letter"),
    ("Case Reports", "Case Report"),
    ("Review", "Review"),
    ("Systematic Review", "Review"),
    ("Preprint", "Preprint"),
)


def text_of(element: etree._Element | None) -> str:
    """All text inside an element, markup dropped, whitespace collapsed."""
    if element is None:
        return ""
    if not len(element):  # no child elements: most are plain text
        return clean_text(element.text)
    return clean_text("".join(element.itertext()))


def inline_html(element: etree._Element) -> str:
    """An element's content as escaped text keeping i/b/sup/sub; other markup
    (MathML, unknown tags) keeps only its text."""
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str):
            inner = inline_html(child)
            tag = INLINE_TAGS.get(etree.QName(child).localname)
            parts.append(f"<{tag}>{inner}</{tag}>" if tag else inner)
        parts.append(html.escape(child.tail or "", quote=False))
    return clean_text("".join(parts))


class PubMedParser(Parser):
    name = "pubmed"
    label = "PubMed XML"
    extensions = (".xml",)

    def sniff(self, head: bytes) -> bool:
        return f"<{ROOT}".encode() in head

    def read(self, stream: BinaryIO) -> Iterator[ParsedItem]:
        try:
            prolog = xmlsafety.scan_prolog(stream)
        except xmlsafety.UnsafeXMLError as error:
            yield ImportIssue(None, "", str(error))
            return
        if not prolog.head.strip():
            yield ImportIssue(None, "", "The file is empty.")
            return
        if prolog.root is not None and prolog.root != ROOT:
            yield ImportIssue(
                None,
                "",
                f"This XML file is not a PubMed export: its root element is "
                f"<{prolog.root}>, not <{ROOT}>.",
            )
            return
        yield from self._articles(xmlsafety.PrefixedStream(prolog.head, stream))

    def _articles(self, stream) -> Iterator[ParsedItem]:
        events = xmlsafety.iterparse(stream, (ARTICLE, *SKIPPED))
        row = 0
        try:
            for _, element in events:
                if element.tag == ARTICLE:
                    row += 1
                    yield from read_article(element, row)
                elif element.tag == "PubmedBookArticle":
                    row += 1
                    yield ImportIssue(
                        row,
                        "",
                        "PubMed book records are not imported; this one was skipped.",
                        Severity.WARNING,
                    )
                # DeleteCitation lists PMIDs to delete; an import never deletes.
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
        except etree.XMLSyntaxError as error:
            yield ImportIssue(
                row + 1 if row else None,
                "",
                f"The XML is not well-formed (line {error.lineno}): {error.msg}. "
                "The file may be cut short or damaged; records before this point "
                "were read.",
            )
            return
        if row == 0:
            yield ImportIssue(None, "", "The file holds no <PubmedArticle> records.")


def read_article(element: etree._Element, row: int) -> Iterator[ParsedItem]:
    log = IssueLog(row)
    citation_el = element.find("MedlineCitation")
    article = citation_el.find("Article") if citation_el is not None else None
    if article is None:
        yield ImportIssue(row, "", "The record has no <Article> element; skipped.")
        return
    title = strip_final_period(
        text_of(article.find("ArticleTitle"))
        or text_of(article.find("VernacularTitle"))
    )
    if not title:
        yield ImportIssue(row, "ArticleTitle", "The record has no title; skipped.")
        return

    journal = article.find("Journal")
    issue_el = journal.find("JournalIssue") if journal is not None else None
    pub_date_el = issue_el.find("PubDate") if issue_el is not None else None
    known_issues = len(log.issues)
    pub_date, date_text = read_pub_date(pub_date_el, log)
    date_unreadable = len(log.issues) > known_issues
    epub_date = read_epub_date(article, log)
    if pub_date is None and epub_date is not None:
        pub_date = PartialDate(epub_date.year, epub_date.month, epub_date.day)
    if pub_date is None and not date_unreadable:
        log.error("PubDate", "The record has no publication date.")

    ids = article_ids(element)
    doi_as_printed = ids.get("doi") or eloc_text(article, "doi")
    doi = log.identifier("doi", doi_as_printed, "doi")
    pmid = log.identifier("PMID", text_of(citation_el.find("PMID")), "pmid")
    # "PMC3706072.1" names version 1 of PMC3706072.
    pmcid = log.identifier("pmc", PMC_VERSION.sub("", ids.get("pmc", "")), "pmcid")
    volume = text_of(issue_el.find("Volume")) if issue_el is not None else ""
    issue = text_of(issue_el.find("Issue")) if issue_el is not None else ""
    # Online-only journals give an article number instead of pages.
    pages = normalise_pages(
        text_of(article.find("Pagination/MedlinePgn")) or eloc_text(article, "pii")
    )
    abbreviation = (
        text_of(journal.find("ISOAbbreviation")) if journal is not None else ""
    )
    medline_ta = text_of(citation_el.find("MedlineJournalInfo/MedlineTA"))
    issns = {
        (el.get("IssnType") or "Print"): text_of(el)
        for el in (journal.findall("ISSN") if journal is not None else [])
    }

    authors = tuple(read_authors(article, log))
    # Built first: building it may log issues, which go before it.
    record = NormalisedRecord(
        source_row=row,
        title=title,
        abstract=read_abstract(article.find("Abstract")),
        publication_date=pub_date,
        epub_date=epub_date,
        document_type=document_type(article),
        venue_title=text_of(journal.find("Title")) if journal is not None else "",
        venue_abbreviation=abbreviation or medline_ta,
        issn=log.issn("ISSN", issns.get("Print")),
        eissn=log.issn("ISSN", issns.get("Electronic")),
        volume=volume,
        issue=issue,
        pages=pages,
        # PubMed prints the MedlineTA abbreviation (no periods) in this line.
        source_citation=citation.nlm_source(
            journal=medline_ta or abbreviation,
            date_text=date_text,
            volume=volume,
            issue=issue,
            pages=pages,
            doi=doi_as_printed if doi else "",
            epub_date=epub_date,
        ),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        authors=authors,
        keywords=tuple(read_keywords(citation_el)),
    )
    yield from log.issues
    yield record


def read_pub_date(
    element: etree._Element | None, log: IssueLog
) -> tuple[PartialDate | None, str]:
    """The print date and its text as printed ("2013 Jun", "1998 Dec-1999 Jan")."""
    if element is None:
        return None, ""
    medline_date = text_of(element.find("MedlineDate"))
    year = text_of(element.find("Year"))
    month = text_of(element.find("Month"))
    day = text_of(element.find("Day"))
    season = text_of(element.find("Season"))
    if medline_date and not year:
        try:
            return parse_date_text(medline_date), medline_date
        except ValidationError as error:
            log.error("MedlineDate", validation_message(error))
            return None, medline_date
    if not year:
        return None, ""
    if not (year.isascii() and year.isdecimal()):
        log.error("PubDate", f"“{year}” is not a year.")
        return None, ""
    month_number = int(month) if month.isdecimal() else MONTH_NUMBERS.get(month.lower())
    try:
        date = PartialDate(
            int(year), month_number, int(day) if day.isdecimal() and month else None
        )
    except (ValueError, ValidationError) as error:
        message = (
            validation_message(error)
            if isinstance(error, ValidationError)
            else f"“{year} {month} {day}” is not a date."
        )
        log.error("PubDate", message)
        return None, ""
    text = str(date) if month_number else " ".join(filter(None, (year, season)))
    return date, text


def read_epub_date(article: etree._Element, log: IssueLog) -> datetime.date | None:
    element = article.find("ArticleDate[@DateType='Electronic']")
    if element is None:
        return None
    parts = [text_of(element.find(name)) for name in ("Year", "Month", "Day")]
    try:
        return datetime.date(*(int(part) for part in parts))
    except (TypeError, ValueError):
        log.error("ArticleDate", f"“{'-'.join(parts)}” is not a date.")
        return None


def article_ids(element: etree._Element) -> dict[str, str]:
    """This article's own ids (not those of its references)."""
    ids: dict[str, str] = {}
    for item in element.iterfind("PubmedData/ArticleIdList/ArticleId"):
        ids.setdefault(item.get("IdType", ""), text_of(item))
    return ids


def eloc_text(article: etree._Element, kind: str) -> str:
    for item in article.iterfind(f"ELocationID[@EIdType='{kind}']"):
        if item.get("ValidYN", "Y") == "Y":
            return text_of(item)
    return ""


def read_abstract(element: etree._Element | None) -> str:
    """One paragraph as text; several, or labelled sections, as <p> paragraphs
    ("<p><b>METHODS:</b> ...</p>")."""
    if element is None:
        return ""
    sections = [
        (text.get("Label", ""), inline_html(text))
        for text in element.iterfind("AbstractText")
    ]
    sections = [(label, body) for label, body in sections if body or label]
    if len(sections) == 1 and not sections[0][0]:
        return sections[0][1]
    return "".join(labelled_paragraph(label, body) for label, body in sections)


def document_type(article: etree._Element) -> str:
    types = {text_of(el) for el in article.iterfind("PublicationTypeList/*")}
    for publication_type, name in PUBLICATION_TYPES:
        if publication_type in types:
            return name
    return "Article"


def read_authors(article: etree._Element, log: IssueLog) -> Iterator[NormalisedAuthor]:
    for position, author in enumerate(article.iterfind("AuthorList/Author"), 1):
        if author.get("ValidYN", "Y") != "Y":
            continue
        # Each name part once, by tag: one pass over the author's children
        # instead of a search per part.
        parts: dict[str, etree._Element] = {}
        for child in author:
            parts.setdefault(child.tag, child)
        affiliations = unique(
            text_of(el) for el in author.iterfind("AffiliationInfo/Affiliation")
        )
        # Before 2014 PubMed gave one affiliation, for the first author.
        if not affiliations and position == 1:
            affiliations = unique([text_of(article.find("Affiliation"))])
        email = next(
            (m.group(0).rstrip(".") for a in affiliations if (m := EMAIL.search(a))),
            "",
        )
        orcid = next(
            (
                text_of(el)
                for el in author.iterfind("Identifier")
                if (el.get("Source") or "").upper() == "ORCID"
            ),
            "",
        )
        collective = text_of(parts.get("CollectiveName"))
        family = text_of(parts.get("LastName"))
        if not (collective or family):
            log.error(f"Author {position}", "The author has no name; left out.")
            continue
        yield NormalisedAuthor(
            family_name=collective or family,
            given_names=""
            if collective
            else text_of(parts.get("ForeName")) or text_of(parts.get("Initials")),
            suffix=text_of(parts.get("Suffix")),
            orcid=log.identifier(f"Author {position} ORCID", orcid, "orcid"),
            affiliations=tuple(affiliations),
            is_corporate=bool(collective),
            email=email,
        )


def read_keywords(citation_el: etree._Element) -> Iterator[NormalisedKeyword]:
    for heading in citation_el.iterfind("MeshHeadingList/MeshHeading/DescriptorName"):
        term = text_of(heading)
        if term:
            yield NormalisedKeyword(
                term=term, vocabulary="mesh", identifier=heading.get("UI", "")
            )
    terms = unique(text_of(el) for el in citation_el.iterfind("KeywordList/Keyword"))
    for term in terms:
        yield NormalisedKeyword(term=term, vocabulary="author")
