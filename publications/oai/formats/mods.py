"""mods: MODS 3.7, the Library of Congress's bibliographic schema."""

import re

from ...models import Keyword
from ..markup import attributes, element, field
from ..records import HarvestRecord, Venue
from . import MetadataFormat, common

MODS_NS = "http://www.loc.gov/mods/v3"
SCHEMA = "http://www.loc.gov/standards/mods/v3/mods-3-7.xsd"
START = (
    f'<mods:mods xmlns:mods="{MODS_NS}" version="3.7" '
    f'xsi:schemaLocation="{MODS_NS} {SCHEMA}">'
)
END = "</mods:mods>"
KEY_DATE_ISSUED = attributes({"encoding": "w3cdtf", "keyDate": "yes"})
ELECTRONIC_DATE = attributes({"encoding": "w3cdtf", "type": "electronic"})
MESH = attributes({"authority": "mesh"})
NAME_PARTS = {
    kind: attributes({"type": kind}) for kind in ("family", "given", "termsOfAddress")
}
ORCID = attributes({"type": "orcid"})
AUTHOR_ROLE = (
    "<mods:role>"
    + element(
        "mods:roleTerm",
        "author",
        attributes({"type": "text", "authority": "marcrelator"}),
    )
    + "</mods:role>"
)
PRIMARY_DISPLAY = attributes({"usage": "primary display"})
ISSN = attributes({"type": "issn"})
IDENTIFIER_TYPES = {
    kind: attributes({"type": kind}) for kind in ("doi", "pmid", "pmc", "uri")
}
USE_AND_REPRODUCTION = attributes({"type": "use and reproduction"})
_PAGE_RANGE = re.compile(r"^\s*(\d+)\s*[-\u2013]\s*(\d+)\s*$")


def page_range(pages: str) -> tuple[str, str] | None:
    """'609-22' -> ('609', '622'): NLM style drops the end page's leading digits."""
    match = _PAGE_RANGE.match(pages)
    if not match:
        return None
    start, end = match.groups()
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return start, end


class Mods(MetadataFormat):
    prefix = "mods"
    schema = SCHEMA
    namespace = MODS_NS

    def metadata(self, record: HarvestRecord) -> str:
        record_url = common.record_url(record)
        parts = [
            START,
            f"<mods:titleInfo>{element('mods:title', record.title)}</mods:titleInfo>",
        ]
        parts += [self._name(person) for person in record.authors]
        parts += [
            "<mods:typeOfResource>text</mods:typeOfResource>",
            field("mods:genre", record.document_type.name),
            "<mods:originInfo>",
            element("mods:dateIssued", record.partial_date.iso, KEY_DATE_ISSUED),
        ]
        if record.epub_date:
            epub_date = record.epub_date.isoformat()
            parts.append(element("mods:dateOther", epub_date, ELECTRONIC_DATE))
        parts += [
            field("mods:publisher", common.publisher(record)),
            "</mods:originInfo>",
            field("mods:abstract", common.plain_text(record.abstract)),
        ]
        for subject in record.subjects:
            topic = element("mods:topic", subject.name)
            parts.append(f"<mods:subject>{topic}</mods:subject>")
        for keyword in common.keywords(record):
            mesh = MESH if keyword.vocabulary == Keyword.Vocabulary.MESH else ""
            topic = element("mods:topic", keyword.term)
            parts.append(f"<mods:subject{mesh}>{topic}</mods:subject>")
        parts.append(self._host(record))
        for kind, value in (
            ("doi", record.doi),
            ("pmid", record.pmid),
            ("pmc", record.pmcid),
            ("uri", record_url),
        ):
            parts.append(field("mods:identifier", value, IDENTIFIER_TYPES[kind]))
        parts += [
            "<mods:location>",
            element("mods:url", record_url, PRIMARY_DISPLAY),
            *(element("mods:url", url) for url in common.related_urls(record)),
            "</mods:location>",
            field("mods:accessCondition", common.rights(), USE_AND_REPRODUCTION),
            END,
        ]
        return "".join(parts)

    def _name(self, person) -> str:
        orcid = ""
        if person.orcid:
            orcid_url = f"https://orcid.org/{person.orcid}"
            orcid = element("mods:nameIdentifier", orcid_url, ORCID)
        return "".join(
            (
                '<mods:name type="personal">',
                field("mods:namePart", person.family_name, NAME_PARTS["family"]),
                field("mods:namePart", person.given_names, NAME_PARTS["given"]),
                field("mods:namePart", person.suffix, NAME_PARTS["termsOfAddress"]),
                orcid,
                AUTHOR_ROLE,
                "</mods:name>",
            )
        )

    def _host(self, record: HarvestRecord) -> str:
        """The journal, book or conference, with volume, issue and pages."""
        venue = record.venue
        details = (("volume", record.volume), ("issue", record.issue))
        if venue is None and not any((record.volume, record.issue, record.pages)):
            return ""
        parts = ['<mods:relatedItem type="host">']
        if venue is not None:
            parts.append(self._venue(venue))
        if any((record.volume, record.issue, record.pages)):
            parts.append("<mods:part>")
            for kind, value in details:
                if value:
                    number = element("mods:number", value)
                    parts.append(f'<mods:detail type="{kind}">{number}</mods:detail>')
            if record.pages:
                parts.append('<mods:extent unit="pages">')
                if pages := page_range(record.pages):
                    parts.append(element("mods:start", pages[0]))
                    parts.append(element("mods:end", pages[1]))
                else:
                    parts.append(element("mods:list", record.pages))
                parts.append("</mods:extent>")
            parts.append("</mods:part>")
        parts.append("</mods:relatedItem>")
        return "".join(parts)

    def _venue(self, venue: Venue) -> str:
        parts = [
            f"<mods:titleInfo>{element('mods:title', venue.title)}</mods:titleInfo>"
        ]
        if venue.abbreviation:
            abbreviation = element("mods:title", venue.abbreviation)
            parts.append(
                f'<mods:titleInfo type="abbreviated">{abbreviation}</mods:titleInfo>'
            )
        for issn in dict.fromkeys(i for i in (venue.issn, venue.eissn) if i):
            parts.append(element("mods:identifier", issn, ISSN))
        return "".join(parts)
