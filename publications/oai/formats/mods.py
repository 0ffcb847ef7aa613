"""mods: MODS 3.7, the Library of Congress's bibliographic schema."""

import re

from lxml import etree

from ...models import Keyword, Publication
from ..markup import XSI_NS, XSI_SCHEMA_LOCATION, add, add_text
from . import MetadataFormat, common

MODS_NS = "http://www.loc.gov/mods/v3"
W3CDTF = {"encoding": "w3cdtf"}
_PAGE_RANGE = re.compile(r"^\s*(\d+)\s*[-\u2013]\s*(\d+)\s*$")


def m(tag: str) -> str:
    return f"{{{MODS_NS}}}{tag}"


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
    schema = "http://www.loc.gov/standards/mods/v3/mods-3-7.xsd"
    namespace = MODS_NS

    def metadata(self, record) -> etree._Element:
        publication = record.publication
        root = etree.Element(m("mods"), nsmap={"mods": MODS_NS, "xsi": XSI_NS})
        root.set("version", "3.7")
        root.set(XSI_SCHEMA_LOCATION, f"{MODS_NS} {self.schema}")
        title_info = add(root, m("titleInfo"))
        add(title_info, m("title"), publication.title)
        self._names(root, record.authors)
        add(root, m("typeOfResource"), "text")
        add_text(root, m("genre"), publication.document_type.name)
        origin = add(root, m("originInfo"))
        add(
            origin,
            m("dateIssued"),
            publication.partial_date.iso,
            {**W3CDTF, "keyDate": "yes"},
        )
        if publication.epub_date:
            add(
                origin,
                m("dateOther"),
                publication.epub_date.isoformat(),
                {**W3CDTF, "type": "electronic"},
            )
        add_text(origin, m("publisher"), common.publisher(publication))
        add_text(root, m("abstract"), common.plain_text(publication.abstract))
        for subject in record.subjects:
            add(add(root, m("subject")), m("topic"), subject.name)
        for keyword in common.keywords(record):
            attrib = {}
            if keyword.vocabulary == Keyword.Vocabulary.MESH:
                attrib["authority"] = "mesh"
            add(add(root, m("subject"), attrib=attrib), m("topic"), keyword.term)
        self._host(root, publication)
        for kind, value in (
            ("doi", publication.doi),
            ("pmid", publication.pmid),
            ("pmc", publication.pmcid),
            ("uri", common.record_url(publication)),
        ):
            add_text(root, m("identifier"), value, {"type": kind})
        location = add(root, m("location"))
        add(
            location,
            m("url"),
            common.record_url(publication),
            {"usage": "primary display"},
        )
        for url in common.related_urls(record):
            add(location, m("url"), url)
        add_text(
            root,
            m("accessCondition"),
            common.rights(),
            {"type": "use and reproduction"},
        )
        return root

    def _names(self, root: etree._Element, authors) -> None:
        for person in authors:
            name = add(root, m("name"), attrib={"type": "personal"})
            add_text(name, m("namePart"), person.family_name, {"type": "family"})
            add_text(name, m("namePart"), person.given_names, {"type": "given"})
            add_text(name, m("namePart"), person.suffix, {"type": "termsOfAddress"})
            if person.orcid:
                add(
                    name,
                    m("nameIdentifier"),
                    f"https://orcid.org/{person.orcid}",
                    {"type": "orcid"},
                )
            role = add(name, m("role"))
            add(
                role,
                m("roleTerm"),
                "author",
                {"type": "text", "authority": "marcrelator"},
            )

    def _host(self, root: etree._Element, publication: Publication) -> None:
        """The journal, book or conference, with volume, issue and pages."""
        venue = publication.venue
        parts = (publication.volume, publication.issue, publication.pages)
        if venue is None and not any(parts):
            return
        host = add(root, m("relatedItem"), attrib={"type": "host"})
        if venue is not None:
            add(add(host, m("titleInfo")), m("title"), venue.title)
            if venue.abbreviation:
                abbreviated = add(host, m("titleInfo"), attrib={"type": "abbreviated"})
                add(abbreviated, m("title"), venue.abbreviation)
            for issn in dict.fromkeys(i for i in (venue.issn, venue.eissn) if i):
                add(host, m("identifier"), issn, {"type": "issn"})
        if not any(parts):
            return
        part = add(host, m("part"))
        for kind, value in (
            ("volume", publication.volume),
            ("issue", publication.issue),
        ):
            if value:
                add(add(part, m("detail"), attrib={"type": kind}), m("number"), value)
        if publication.pages:
            extent = add(part, m("extent"), attrib={"unit": "pages"})
            if pages := page_range(publication.pages):
                add(extent, m("start"), pages[0])
                add(extent, m("end"), pages[1])
            else:
                add(extent, m("list"), publication.pages)
