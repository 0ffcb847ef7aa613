"""schema.org JSON-LD for the record page: the record as its DocumentType's
schema.org type (ScholarlyArticle, Chapter, Book...) with its authors, the
issue, volume and periodical it is part of, identifiers and subjects.

https://schema.org/ScholarlyArticle, https://schema.org/PublicationIssue
"""

import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from ..exports.text import one_line
from ..models import Publication
from . import common

CONTEXT = "https://schema.org"

# JSON inside <script> must not close the element ("</script>") or open a
# comment ("<!--"); escaping <, > and & as JSON \u escapes keeps the data
# identical for any JSON parser (as Django's json_script does).
SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def _compact(value: Any) -> Any:
    """Drop empty strings, lists and dicts, so no property is empty."""
    if isinstance(value, dict):
        items = {key: _compact(item) for key, item in value.items()}
        return {key: item for key, item in items.items() if item not in ("", [], {})}
    if isinstance(value, list):
        items = [_compact(item) for item in value]
        return [item for item in items if item not in ("", [], {})]
    return value


def person(author: common.Author) -> dict:
    orcid = author.orcid_url
    return {
        "@type": "Person",
        "name": author.display,
        "givenName": author.given,
        "familyName": author.family,
        "honorificSuffix": author.suffix,
        "sameAs": orcid,
        "identifier": (
            {
                "@type": "PropertyValue",
                "propertyID": "ORCID",
                "value": orcid.removeprefix("https://orcid.org/"),
                "url": orcid,
            }
            if orcid
            else {}
        ),
        "affiliation": (
            {"@type": "Organization", "name": author.affiliation}
            if author.affiliation
            else {}
        ),
    }


def container(publication: Publication) -> dict:
    """The periodical chain an article is part of, innermost first:
    PublicationIssue -> PublicationVolume -> Periodical; a chapter is part of
    a Book; a book is part of nothing."""
    venue = publication.venue
    csl_type = publication.document_type.csl_type
    if venue is None or csl_type == "book":
        return {}
    if csl_type == "chapter":
        return {"@type": "Book", "name": one_line(venue.title)}
    part: dict = {
        "@type": "Periodical",
        "name": one_line(venue.title),
        "alternateName": one_line(venue.abbreviation),
        "issn": common.issns(publication),
        "publisher": _organization(common.publisher(publication)),
    }
    if publication.volume:
        part = {
            "@type": "PublicationVolume",
            "volumeNumber": one_line(publication.volume),
            "isPartOf": part,
        }
    if publication.issue:
        part = {
            "@type": "PublicationIssue",
            "issueNumber": one_line(publication.issue),
            "isPartOf": part,
        }
    return part


def _organization(name: str) -> dict:
    return {"@type": "Organization", "name": name} if name else {}


def identifiers(publication: Publication) -> list[dict]:
    found = []
    if publication.doi:
        found.append(
            {
                "@type": "PropertyValue",
                "propertyID": "DOI",
                "value": publication.doi,
                "url": common.doi_url(publication),
            }
        )
    if publication.pmid:
        found.append(
            {
                "@type": "PropertyValue",
                "propertyID": "PMID",
                "value": publication.pmid,
                "url": common.pubmed_url(publication),
            }
        )
    return found


def record_jsonld(publication: Publication) -> dict:
    """The record as a schema.org object, without empty properties."""
    url = common.record_url(publication)
    first_page, last_page = common.page_bounds(publication.pages)
    if publication.document_type.csl_type == "book":
        # A book's pages field is its extent, not a place in a container.
        first_page = last_page = ""
    pagination = f"{first_page}-{last_page}" if last_page else first_page
    data = {
        "@context": CONTEXT,
        "@type": publication.document_type.schema_type,
        "@id": url,
        "url": url,
        "name": one_line(publication.title),
        "author": [person(author) for author in common.authors(publication)],
        "datePublished": publication.partial_date.iso,
        "isPartOf": container(publication),
        "pagination": pagination,
        "pageStart": first_page,
        "pageEnd": last_page,
        "identifier": identifiers(publication),
        "sameAs": [common.doi_url(publication), common.pubmed_url(publication)],
        "about": [
            {"@type": "Thing", "name": one_line(subject.name)}
            for subject in publication.subjects.all()
        ],
        "keywords": [one_line(k.term) for k in publication.keywords.all()],
        "abstract": common.abstract_text(publication),
        "publisher": _organization(common.publisher(publication)),
    }
    return _compact(data)


def script_json(data: dict) -> SafeString:
    """`data` as JSON safe to place inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(SCRIPT_ESCAPES))  # noqa: S308 - escaped above
