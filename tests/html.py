"""Reading pages in tests as a strict HTML5 parser would."""

import html5lib
import pytest


def parse_valid_html(content: bytes):
    """The page as an element tree; fails the test on any HTML5 parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        return parser.parse(content)
    except html5lib.html5parser.ParseError:
        lenient = html5lib.HTMLParser(namespaceHTMLElements=False)
        lenient.parse(content)
        pytest.fail(f"HTML parse errors: {lenient.errors}")


def text(element) -> str:
    """An element's text with white space folded."""
    return " ".join("".join(element.itertext()).split())
