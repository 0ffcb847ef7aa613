"""The provider writes XML as text, so its one escaping rule must hold for
every character: whatever goes in, an XML parser reads back exactly the text
less the characters XML 1.0 forbids, in element content and in attributes."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from publications.oai.markup import attributes, clean, element, escape, field

# XML 1.0 section 2.2, Char.
ALLOWED = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def allowed(text: str) -> str:
    return "".join(char for char in text if ALLOWED.fullmatch(char))


def read_back(text: str, strip: bool = False) -> tuple[str, str]:
    """(element text, attribute value) as a parser reads them."""
    attribute = escape(text, attribute=True, strip=strip)
    document = f'<a b="{attribute}">{escape(text, strip=strip)}</a>'
    parsed = etree.fromstring(document.encode())
    return parsed.text or "", parsed.get("b")


def test_every_basic_multilingual_plane_character_reads_back_or_is_dropped():
    # Every code point below U+10000 (surrogates and the two non-characters
    # included), in one text and one attribute.
    everything = "".join(chr(code) for code in range(0x10000))

    text, attribute = read_back(everything)

    expected = allowed(everything)
    assert len(expected) == 0x10000 - 29 - 0x800 - 2
    assert text == expected
    assert attribute == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fish & chips <b>bold</b> a > b \"quoted\" 'single' ]]> &amp;",
        "Müller, José; Øre; naïve café",
        "Ὀδυσσεύς; Москва; 北京大学; 서울; العربية; עברית; हिन्दी",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 𠀀 \U0010fffd",
        "tab\there\nnewline\r\ncarriage\rreturn",
        # Not "printable" to Python, but XML characters all the same.
        "no\u00a0break, soft\u00adhyphen, zero\u200bwidth, private \ue000\U000f0000",
        "\x00\x01\x08\x0b\x0c\x0e\x1f\x7f\ud800\udfff\ufffe\uffffkept",
        "   leading and trailing   ",
        "",
    ],
)
def test_special_characters_read_back_exactly(text):
    assert read_back(text) == (allowed(text), allowed(text))


@given(st.text(st.characters(codec=None, exclude_categories=())))
def test_any_text_reads_back_less_what_xml_forbids(text):
    assert read_back(text) == (allowed(text), allowed(text))
    stripped = allowed(text).strip()
    assert read_back(text, strip=True) == (stripped, stripped)


def test_clean_drops_only_what_xml_forbids():
    assert clean("a\x0bb\x1f\ufffec\ud83dd") == "abcd"
    assert clean("ascii\tand\nlines\x07") == "ascii\tand\nlines"
    assert clean(42) == "42"


def test_attributes_escape_their_values_in_order():
    assert attributes({"type": 'a"b&<', "n": 3}) == ' type="a&quot;b&amp;&lt;" n="3"'
    assert attributes({}) == ""


def test_element_is_written_even_when_empty():
    assert element("dc:title", "") == "<dc:title></dc:title>"
    assert (
        element("dc:title", "A & B", ' x="1"') == '<dc:title x="1">A &amp; B</dc:title>'
    )


@pytest.mark.parametrize("blank", [None, "", "   ", "\x0b", " \x0b\t\n "])
def test_a_field_with_nothing_to_say_is_left_out(blank):
    assert field("dc:rights", blank) == ""


def test_a_field_is_stripped_after_forbidden_characters_are_dropped():
    assert field("dc:title", " \x0b Title \x0b ") == "<dc:title>Title</dc:title>"
    assert field("dc:title", "a\rb") == "<dc:title>a&#13;b</dc:title>"
