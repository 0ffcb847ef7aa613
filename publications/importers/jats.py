"""JATS abstract markup (as Crossref serves it) reduced to the safe subset.

<jats:sec><jats:title>Background</jats:title><jats:p>Text</jats:p></jats:sec>
-> <p><b>Background:</b> Text</p>
"""

import html
import re

from publications.sanitize import sanitize_abstract

from .cleaning import clean_text

TAGS = {"p": "p", "italic": "i", "bold": "b", "sup": "sup", "sub": "sub"}
# Only prefixed tags are renamed; plain HTML is left to the sanitiser, which
# drops <script> and <style> with their content.
JATS_TAG = re.compile(r"<(/?)jats:([A-Za-z][\w-]*)\b[^>]*?(/?)>")
ANY_TAG = re.compile(r"<[^>]*>")
HEADING_ONLY = re.compile(
    r"<(?:jats:)?title\b[^>]*>\s*(?:abstract|summary)\s*</(?:jats:)?title>",
    re.IGNORECASE,
)
SECTION_TITLE = re.compile(
    r"<(?:jats:)?title\b[^>]*>(.*?)</(?:jats:)?title>\s*(?:<(?:jats:)?p\b[^>]*>)?",
    re.IGNORECASE | re.DOTALL,
)


def _title_paragraph(match: re.Match) -> str:
    label = clean_text(html.unescape(ANY_TAG.sub("", match.group(1)))).rstrip(":")
    return f"<p><b>{html.escape(label, quote=False)}:</b> " if label else "<p>"


def _rename(match: re.Match) -> str:
    closing, name, self_closing = match.groups()
    tag = TAGS.get(name.lower())
    if tag is None or self_closing:
        return " " if name.lower() in {"p", "sec", "list-item", "break"} else ""
    return f"<{closing}{tag}>"


def jats_to_html(text: str) -> str:
    text = HEADING_ONLY.sub("", text or "")
    text = SECTION_TITLE.sub(_title_paragraph, text)
    html_text = JATS_TAG.sub(_rename, text)
    # Paragraph tags are balanced by the sanitiser's HTML parser.
    return sanitize_abstract(clean_text(html_text))
