"""What every metadata format says about a record, worked out once.

Pure functions of a HarvestRecord read with metadata, so formatting a page of
records makes no query.
"""

import functools
import html
import re

from django.conf import settings
from django.urls import get_urlconf

from ... import citation
from ...models import Keyword, Publication
from ..records import HarvestRecord, Term

# DRIVER / OpenAIRE publication types ("info:eu-repo/semantics/article") for
# the document types the collection starts with; others are "other".
EU_REPO_TYPES = {
    "article": "article",
    "review": "review",
    "editorial": "contributionToPeriodical",
    "letter": "contributionToPeriodical",
    "case-report": "article",
    "book": "book",
    "book-chapter": "bookPart",
    "conference-proceeding": "conferenceObject",
    "poster": "conferenceObject",
    "preprint": "preprint",
    "report": "report",
    "dissertation": "doctoralThesis",
}

_BREAK = re.compile(r"(?i)</p\s*>|<br\s*/?>")
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_SPACE_RUNS = ("  ", "\t", "\r", "\f", "\v")


def _one_line(line: str) -> str:
    """Blanks collapsed to one space, trimmed. Most lines have nothing to
    collapse, and looking for that is far cheaper than the substitution."""
    if any(run in line for run in _SPACE_RUNS):
        line = _SPACES.sub(" ", line)
    return line.strip()


def plain_text(abstract_html: str) -> str:
    """The sanitised abstract as text: paragraphs on their own lines."""
    text = abstract_html
    if "<" in text:
        text = _TAG.sub("", _BREAK.sub("\n", text))
    text = html.unescape(text)
    lines = (_one_line(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def keywords(record: HarvestRecord) -> list[Term]:
    """MeSH headings first, then author keywords, each alphabetical (sorted
    here: database collations disagree about case)."""
    return sorted(
        record.keywords,
        key=lambda k: (k.vocabulary != Keyword.Vocabulary.MESH, k.term.casefold()),
    )


def eu_repo_type(record: HarvestRecord) -> str:
    kind = EU_REPO_TYPES.get(record.document_type.slug, "other")
    return f"info:eu-repo/semantics/{kind}"


@functools.cache
def _record_url_parts(base_url: str, urlconf: str) -> tuple[str, str]:
    # reverse() once, not once per record: a page of a hundred records would
    # spend more on resolving URLs than on its XML.
    url = citation.permanent_url(Publication(pk=_PLACEHOLDER_ID))
    start, _, end = url.partition(str(_PLACEHOLDER_ID))
    return start, end


_PLACEHOLDER_ID = 987654321


def record_url(record: HarvestRecord) -> str:
    """The record's canonical page, as citation.permanent_url gives it."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    start, end = _record_url_parts(settings.REPOSITORY["BASE_URL"], urlconf)
    return f"{start}{record.id}{end}"


def doi_url(record: HarvestRecord) -> str:
    return citation.doi_url(record.doi) if record.doi else ""


def pubmed_url(record: HarvestRecord) -> str:
    if not record.pmid:
        return ""
    return f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/"


def pmc_url(record: HarvestRecord) -> str:
    if not record.pmcid:
        return ""
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{record.pmcid}/"


def identifier_urls(record: HarvestRecord) -> list[str]:
    """The record page, then the DOI, PubMed and PMC addresses it has."""
    urls = [record_url(record), doi_url(record), pubmed_url(record), pmc_url(record)]
    return [url for url in urls if url]


def related_urls(record: HarvestRecord) -> list[str]:
    """The publisher's page (unless it is the DOI's) and the related links."""
    urls = []
    if record.publisher_url and record.publisher_url != doi_url(record):
        urls.append(record.publisher_url)
    urls.extend(record.related_urls)
    return list(dict.fromkeys(urls))


def source(record: HarvestRecord) -> str:
    # A HarvestRecord has the fields source_line reads, named as on Publication.
    return citation.source_line(record)


def publisher(record: HarvestRecord) -> str:
    return record.venue.publisher if record.venue else ""


def rights() -> str:
    """A rights statement a deployment may configure (REPOSITORY["RIGHTS"])."""
    return settings.REPOSITORY.get("RIGHTS", "")
