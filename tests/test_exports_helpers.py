"""The small helpers every citation format relies on: NLM page ranges,
abstract HTML as plain text, and characters no citation file may carry."""

import pytest

from publications.exports.base import ascii_word
from publications.exports.pages import expand_page_range, parse_pages
from publications.exports.text import clean_text, html_to_text, one_line


@pytest.mark.parametrize(
    ("printed", "expanded"),
    [
        ("609-22", "609-622"),
        ("1199-201", "1199-1201"),
        ("45-67", "45-67"),
        ("5-9", "5-9"),
        ("99-101", "99-101"),
        ("S12-8", "S12-S18"),
        ("e1234", "e1234"),
        ("609–22", "609-622"),
        ("1-5, 7-9", "1-5, 7-9"),
        ("iii-iv", "iii-iv"),
        ("95-3", "95-3"),
        ("", ""),
    ],
)
def test_abbreviated_nlm_page_ranges_are_written_in_full(printed, expanded):
    assert expand_page_range(printed) == expanded


def test_a_page_range_splits_into_first_and_last_page():
    pages = parse_pages("609-22")
    assert (pages.first, pages.last, pages.joined("--")) == ("609", "622", "609--622")


def test_a_single_page_has_no_last_page():
    pages = parse_pages("e1234")
    assert (pages.first, pages.last, pages.joined("--")) == ("e1234", "", "e1234")


def test_abstract_html_becomes_plain_text_with_paragraph_breaks():
    html = "<p>H<sub>2</sub>O &amp; <i>E. coli</i> &lt;5%</p><p>Second<br>line</p>"
    assert html_to_text(html) == "H2O & E. coli <5%\n\nSecond\nline"


def test_characters_xml_forbids_and_line_separators_are_removed():
    text = "a\x00b\x08c\x0bd\x0ce\x1bf\x7fg\x85h\u2028i\u2029j\ufffek\tl"
    assert clean_text(text) == "abcdefghijk\tl"


def test_one_line_collapses_every_line_break_and_run_of_spaces():
    assert one_line("  A\r\n title \n\n  here\t ") == "A title here"


@pytest.mark.parametrize(
    ("name", "key_part"),
    [
        ("Müller", "Muller"),
        ("Størmer", "Stormer"),
        ("Łódź", "Lodz"),
        ("Straße", "Strasse"),
        ("O'Brien-Smith", "OBrienSmith"),
        ("van der Berg", "vanderBerg"),
        ("王", ""),
    ],
)
def test_citation_keys_fold_names_to_ascii_letters(name, key_part):
    assert ascii_word(name) == key_part
