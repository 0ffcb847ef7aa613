"""oai_dc: unqualified Dublin Core, which every OAI-PMH provider must offer."""

from lxml import etree

from ..markup import XSI_NS, XSI_SCHEMA_LOCATION, add_text
from . import MetadataFormat, common

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"


def dc(tag: str) -> str:
    return f"{{{DC_NS}}}{tag}"


class OaiDublinCore(MetadataFormat):
    prefix = "oai_dc"
    schema = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
    namespace = OAI_DC_NS

    def metadata(self, record) -> etree._Element:
        publication = record.publication
        root = etree.Element(
            f"{{{OAI_DC_NS}}}dc",
            nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS},
        )
        root.set(XSI_SCHEMA_LOCATION, f"{OAI_DC_NS} {self.schema}")
        add_text(root, dc("title"), publication.title)
        for person in record.authors:
            add_text(root, dc("creator"), person.sort_name)
        for subject in record.subjects:
            add_text(root, dc("subject"), subject.name)
        for keyword in common.keywords(record):
            add_text(root, dc("subject"), keyword.term)
        add_text(root, dc("description"), common.plain_text(publication.abstract))
        add_text(root, dc("publisher"), common.publisher(publication))
        add_text(root, dc("date"), publication.partial_date.iso)
        add_text(root, dc("type"), publication.document_type.name)
        add_text(root, dc("type"), common.eu_repo_type(publication))
        for url in common.identifier_urls(publication):
            add_text(root, dc("identifier"), url)
        add_text(root, dc("source"), common.source(publication))
        for url in common.related_urls(record):
            add_text(root, dc("relation"), url)
        add_text(root, dc("rights"), common.rights())
        return root
