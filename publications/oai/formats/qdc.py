"""qdc: qualified Dublin Core (DCMI Metadata Terms).

Wrapped in <qdc:qualifieddc> as DSpace, Omeka and OpenEdition publish it, with
DCMI encoding schemes as xsi:type (dcterms:URI, dcterms:W3CDTF, dcterms:MESH).
"""

from ...models import Keyword
from ..markup import attributes, field
from ..records import HarvestRecord
from . import MetadataFormat, common

QDC_NS = "http://epubs.cclrc.ac.uk/xmlns/qdc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
SCHEMA = "http://epubs.cclrc.ac.uk/xsd/qdc.xsd"
START = (
    f'<qdc:qualifieddc xmlns:qdc="{QDC_NS}" xmlns:dc="{DC_NS}" '
    f'xmlns:dcterms="{DCTERMS_NS}" xsi:schemaLocation="{QDC_NS} {SCHEMA}">'
)
END = "</qdc:qualifieddc>"
URI = attributes({"xsi:type": "dcterms:URI"})
W3CDTF = attributes({"xsi:type": "dcterms:W3CDTF"})
MESH = attributes({"xsi:type": "dcterms:MESH"})


class QualifiedDublinCore(MetadataFormat):
    prefix = "qdc"
    schema = SCHEMA
    namespace = QDC_NS

    def metadata(self, record: HarvestRecord) -> str:
        parts = [START, field("dcterms:title", record.title)]
        parts += [field("dcterms:creator", p.sort_name) for p in record.authors]
        parts.append(field("dcterms:issued", record.partial_date.iso, W3CDTF))
        if record.epub_date:
            epub_date = record.epub_date.isoformat()
            parts.append(field("dcterms:available", epub_date, W3CDTF))
        parts.append(field("dcterms:abstract", common.plain_text(record.abstract)))
        parts += [field("dcterms:subject", s.name) for s in record.subjects]
        for keyword in common.keywords(record):
            scheme = MESH if keyword.vocabulary == Keyword.Vocabulary.MESH else ""
            parts.append(field("dcterms:subject", keyword.term, scheme))
        parts += [
            field("dcterms:type", record.document_type.name),
            field("dcterms:type", common.eu_repo_type(record), URI),
            field("dcterms:publisher", common.publisher(record)),
            field("dcterms:bibliographicCitation", common.source(record)),
        ]
        venue = record.venue
        if venue is not None:
            parts.append(field("dcterms:isPartOf", venue.title))
            for issn in dict.fromkeys(i for i in (venue.issn, venue.eissn) if i):
                parts.append(field("dcterms:isPartOf", f"urn:ISSN:{issn}", URI))
        for url in common.identifier_urls(record):
            parts.append(field("dcterms:identifier", url, URI))
        for url in common.related_urls(record):
            parts.append(field("dcterms:relation", url, URI))
        parts += [field("dcterms:rights", common.rights()), END]
        return "".join(parts)
