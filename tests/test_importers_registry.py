"""The importer registry: choosing a parser for an upload, and the promises
every parser keeps (records or issues, never an exception, for any bytes)."""

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publications.dates import PartialDate
from publications.importers import (
    HEAD_SIZE,
    PARSERS,
    ImportIssue,
    NormalisedRecord,
    ParseResult,
    UnknownFormatError,
    get_parser,
    guess_format,
)

FIXTURES = Path(__file__).parent / "fixtures" / "importers"


def guess(filename: str, data: bytes) -> str:
    return guess_format(filename, data[:HEAD_SIZE]).name


@pytest.mark.parametrize(
    ("fixture", "upload_name", "expected"),
    [
        ("pubmed_two_articles.xml", "pubmed_result.xml", "pubmed"),
        ("zotero.ris", "Exported Items.ris", "ris"),
        ("endnote.ris", "My EndNote Library.txt", "ris"),
        ("mendeley.bib", "library.bib", "bibtex"),
        ("digital_commons.csv", "batch.csv", "dc-csv"),
        # The content decides where the name misleads.
        ("zotero.ris", "export.bib", "ris"),
        ("endnote.bib", "export", "bibtex"),
    ],
)
def test_format_is_guessed_from_content_and_name(fixture, upload_name, expected):
    assert guess(upload_name, (FIXTURES / fixture).read_bytes()) == expected


def test_crossref_json_and_xlsx_are_recognised_without_an_extension():
    work = b'{"status":"ok","message-type":"work","message":{"DOI":"10.5555/x"}}'
    assert guess("works", work) == "crossref"
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    assert guess("upload", buffer.getvalue()) == "dc-xlsx"


def test_xml_that_is_not_pubmed_goes_to_the_pubmed_parser_which_explains():
    data = (FIXTURES / "not_pubmed.xml").read_bytes()
    parser = guess_format("records.xml", data)
    result = ParseResult.collect(parser.parse(io.BytesIO(data)))
    assert "not a PubMed export" in result.issues[0].message


def test_unknown_format_is_a_clear_error_listing_the_supported_ones():
    with pytest.raises(UnknownFormatError) as caught:
        guess_format("thesis.pdf", b"%PDF-1.7\n")
    message = str(caught.value)
    assert message.startswith("Cannot tell the format of “thesis.pdf”.")
    for parser in PARSERS.values():
        assert parser.label in message
    with pytest.raises(UnknownFormatError, match="“blank.dat” is empty"):
        guess_format("blank.dat", b"")


def test_parser_is_found_by_name_or_the_name_is_refused():
    assert get_parser("ris") is PARSERS["ris"]
    with pytest.raises(UnknownFormatError, match="“endnote” is not an import format"):
        get_parser("endnote")


def test_record_refuses_a_document_type_the_catalogue_lacks():
    with pytest.raises(ValueError, match="Unknown document type"):
        NormalisedRecord(source_row=1, title="T", document_type="Blog")


def test_parse_result_groups_records_and_issues():
    result = ParseResult.collect(
        PARSERS["dc-csv"].parse(
            io.BytesIO(b"title,publication_date,doi\nA,2013,bad\nB,2014,\n,2015,\n")
        )
    )
    assert [r.title for r in result.records] == ["A", "B"]
    assert [(i.row, i.field) for i in result.errors] == [(2, "doi"), (4, "title")]
    assert result.warnings == []
    assert result.records[1].publication_date == PartialDate(2014)
    assert str(result.errors[1]) == "Row 4, title: The row has no title; skipped."


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.one_of(
        st.binary(max_size=600),
        st.text(max_size=600).map(str.encode),
        # Near-misses of each format, where parsers are most likely to trip.
        st.sampled_from(
            [
                b"TY  - JOUR\nTI  - ",
                b"@article{k, title={",
                b'{"message-type": "work-list", "message": {"items": [null, 3]}}',
                b"<PubmedArticleSet><PubmedArticle><MedlineCitation>",
                b'title,author1_lname\n"unclosed',
                b"PK\x03\x04\x14\x00",
            ]
        ).flatmap(lambda head: st.binary(max_size=200).map(lambda tail: head + tail)),
    )
)
def test_any_bytes_give_records_or_issues_never_an_exception(name, data):
    for item in PARSERS[name].parse(io.BytesIO(data)):
        assert isinstance(item, NormalisedRecord | ImportIssue)
