"""RIS import, on files written the way Zotero, EndNote and Mendeley write
them (tests/fixtures/importers/*.ris, our own samples)."""

import datetime
import io
from pathlib import Path

from publications.dates import PartialDate
from publications.importers import PARSERS, ParseResult, Severity
from publications.importers.base import NormalisedAuthor, NormalisedKeyword

FIXTURES = Path(__file__).parent / "fixtures" / "importers"


def parse(data: bytes) -> ParseResult:
    return ParseResult.collect(PARSERS["ris"].parse(io.BytesIO(data)))


def parse_fixture(name: str) -> ParseResult:
    return parse((FIXTURES / name).read_bytes())


def test_zotero_journal_article_is_read_field_by_field():
    result = parse_fixture("zotero.ris")
    assert result.issues == []
    article = result.records[0]
    assert article.source_row == 1
    assert article.title == "Cytokine storm in HLH: a review of 40 cases"
    assert article.abstract == (
        "Haemophagocytic lymphohistiocytosis (HLH) is rare &amp; severe; "
        "IL-2 &lt; 5 ng."
    )
    assert article.publication_date == PartialDate(2013, 6)
    assert article.document_type == "Article"
    assert article.venue_title == "British Journal of Haematology"
    assert article.venue_abbreviation == "Br J Haematol"
    assert (article.issn, article.eissn) == ("0007-1048", "1365-2141")
    assert (article.volume, article.issue, article.pages) == ("161", "5", "609-622")
    assert article.doi == "10.5555/bjh.0001"
    assert article.pmid == "99000001"  # AN of a record whose database is PubMed
    assert article.publisher_url == (
        "https://onlinelibrary.example.com/doi/10.5555/BJH.0001"
    )
    assert article.source_citation == (
        "Br J Haematol. 2013 Jun;161(5):609-622. doi: 10.5555/bjh.0001."
    )
    assert article.authors == (
        NormalisedAuthor(family_name="Müller", given_names="Jürgen"),
        NormalisedAuthor(family_name="王", given_names="小明"),
        NormalisedAuthor(family_name="Smith", given_names="John", suffix="Jr."),
        NormalisedAuthor(family_name="HLH Study Group", is_corporate=True),
    )
    assert [a.name_as_printed for a in article.authors] == [
        "Müller, Jürgen",
        "王, 小明",
        "Smith, John, Jr.",
        "HLH Study Group",
    ]
    assert article.keywords == (
        NormalisedKeyword(term="cytokine storm"),
        NormalisedKeyword(term="Lymphohistiocytosis, Hemophagocytic"),
    )


def test_ris_types_map_to_document_types_with_their_containers():
    chapter, paper = parse_fixture("zotero.ris").records[1:]
    assert chapter.document_type == "Book Chapter"
    assert chapter.title == "Лимфогистиоцитоз у детей"
    assert chapter.venue_title == "Педиатрическая гематология"
    assert chapter.authors == (
        NormalisedAuthor(family_name="Иванов", given_names="Пётр"),
    )
    assert chapter.issn == ""  # a book's SN is its ISBN
    assert chapter.publisher == "Example University Press"
    assert chapter.pages == "45-67"
    assert paper.document_type == "Conference Proceeding"
    assert paper.doi == "10.5555/ehc.2020.101"  # given as a doi.org URL
    assert paper.publication_date == PartialDate(2020, 9, 14)


