"""EndNote XML: the <xml><records><record> file EndNote imports
(File > Import > EndNote generated XML).

Each record is an ElementTree element serialised on its own, so the text is
always escaped by the XML library; the fixed envelope around the records is
written once. Characters XML 1.0 forbids never reach here (see `text`).
Elements follow the order of EndNote's DTD.
"""

from xml.etree import ElementTree as ET

from .base import ExportFormat, ExportRecord

# EndNote reference types (name, number), chosen by the RIS type.
REF_TYPES = {
    "JOUR": ("Journal Article", 17),
    "BOOK": ("Book", 6),
    "CHAP": ("Book Section", 5),
    "CONF": ("Conference Proceedings", 10),
    "CPAPER": ("Conference Paper", 47),
    "RPRT": ("Report", 27),
    "THES": ("Thesis", 32),
    "UNPB": ("Unpublished Work", 34),
    "DATA": ("Dataset", 59),
}
GENERIC = ("Generic", 13)


def _add(parent: ET.Element, tag: str, text: str = "") -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text:
        element.text = text
    return element


def _add_if(parent: ET.Element, tag: str, text: str) -> None:
    if text:
        _add(parent, tag, text)


def record_element(record: ExportRecord) -> ET.Element:
    """One <record> element."""
    element = ET.Element("record")
    name, number = REF_TYPES.get(record.ris_type, GENERIC)
    _add(element, "ref-type", str(number)).set("name", name)
    if record.authors:
        authors = _add(_add(element, "contributors"), "authors")
        for author in record.authors:
            _add(authors, "author", author.inverted)
    titles = _add(element, "titles")
    _add_if(titles, "title", record.title)
    _add_if(titles, "secondary-title", record.container_title)
    _add_if(titles, "alt-title", record.container_title_short)
    if record.ris_type == "JOUR" and record.container_title:
        periodical = _add(element, "periodical")
        _add(periodical, "full-title", record.container_title)
        _add_if(periodical, "abbr-1", record.container_title_short)
    _add_if(element, "pages", record.pages.joined() if record.pages else "")
    _add_if(element, "volume", record.volume)
    # EndNote's "number" is the issue of a journal article.
    _add_if(element, "number", record.issue)
    if record.keywords:
        keywords = _add(element, "keywords")
        for keyword in record.keywords:
            _add(keywords, "keyword", keyword)
    dates = _add(element, "dates")
    _add(dates, "year", str(record.date.year))
    if record.date.month:
        _add(_add(dates, "pub-dates"), "date", str(record.date))
    _add_if(element, "publisher", record.publisher)
    # EndNote keeps an ISSN in its ISBN/ISSN field.
    _add_if(element, "isbn", record.issn)
    _add_if(element, "accession-num", record.pmid)
    _add_if(element, "electronic-resource-num", record.doi)
    _add_if(element, "abstract", record.abstract)
    _add_if(element, "notes", record.affiliation_note)
    _add(_add(_add(element, "urls"), "related-urls"), "url", record.url)
    # PubMed's convention: the PMCID in Custom 2.
    _add_if(element, "custom2", record.pmcid)
    return element


class EndNoteXML(ExportFormat):
    key = "endnote"
    label = "EndNote XML"
    media_type = "application/xml; charset=utf-8"
    extension = "xml"
    opening = '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <records>\n    '
    separator = "\n    "
    closing = "\n  </records>\n</xml>\n"

    def render_record(self, record: ExportRecord) -> str:
        element = record_element(record)
        # Indented to sit at its depth in the file, for people who read it.
        ET.indent(element, space="  ", level=2)
        return ET.tostring(element, encoding="unicode")
