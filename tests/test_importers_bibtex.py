"""BibTeX import, on files written the way Zotero, EndNote and Mendeley write
them (tests/fixtures/importers/*.bib, our own samples)."""

import io
from pathlib import Path

from publications.dates import PartialDate
from publications.importers import PARSERS, ParseResult, Severity
from publications.importers.base import NormalisedAuthor, NormalisedKeyword

FIXTURES = Path(__file__).parent / "fixtures" / "importers"


def parse(data: bytes) -> ParseResult:
    return ParseResult.collect(PARSERS["bibtex"].parse(io.BytesIO(data)))


def parse_fixture(name: str) -> ParseResult:
    return parse((FIXTURES / name).read_bytes())


def test_zotero_entry_is_read_with_latex_escapes_decoded():
    result = parse_fixture("zotero.bib")
    assert result.issues == []
    article = result.records[0]
    assert article.title == "Cytokine storm in HLH: a review of 40 cases"
    assert article.abstract == (
        "Haemophagocytic lymphohistiocytosis (HLH) is rare &amp; severe; "
        "IL-2 &lt; 5 ng."
    )
    assert article.publication_date == PartialDate(2013, 6)  # month = jun
    assert article.document_type == "Article"
    assert article.venue_title == "British Journal of Haematology"
    assert (article.issn, article.eissn) == ("0007-1048", "1365-2141")
    assert (article.volume, article.issue, article.pages) == ("161", "5", "609-622")
    assert (article.doi, article.pmid) == ("10.5555/bjh.0001", "99000001")
    assert article.publisher_url == (
        "https://onlinelibrary.example.com/doi/10.5555/BJH.0001"
    )
    assert article.authors == (
        NormalisedAuthor(family_name="Müller", given_names="Jürgen"),
        NormalisedAuthor(family_name="Smith", given_names="John", suffix="Jr."),
        NormalisedAuthor(family_name="HLH Study Group", is_corporate=True),
        NormalisedAuthor(family_name="de la Fuente", given_names="José"),
    )
    assert article.keywords == (
        NormalisedKeyword(term="cytokine storm"),
        NormalisedKeyword(term="macrophage activation"),
    )
    assert article.source_citation == (
        "British Journal of Haematology. 2013 Jun;161(5):609-622. "
        "doi: 10.5555/bjh.0001."
    )


def test_bibtex_entry_types_map_to_document_types_with_their_containers():
    chapter, paper = parse_fixture("zotero.bib").records[1:]
    assert chapter.document_type == "Book Chapter"
    assert chapter.title == "Лимфогистиоцитоз у детей"
    assert chapter.venue_title == "Педиатрическая гематология"
    assert chapter.authors == (
        NormalisedAuthor(family_name="Иванов", given_names="Пётр"),
    )
    assert paper.document_type == "Conference Proceeding"
    assert paper.venue_title == "Proceedings of the Example Haematology Congress"
    assert paper.authors[0].given_names == "Émilie"
    assert paper.publication_date == PartialDate(2020, 9)


def test_endnote_entries_keep_marked_issns_pubmed_links_and_line_keywords():
    result = parse_fixture("endnote.bib")
    assert result.issues == []
    article, book, thesis = result.records
    assert (article.issn, article.eissn) == ("0007-1048", "1365-2141")
    assert article.pmid == "99000001"  # from the PubMed link EndNote writes as url
    assert article.publisher_url == ""
    assert article.pages == "609-22"
    assert [a.family_name for a in article.authors[:2]] == ["Müller", "Núñez-García"]
    assert book.document_type == "Book"
    assert book.publisher == "Example Health Department"
    assert thesis.document_type == "Dissertation"
    assert [k.term for k in thesis.keywords] == [
        "ferritin",
        "hyperferritinaemia",
        "Lymphohistiocytosis, Hemophagocytic",
    ]


def test_mendeley_entry_with_double_braces_math_and_percent_is_decoded():
    article = parse_fixture("mendeley.bib").records[0]
    assert article.title == "Ferritin thresholds in secondary HLH – a cohort study"
    assert article.abstract == (
        "Background: ferritin above 10 000 μg/L is a marker of 50% of cases."
    )
    assert article.authors == (
        NormalisedAuthor(family_name="Nguyễn", given_names="Thị Minh"),
        NormalisedAuthor(family_name="O'Brien", given_names="Seán"),
    )
    assert article.pages == "455-462"
    assert article.publication_date == PartialDate(2018, 3)
    assert (article.pmid, article.issn) == ("99000003", "0390-6078")
    assert [k.term for k in article.keywords] == ["HLH", "ferritin"]


def test_mendeley_file_problems_are_reported_entry_by_entry():
    result = parse_fixture("mendeley.bib")
    assert [(i.row, i.field, i.severity) for i in result.issues] == [
        (2, "doi", Severity.ERROR),
        (2, "pmid", Severity.ERROR),
        (3, "key", Severity.WARNING),
        (4, "", Severity.ERROR),
    ]
    assert "“PMID-abc” is not a PubMed ID" in result.issues[1].message
    assert result.issues[2].message == (
        "The key “Lee2019” (line 32) is used by an earlier entry too."
    )
    assert result.issues[3].message.startswith("The entry at line 38 could not be read")
    # The repeated key is still a record; so is the entry after the broken one.
    assert [r.source_row for r in result.records] == [1, 2, 3, 5]
    assert result.records[-1].title == "The entry after the broken one"


def test_repeated_field_is_read_once_with_a_warning():
    result = parse(b"@article{k, title={First}, title={Second}, year={2020}}")
    assert result.records[0].title == "First"
    assert result.warnings[0].field == "title"


def test_entry_without_title_or_year_is_reported():
    result = parse(b"@article{nt, year={2020}}\n@article{ny, title={No year}}")
    assert [r.title for r in result.records] == ["No year"]
    assert [(i.row, i.field) for i in result.issues] == [(1, "title"), (2, "year")]
    assert result.records[0].publication_date is None


def test_unknown_entry_type_is_read_as_article_with_a_warning():
    result = parse(b"@online{w, title={A web page}, year={2021}}")
    assert result.records[0].document_type == "Article"
    assert result.warnings[0].message == "The entry type @online was read as Article."


def test_files_without_entries_are_issues():
    assert parse(b"").issues[0].message == "The file is empty."
    assert parse(b"% only a comment\n").issues[0].message == (
        "The file holds no BibTeX entries."
    )