def test_endnote_export_with_bom_crlf_and_pubmed_tags_is_read():
    result = parse_fixture("endnote.ris")
    assert result.issues == []
    article, report = result.records
    assert article.title == "Cytokine storm in HLH: a review of 40 cases"
    # EndNote: the month alone in DA, the year in PY, the online date in ET.
    assert article.publication_date == PartialDate(2013, 6)
    assert article.epub_date == datetime.date(2013, 4, 12)
    assert (article.issn, article.eissn) == ("0007-1048", "1365-2141")
    assert (article.pmid, article.pmcid) == ("99000001", "PMC9900001")
    assert article.publisher_url == ""  # the PubMed link is derived, not stored
    assert article.pages == "609-22"
    assert article.source_citation == (
        "Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.5555/bjh.0001. "
        "Epub 2013 Apr 12."
    )
    assert article.authors == (
        NormalisedAuthor(
            family_name="Müller",
            given_names="J.",
            affiliations=(
                "Department of Pediatrics, Example Medical School, Worcester, MA, USA.",
            ),
        ),
        NormalisedAuthor(family_name="Núñez-García", given_names="M. A."),
        NormalisedAuthor(family_name="World Health Organization", is_corporate=True),
    )
    # From PubMed, EndNote's keywords are MeSH headings with qualifiers.
    assert article.keywords == (
        NormalisedKeyword(term="Humans", vocabulary="mesh"),
        NormalisedKeyword(
            term="Lymphohistiocytosis, Hemophagocytic", vocabulary="mesh"
        ),
    )
    assert report.document_type == "Report"
    assert report.authors == (
        NormalisedAuthor(family_name="Kowalczyk", given_names="Zoë"),
    )
    assert report.publisher_url == "https://health.example.org/reports/hlh-2021.pdf"


def test_mendeley_export_normalises_en_dash_pages_and_doi_urls():
    article = parse_fixture("mendeley.ris").records[0]
    assert article.title == "Ferritin thresholds in secondary HLH – a cohort study"
    assert article.pages == "455-462"
    assert article.doi == "10.5555/haematol.2018.455"
    assert article.publisher_url == ""
    assert article.venue_title == "Haematologica"
    assert article.publication_date == PartialDate(2018, 3, 1)
    assert [a.family_name for a in article.authors] == ["Nguyễn", "O'Brien"]
    assert "10 000 µg/L" in article.abstract


def test_bad_values_are_errors_on_their_record_which_is_still_read():
    result = parse_fixture("mendeley.ris")
    assert [(i.row, i.field, i.severity) for i in result.issues] == [
        (2, "DO", Severity.ERROR),
        (2, "PY", Severity.ERROR),
        (3, "ER", Severity.WARNING),
    ]
    assert "“11.1234/not-a-doi” is not a DOI" in result.issues[0].message
    assert "“sometime” is not a date" in result.issues[1].message
    second = result.records[1]
    assert (second.doi, second.publication_date) == ("", None)


def test_record_without_er_at_the_end_of_the_file_is_read_with_a_warning():
    result = parse_fixture("mendeley.ris")
    last = result.records[-1]
    assert last.title == "A record cut short by a failed download"
    assert "line 28" in result.issues[-1].message
    assert "cut short" in result.issues[-1].message


def test_record_without_title_is_skipped_with_an_error():
    result = parse(b"TY  - JOUR\nAU  - Doe, Jane\nPY  - 2020\nER  - \n")
    assert result.records == []
    [issue] = result.issues
    assert (issue.row, issue.field) == (1, "TI")
    assert "line 1 has no title" in issue.message


def test_unknown_ris_type_is_read_as_article_with_a_warning():
    result = parse(b"TY  - BLOG\nTI  - A post\nPY  - 2020\nER  - \n")
    assert result.records[0].document_type == "Article"
    assert result.warnings[0].message == "The RIS type “BLOG” was read as Article."


def test_text_outside_records_is_reported_once_per_stretch():
    data = (
        b"Exported from a library\nsecond stray line\n"
        b"TY  - JOUR\nTI  - T\nPY  - 2020\nER  - \n"
    )
    result = parse(data)
    assert len(result.records) == 1
    [issue] = result.issues
    assert issue.severity == Severity.WARNING
    assert "Line 1 is outside any record" in issue.message


def test_windows_1252_file_is_read_with_a_warning():
    data = "TY  - JOUR\nTI  - Café au lait spots\nPY  - 2020\nER  - \n".encode("cp1252")
    result = parse(data)
    assert result.records[0].title == "Café au lait spots"
    assert "read as Windows-1252" in result.warnings[0].message


def test_files_without_records_are_issues():
    assert parse(b"").issues[0].message == "The file is empty."
    assert "no RIS records" in parse(b"just some text\n").errors[-1].message
    assert (
        parse(b"\x81\x8d\x8f\x90\x9d")
        .errors[0]
        .message.startswith("The file is not UTF-8 text")
    )
