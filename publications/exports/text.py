"""Plain text for citation files: no control characters, no HTML.

Every export format reads record text through these helpers, so a stray
control character pasted into a title can break neither an XML file (XML 1.0
forbids most of them) nor a line-based format such as RIS (Python and many
readers treat \\x0b, \\x0c, \\x1c-\\x1e, U+2028 and U+2029 as line breaks).
"""

import re
from html.parser import HTMLParser

# C0 controls other than tab, newline and carriage return; DEL and C1
# controls; lone surrogates; U+FFFE and U+FFFF (not characters in XML 1.0);
# and the Unicode line and paragraph separators.
UNWANTED_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029]"
)
WHITESPACE = re.compile(r"\s+")
PARAGRAPH_BREAK = "\n\n"


def clean_text(value: str | None) -> str:
    """The text with unwanted characters removed, ends stripped."""
    return UNWANTED_CHARACTERS.sub("", value or "").strip()


def one_line(value: str | None) -> str:
    """Clean text with every run of whitespace, line breaks included, as one
    space: titles, names and other fields that must fit on one line."""
    return WHITESPACE.sub(" ", clean_text(value)).strip()


class _TextCollector(HTMLParser):
    """Collects the text of the abstract subset (p, br, i, em, b, strong,
    sub, sup): paragraphs become blank-line breaks, the rest plain text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]

    def _break(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._break()
        elif tag == "br":
            self.paragraphs[-1].append("\n")

    def handle_endtag(self, tag):
        if tag == "p":
            self._break()

    def handle_data(self, data):
        self.paragraphs[-1].append(data)


def html_to_text(html: str | None) -> str:
    """'<p>H<sub>2</sub>O &amp; more</p><p>Next</p>' -> 'H2O & more\\n\\nNext'."""
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    paragraphs = []
    for parts in collector.paragraphs:
        lines = (one_line(line) for line in "".join(parts).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return PARAGRAPH_BREAK.join(paragraphs)
