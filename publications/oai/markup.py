"""Building XML safely: lxml escapes text, and we strip what XML 1.0 forbids."""

import re

from lxml import etree

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSI_SCHEMA_LOCATION = f"{{{XSI_NS}}}schemaLocation"

# XML 1.0 section 2.2: anything outside these ranges (control characters,
# lone surrogates, U+FFFE/U+FFFF) makes the document ill-formed.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """`value` as text that XML 1.0 can carry."""
    text = str(value)
    # Printable text (most titles and names) has none of those: checking that
    # is ten times cheaper than the pattern, and a page has thousands of texts.
    if text.isprintable():
        return text
    return _NOT_XML_CHAR.sub("", text)


def _attributes(attrib: dict[str, str] | None) -> dict[str, str] | None:
    if not attrib:
        return None
    return {name: xml_text(value) for name, value in attrib.items()}


def add(
    parent: etree._Element,
    tag: str,
    text: object = None,
    attrib: dict[str, str] | None = None,
) -> etree._Element:
    """Append a child element with cleaned text and attributes."""
    element = etree.SubElement(parent, tag, _attributes(attrib))
    if text is not None:
        element.text = xml_text(text)
    return element


def add_text(
    parent: etree._Element,
    tag: str,
    text: object,
    attrib: dict[str, str] | None = None,
) -> etree._Element | None:
    """Like `add`, but only when `text` is not blank: empty elements say nothing."""
    if text is None or text == "":
        return None
    cleaned = xml_text(text).strip()
    if not cleaned:
        return None
    element = etree.SubElement(parent, tag, _attributes(attrib))
    element.text = cleaned
    return element


def oai(tag: str) -> str:
    return f"{{{OAI_NS}}}{tag}"
