"""Google Scholar's Highwire Press tags (citation_*), as its inclusion
guidelines ask: in the head, one citation_author per author in order, each
followed by that author's institution and ORCID, and no empty tag.

https://scholar.google.com/intl/en/scholar/inclusion.html#indexing
"""

from ..exports.text import one_line
from ..models import Publication
from . import common
from .tags import Tag, present

# The tag that names the container, by the document type's CSL type; a book
# has none (it is its own title), anything else is read as a journal.
CONTAINER_TAGS = {
    "chapter": "citation_inbook_title",
    "paper-conference": "citation_conference_title",
    "book": "",
}
JOURNAL_TITLE = "citation_journal_title"


def pdf_url(publication: Publication) -> str:
    """The full text's URL once records carry files; until then none, so no
    citation_pdf_url tag (Scholar wants it only where the file exists)."""
    return ""


def language(publication: Publication) -> str:
    """The record's language as an ISO 639-1 code, once records have one."""
    return ""


def highwire_tags(publication: Publication) -> list[Tag]:
    pairs = [("citation_title", one_line(publication.title))]
    for author in common.authors(publication):
        pairs += [
            ("citation_author", author.inverted),
            ("citation_author_institution", author.affiliation),
            ("citation_author_orcid", author.orcid_url),
        ]
    pairs.append(
        ("citation_publication_date", common.slash_date(publication.partial_date))
    )
    if publication.epub_date:
        pairs.append(("citation_online_date", f"{publication.epub_date:%Y/%m/%d}"))

    csl_type = publication.document_type.csl_type
    container_tag = CONTAINER_TAGS.get(csl_type, JOURNAL_TITLE)
    if container_tag:
        pairs.append((container_tag, common.container_title(publication)))
    if container_tag == JOURNAL_TITLE and publication.venue:
        abbreviation = one_line(publication.venue.abbreviation)
        pairs.append(("citation_journal_abbrev", abbreviation))
    pairs += [("citation_issn", issn) for issn in common.issns(publication)]
    pairs.append(("citation_publisher", common.publisher(publication)))

    first_page, last_page = common.page_bounds(publication.pages)
    pairs += [
        ("citation_volume", one_line(publication.volume)),
        ("citation_issue", one_line(publication.issue)),
        ("citation_firstpage", first_page),
        ("citation_lastpage", last_page),
        ("citation_doi", publication.doi or ""),
        ("citation_pmid", publication.pmid or ""),
        ("citation_abstract_html_url", common.record_url(publication)),
        ("citation_pdf_url", pdf_url(publication)),
    ]
    pairs += [
        ("citation_keywords", one_line(keyword.term))
        for keyword in publication.keywords.all()
    ]
    pairs.append(("citation_language", language(publication)))
    return present(pairs)
