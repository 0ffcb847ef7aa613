"""qdc: qualified Dublin Core (DCMI Metadata Terms).

Wrapped in <qdc:qualifieddc> as DSpace, Omeka and OpenEdition publish it, with
DCMI encoding schemes as xsi:type (dcterms:URI, dcterms:W3CDTF, dcterms:MESH).
"""

from lxml import etree

from ...models import Keyword
from ..markup import XSI_NS, XSI_SCHEMA_LOCATION, add_text
from . import MetadataFormat, common

QDC_NS = "http://epubs.cclrc.ac.uk/xmlns/qdc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
XSI_TYPE = f"{{{XSI_NS}}}type"
URI = {XSI_TYPE: "dcterms:URI"}
W3CDTF = {XSI_TYPE: "dcterms:W3CDTF"}
MESH = {XSI_TYPE: "dcterms:MESH"}


def term(tag: str) -> str:
    return f"{{{DCTERMS_NS}}}{tag}"


class QualifiedDublinCore(MetadataFormat):
    prefix = "qdc"
    schema = "http://epubs.cclrc.ac.uk/xsd/qdc.xsd"
    namespace = QDC_NS

    def metadata(self, record) -> etree._Element:
        publication = record.publication
        root = etree.Element(
            f"{{{QDC_NS}}}qualifieddc",
            nsmap={"qdc": QDC_NS, "dc": DC_NS, "dcterms": DCTERMS_NS, "xsi": XSI_NS},
        )
        root.set(XSI_SCHEMA_LOCATION, f"{QDC_NS} {self.schema}")
        add_text(root, term("title"), publication.title)
        for person in record.authors:
            add_text(root, term("creator"), person.sort_name)
        add_text(root, term("issued"), publication.partial_date.iso, W3CDTF)
        if publication.epub_date:
            add_text(root, term("available"), publication.epub_date.isoformat(), W3CDTF)
        add_text(root, term("abstract"), common.plain_text(publication.abstract))
        for subject in record.subjects:
            add_text(root, term("subject"), subject.name)
        for keyword in common.keywords(record):
            scheme = MESH if keyword.vocabulary == Keyword.Vocabulary.MESH else None
            add_text(root, term("subject"), keyword.term, scheme)
        add_text(root, term("type"), publication.document_type.name)
        add_text(root, term("type"), common.eu_repo_type(publication), URI)
        add_text(root, term("publisher"), common.publisher(publication))
        add_text(root, term("bibliographicCitation"), common.source(publication))
        venue = publication.venue
        if venue is not None:
            add_text(root, term("isPartOf"), venue.title)
            for issn in dict.fromkeys(i for i in (venue.issn, venue.eissn) if i):
                add_text(root, term("isPartOf"), f"urn:ISSN:{issn}", URI)
        for url in common.identifier_urls(publication):
            add_text(root, term("identifier"), url, URI)
        for url in common.related_urls(record):
            add_text(root, term("relation"), url, URI)
        add_text(root, term("rights"), common.rights())
        return root
