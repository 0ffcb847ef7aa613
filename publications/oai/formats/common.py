"""What every metadata format says about a record, worked out once.

Pure functions of a HarvestRecord (or its Publication, loaded with
`records.with_metadata`), so formatting a page of records makes no query.
"""

import functools
import html
import re

from django.conf import settings
from django.urls import get_urlconf

from ... import citation
from ...models import Keyword, Publication

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


def plain_text(abstract_html: str) -> str:
    """The sanitised abstract as text: paragraphs on their own lines."""
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", abstract_html)))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def keywords(record) -> list:
    """MeSH headings first, then author keywords, each alphabetical (sorted
    here: database collations disagree about case)."""
    return sorted(
        record.keywords,
        key=lambda k: (k.vocabulary != Keyword.Vocabulary.MESH, k.term.casefold()),
    )


def eu_repo_type(publication: Publication) -> str:
    kind = EU_REPO_TYPES.get(publication.document_type.slug, "other")
    return f"info:eu-repo/semantics/{kind}"


@functools.cache
def _record_url_parts(base_url: str, urlconf: str) -> tuple[str, str]:
    # reverse() once, not once per record: a page of a hundred records would
    # spend more on resolving URLs than on its XML.
    url = citation.permanent_url(Publication(pk=_PLACEHOLDER_ID))
    start, _, end = url.partition(str(_PLACEHOLDER_ID))
    return start, end


_PLACEHOLDER_ID = 987654321


def record_url(publication: Publication) -> str:
    """The record's canonical page, as citation.permanent_url gives it."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    start, end = _record_url_parts(settings.REPOSITORY["BASE_URL"], urlconf)
    return f"{start}{publication.pk}{end}"


def doi_url(publication: Publication) -> str:
    return citation.doi_url(publication.doi) if publication.doi else ""


def pubmed_url(publication: Publication) -> str:
    if not publication.pmid:
        return ""
    return f"https://pubmed.ncbi.nlm.nih.gov/{publication.pmid}/"


def pmc_url(publication: Publication) -> str:
    if not publication.pmcid:
        return ""
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{publication.pmcid}/"


def identifier_urls(publication: Publication) -> list[str]:
    """The record page, then the DOI, PubMed and PMC addresses it has."""
    urls = [
        record_url(publication),
        doi_url(publication),
        pubmed_url(publication),
        pmc_url(publication),
    ]
    return [url for url in urls if url]


def related_urls(record) -> list[str]:
    """The publisher's page (unless it is the DOI's) and the related links."""
    publication = record.publication
    urls = []
    if publication.publisher_url and publication.publisher_url != doi_url(publication):
        urls.append(publication.publisher_url)
    urls.extend(record.related_urls)
    return list(dict.fromkeys(urls))


def source(publication: Publication) -> str:
    return citation.source_line(publication)


def publisher(publication: Publication) -> str:
    return publication.venue.publisher if publication.venue else ""


def rights() -> str:
    """A rights statement a deployment may configure (REPOSITORY["RIGHTS"])."""
    return settings.REPOSITORY.get("RIGHTS", "")
