"""oai_dc: unqualified Dublin Core, which every OAI-PMH provider must offer."""

from ..markup import field
from ..records import HarvestRecord
from . import MetadataFormat, common

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
START = (
    f'<oai_dc:dc xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" '
    f'xsi:schemaLocation="{OAI_DC_NS} {SCHEMA}">'
)
END = "</oai_dc:dc>"


class OaiDublinCore(MetadataFormat):
    prefix = "oai_dc"
    schema = SCHEMA
    namespace = OAI_DC_NS

    def metadata(self, record: HarvestRecord) -> str:
        parts = [START, field("dc:title", record.title)]
        parts += [field("dc:creator", person.sort_name) for person in record.authors]
        parts += [field("dc:subject", subject.name) for subject in record.subjects]
        parts += [field("dc:subject", k.term) for k in common.keywords(record)]
        parts += [
            field("dc:description", common.plain_text(record.abstract)),
            field("dc:publisher", common.publisher(record)),
            field("dc:date", record.partial_date.iso),
            field("dc:type", record.document_type.name),
            field("dc:type", common.eu_repo_type(record)),
        ]
        parts += [field("dc:identifier", url) for url in common.identifier_urls(record)]
        parts.append(field("dc:source", common.source(record)))
        parts += [field("dc:relation", url) for url in common.related_urls(record)]
        parts += [field("dc:rights", common.rights()), END]
        return "".join(parts)
