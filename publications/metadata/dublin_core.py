"""Dublin Core in HTML meta tags (DC.*), declared by
<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/"> (DCMI's
"Expressing Dublin Core metadata using HTML/XHTML meta and link elements")."""

from ..citation import source_line
from ..exports.text import one_line
from ..models import Publication
from . import common
from .highwire import language
from .tags import Tag, present

SCHEMA_URL = "http://purl.org/dc/elements/1.1/"


def dublin_core_tags(publication: Publication) -> list[Tag]:
    pairs = [("DC.title", one_line(publication.title))]
    pairs += [("DC.creator", author.inverted) for author in common.authors(publication)]
    # ISO 8601 as precise as known ("2013-06"), as W3CDTF allows.
    pairs.append(("DC.date", publication.partial_date.iso))
    pairs += [
        ("DC.identifier", url)
        for url in (
            common.record_url(publication),
            common.doi_url(publication),
            common.pubmed_url(publication),
        )
    ]
    pairs += [
        ("DC.type", one_line(publication.document_type.name)),
        ("DC.publisher", common.publisher(publication)),
    ]
    pairs += [("DC.subject", one_line(s.name)) for s in publication.subjects.all()]
    pairs += [("DC.subject", one_line(k.term)) for k in publication.keywords.all()]
    pairs += [
        ("DC.description", common.abstract_text(publication)),
        ("DC.source", one_line(source_line(publication))),
        ("DC.language", language(publication)),
    ]
    return present(pairs)
