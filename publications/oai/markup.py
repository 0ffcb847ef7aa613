"""Writing XML as text: one escaping rule for every value, and the few shapes
the provider writes (an element; an element only when it has text).

Text, not an element tree: a ListRecords page holds thousands of values, and
building and serialising lxml elements for them took four times as long as
escaping them into strings does. Every value goes through `escape` (which
`element`, `field` and `attributes` call), so nothing reaches a response
unescaped or with a character XML 1.0 forbids.
"""

import re

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# XML 1.0 section 2.2: anything outside these ranges (control characters,
# lone surrogates, U+FFFE/U+FFFF) makes the document ill-formed.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The same characters within ASCII, for str.translate: a third of the regular
# expression's time on an abstract, which has newlines and so is not
# "printable".
_ASCII_NOT_XML = dict.fromkeys(c for c in range(0x20) if chr(c) not in "\t\n\r")


def clean(value: object) -> str:
    """`value` as text without the characters XML 1.0 cannot carry."""
    text = value if type(value) is str else str(value)
    # Printable text (most titles and names) has none of them, and checking
    # that is the cheapest test there is.
    if text.isprintable():
        return text
    if text.isascii():
        return text.translate(_ASCII_NOT_XML)
    return _NOT_XML_CHAR.sub("", text)


def escape(value: object, *, attribute: bool = False, strip: bool = False) -> str:
    """`value` as XML character data, or as the content of a double-quoted
    attribute: characters XML 1.0 forbids are dropped (then, with `strip`,
    surrounding blanks), markup characters become references, and what a
    parser reads back is the cleaned text."""
    text = value if type(value) is str else str(value)
    if text.isprintable():
        # The common case, checked once: nothing to drop, and no tab,
        # newline or carriage return to write as a reference.
        if strip:
            text = text.strip()
        # ">" only matters in "]]>", but escaping it always is simplest.
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text.replace('"', "&quot;") if attribute else text
    text = clean(text)
    if strip:
        text = text.strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attribute:
        # Attribute-value normalisation (XML 3.3.3) would turn literal tabs
        # and newlines into spaces; character references survive it.
        text = text.replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
    # End-of-line handling (XML 2.11) would turn a literal CR into LF.
    return text.replace("\r", "&#13;")


def attributes(values: dict[str, object] | None) -> str:
    """' name="value" ...' for a start tag, values escaped."""
    if not values:
        return ""
    return "".join(
        f' {name}="{escape(value, attribute=True)}"' for name, value in values.items()
    )


def element(tag: str, text: object = "", attrs: str = "") -> str:
    """<tag attrs>text</tag>, with `attrs` already written by `attributes`."""
    return f"<{tag}{attrs}>{escape(text)}</{tag}>"


def field(tag: str, value: object, attrs: str = "") -> str:
    """Like `element`, but nothing when `value` is blank once cleaned and
    stripped: empty elements say nothing."""
    text = "" if value is None or value == "" else escape(value, strip=True)
    return f"<{tag}{attrs}>{text}</{tag}>" if text else ""
