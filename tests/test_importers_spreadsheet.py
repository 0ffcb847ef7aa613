"""Digital Commons batch-upload spreadsheets, as CSV (our own sample in
tests/fixtures/importers) and as Excel workbooks made here with openpyxl."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from publications.dates import PartialDate
from publications.importers import PARSERS, ParseResult, Severity
from publications.importers.base import (
    NormalisedAuthor,
    NormalisedKeyword,
    NormalisedLink,
)

FIXTURES = Path(__file__).parent / "fixtures" / "importers"


def parse_csv(data: bytes) -> ParseResult:
    return ParseResult.collect(PARSERS["dc-csv"].parse(io.BytesIO(data)))


def parse_xlsx(data: bytes) -> ParseResult:
    return ParseResult.collect(PARSERS["dc-xlsx"].parse(io.BytesIO(data)))


def workbook(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def sample() -> ParseResult:
    return parse_csv((FIXTURES / "digital_commons.csv").read_bytes())


def test_digital_commons_row_is_read_field_by_field(sample):
    record = sample.records[0]
    assert record.source_row == 2  # the header is row 1, as in Excel
    assert record.title == "Cytokine storm in HLH: a review of 40 cases"
    # The abstract column takes HTML; what is not in the safe subset goes.
    assert record.abstract == (
        "<p>Haemophagocytic lymphohistiocytosis (<i>HLH</i>) is rare.</p>"
        "<p>Early treatment matters.</p>"
    )
    assert record.keywords == (
        NormalisedKeyword(term="Lymphohistiocytosis, Hemophagocytic"),
        NormalisedKeyword(term="cytokine storm"),
    )
    assert record.subjects == (
        "Hemic and Lymphatic Diseases",
        "Medicine and Health Sciences > Medical Specialties > Pathology",
    )
    assert record.departments == ("Department of Pediatrics", "Department of Pathology")
    assert record.document_type == "Review"
    assert record.publication_date == PartialDate(2013, 6)
    assert record.authors == (
        NormalisedAuthor(
            family_name="Müller",
            given_names="Jürgen K.",
            suffix="Jr.",
            email="j.mueller@example.edu",
            affiliations=("Example Medical School",),
        ),
        NormalisedAuthor(family_name="HLH Study Group", is_corporate=True),
    )
    assert (record.doi, record.pmid) == ("10.5555/bjh.0001", "99000001")
    assert record.source_citation == (
        "Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.5555/bjh.0001. "
        "Epub 2013 Apr 12."
    )
    assert (record.volume, record.issue, record.pages) == ("161", "5", "609-622")
    assert record.embargo_date == datetime.date(2014, 6, 30)
    assert record.related_links == (
        NormalisedLink(
            label="Full text", url="https://repository.example.edu/files/hlh.pdf"
        ),
    )
    assert record.notes == "Imported from the 2013 report."


def test_plain_text_abstract_is_escaped_and_lower_case_types_are_understood(sample):
    record = sample.records[1]
    assert record.abstract == "Ferritin &gt; 10 000 µg/L &amp; fever."
    assert record.document_type == "Article"
    assert record.publication_date == PartialDate(2013, 6, 12)  # 06/12/2013
    assert [k.term for k in record.keywords] == ["ferritin", "HLH", "adults"]
    assert record.authors[0] == NormalisedAuthor(
        family_name="王", given_names="小明", affiliations=("Department of Medicine",)
    )


def test_corporate_author_named_only_in_institution_is_kept(sample):
    poster = sample.records[2]
    assert poster.document_type == "Poster"
    assert poster.authors == (
        NormalisedAuthor(family_name="World Health Organization", is_corporate=True),
    )


def test_each_bad_value_is_an_issue_naming_row_and_column(sample):
    row_five = [(i.field, i.severity) for i in sample.issues_for(5)]
    assert row_five == [
        ("document_type", Severity.ERROR),
        ("publication_date", Severity.ERROR),
        ("doi", Severity.ERROR),
        ("fulltext_url", Severity.ERROR),
        ("author1_is_corporate", Severity.ERROR),
        ("author1_email", Severity.ERROR),
        ("author2_lname", Severity.ERROR),
        ("embargo_date", Severity.ERROR),
    ]
    assert "“Blog post” is not a document type" in sample.issues_for(5)[0].message
    record = next(r for r in sample.records if r.source_row == 5)
    assert record.doi == "" and record.publication_date is None
    assert record.authors == (NormalisedAuthor(family_name="Lee", given_names="Ana"),)


def test_row_without_title_is_skipped_and_blank_rows_are_ignored(sample):
    assert [r.source_row for r in sample.records] == [2, 3, 4, 5, 8, 9]
    assert [(i.field, i.message) for i in sample.issues_for(6)] == [
        ("title", "The row has no title; skipped.")
    ]
    assert sample.issues_for(7) == []


def test_duplicate_rows_in_one_file_are_flagged_naming_both_rows(sample):
    [same_doi] = sample.issues_for(8)
    assert same_doi.severity == Severity.ERROR
    assert same_doi.message == "Row 8 has the same DOI as row 2 (10.5555/bjh.0001)."
    [same_title] = sample.issues_for(9)
    assert same_title.severity == Severity.WARNING
    assert same_title.message == "Row 9 has the same title and year as row 3."


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2013-06-12", PartialDate(2013, 6, 12)),
        ("2013-06", PartialDate(2013, 6)),
        ("2013", PartialDate(2013)),
        ("06/12/2013", PartialDate(2013, 6, 12)),
        ("6/1/2013", PartialDate(2013, 6, 1)),
        ("13/06/2013", PartialDate(2013, 6, 13)),
        ("June 2013", PartialDate(2013, 6)),
        ("12 Jun 2013", PartialDate(2013, 6, 12)),
        ("2013-06-12 00:00:00", PartialDate(2013, 6, 12)),
        ("Spring 2013", PartialDate(2013)),
    ],
)
def test_publication_date_is_read_in_its_usual_forms(written, read):
    result = parse_csv(f"title,publication_date\nA record,{written}\n".encode())
    assert result.issues == []
    assert result.records[0].publication_date == read


@pytest.mark.parametrize("written", ["sometime", "2013-02-30", "31/31/2013"])
def test_impossible_publication_date_is_an_error(written):
    result = parse_csv(f"title,publication_date\nA record,{written}\n".encode())
    [issue] = result.issues
    assert (issue.row, issue.field) == (2, "publication_date")


def test_misspelt_title_column_is_named_with_a_suggestion():
    result = parse_csv(b"titel,publication_date\nA record,2013\n")
    assert result.records == []
    assert [(i.row, i.field, i.severity, i.message) for i in result.issues] == [
        (
            1,
            "titel",
            Severity.WARNING,
            "Unknown column “titel” (column A) was ignored. Did you mean “title”?",
        ),
        (
            1,
            "title",
            Severity.ERROR,
            "The required column “title” is missing. Did you mean “title” for the "
            "column “titel”?",
        ),
    ]


def test_misspelt_author_column_gets_the_numbered_suggestion():
    result = parse_csv(b"title,publication_date,author2_lnam\nA,2013,Smith\n")
    assert result.records[0].authors == ()
    assert result.warnings[0].message == (
        "Unknown column “author2_lnam” (column C) was ignored. Did you mean "
        "“author2_lname”?"
    )


def test_headers_are_read_whatever_their_case_and_a_repeated_one_is_reported():
    result = parse_csv(b"Title ,Publication_Date,title\nA record,2013,Other\n")
    assert result.records[0].title == "A record"
    assert result.warnings[0].message == (
        "The column “title” appears twice (columns A and C); column A is used."
    )


def test_utf8_with_byte_order_mark_and_semicolons_as_excel_writes_them():
    data = "title;keywords;publication_date\nÉtude;a, b;2013\n".encode("utf-8-sig")
    result = parse_csv(data)
    assert result.issues == []
    assert result.records[0].title == "Étude"
    assert [k.term for k in result.records[0].keywords] == ["a", "b"]


def test_windows_1252_csv_is_read_with_a_warning_saying_so():
    data = "title,publication_date\nMüller’s café,2013\n".encode("cp1252")
    result = parse_csv(data)
    assert result.records[0].title == "Müller’s café"
    [warning] = result.warnings
    assert warning.row is None
    assert "read as Windows-1252" in warning.message
    assert "line 2" in warning.message


def test_undecodable_csv_is_refused_with_a_clear_message():
    result = parse_csv(b"title,publication_date\nA\x81\x90 record,2013\n")
    assert result.records == []
    assert result.errors[0].message.startswith(
        "The file is not UTF-8 text (line 2 has bytes UTF-8 cannot read)"
    )


def test_empty_and_header_only_files_are_reported():
    assert parse_csv(b"").issues[0].message == "The file is empty."
    assert parse_csv(b"title,abstract\n").issues[0].message == (
        "The spreadsheet has a header row but no records."
    )


def test_csv_cell_beyond_the_reader_limit_is_an_issue_not_a_crash():
    data = b'title,abstract\nA record,"' + b"x" * 200_000 + b'"\n'
    result = parse_csv(data)
    assert result.records == []
    assert result.issues[-1].row == 2
    assert "The CSV cannot be read" in result.issues[-1].message


def test_xlsx_batch_upload_is_read_with_excel_cell_types():
    data = workbook(
        ["title", "publication_date", "volnum", "pmid", "author1_lname", "Titel"],
        ["From Excel", datetime.datetime(2013, 6, 12), 161.0, 99000001, "Müller", "x"],
        [None, None, None, None, None, None],
        ["After a blank row", 2014, None, None, None, None],
    )
    result = parse_xlsx(data)
    first, second = result.records
    assert (first.source_row, first.publication_date) == (2, PartialDate(2013, 6, 12))
    assert (first.volume, first.pmid) == ("161", "99000001")
    assert first.authors == (NormalisedAuthor(family_name="Müller"),)
    assert (second.source_row, second.publication_date) == (4, PartialDate(2014))
    assert [i.message for i in result.issues] == [
        "Unknown column “titel” (column F) was ignored. Did you mean “title”?"
    ]


def test_xlsx_without_title_column_is_refused_with_a_suggestion():
    result = parse_xlsx(workbook(["Titel", "publication_date"], ["A", 2013]))
    assert result.records == []
    assert result.errors[0].message.endswith(
        "Did you mean “title” for the column “titel”?"
    )


def test_xlsx_with_an_entity_bomb_in_its_sheet_is_refused():
    clean = zipfile.ZipFile(io.BytesIO(workbook(["title"], ["A"], ["B"])))
    hostile = io.BytesIO()
    bomb = (
        b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    with zipfile.ZipFile(hostile, "w") as archive:
        for item in clean.infolist():
            part = clean.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = bomb + part
            archive.writestr(item, part)
    result = parse_xlsx(hostile.getvalue())
    assert result.records == []
    assert result.errors[0].message.startswith(
        "The file is not a readable Excel workbook (.xlsx)."
    )


def test_file_that_is_not_a_workbook_is_reported():
    assert parse_xlsx(b"").issues[0].message == "The file is empty."
    assert (
        "not a readable Excel workbook"
        in parse_xlsx(b"PK\x03\x04junk").issues[0].message
    )
    assert (
        "not a readable Excel workbook" in parse_xlsx(b"title\nA\n").issues[0].message
    )


def test_empty_workbook_is_reported():
    assert parse_xlsx(workbook()).issues[0].message == "The file is empty."
