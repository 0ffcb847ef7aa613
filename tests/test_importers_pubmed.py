"""PubMed XML import: the public NLM sample, our own two-record file, and
hostile or broken XML, each read through the parser's public `parse`."""

import datetime
import io
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publications.dates import PartialDate
from publications.importers import PARSERS, ParseResult, Severity
from publications.importers.base import NormalisedAuthor, NormalisedKeyword

FIXTURES = Path(__file__).parent / "fixtures" / "importers"
PROJECT = Path(__file__).resolve().parent.parent


def parse(data: bytes) -> ParseResult:
    return ParseResult.collect(PARSERS["pubmed"].parse(io.BytesIO(data)))


def parse_fixture(name: str) -> ParseResult:
    return parse((FIXTURES / name).read_bytes())


def test_pubmed_sample_gives_every_record_with_the_counts_its_sources_state(
    shared_data,
):
    with shared_data("pubmed_sample_2019.xml").open("rb") as stream:
        result = ParseResult.collect(PARSERS["pubmed"].parse(stream))
    records = result.records
    # Counts from ../shared/data/SOURCES.md.
    assert len(records) == 176
    assert sum(1 for r in records if r.abstract) == 115
    assert sum(1 for r in records if r.doi) == 70
    assert sum(1 for r in records if r.pmcid) == 20
    mesh = [k for r in records for k in r.keywords if k.vocabulary == "mesh"]
    assert len(mesh) == 1828
    assert all(k.identifier.startswith("D") for k in mesh)
    assert (
        sum(1 for r in records if any(k.vocabulary == "mesh" for k in r.keywords))
        == 156
    )
    assert (
        sum(1 for r in records if any(k.vocabulary == "author" for k in r.keywords))
        == 44
    )
    assert all(r.pmid and r.publication_date for r in records)
    assert [r.source_row for r in records] == list(range(1, 177))


def test_pubmed_sample_repeated_doi_is_reported_naming_both_records(shared_data):
    with shared_data("pubmed_sample_2019.xml").open("rb") as stream:
        result = ParseResult.collect(PARSERS["pubmed"].parse(stream))
    # Two versions of one Cochrane review share a DOI under different PMIDs.
    assert [(i.row, i.field, i.severity) for i in result.issues] == [
        (44, "doi", Severity.ERROR)
    ]
    assert result.issues[0].message == (
        "Row 44 has the same DOI as row 39 (10.1002/14651858.cd002020)."
    )


def test_pubmed_sample_record_is_read_field_by_field(shared_data):
    with shared_data("pubmed_sample_2019.xml").open("rb") as stream:
        records = ParseResult.collect(PARSERS["pubmed"].parse(stream)).records
    record = next(r for r in records if r.pmid == "30426925")
    assert record.title == "Closing the circle"
    assert record.abstract == (
        "In Chlamydomonas the different stages of the Calvin-Benson cycle take "
        "place in separate locations within the chloroplast."
    )
    assert record.publication_date == PartialDate(2018, 11, 14)
    assert record.epub_date == datetime.date(2018, 11, 14)
    assert record.document_type == "Article"
    assert record.venue_title == "eLife"
    assert record.venue_abbreviation == "Elife"
    assert (record.issn, record.eissn) == ("", "2050-084X")
    assert (record.volume, record.issue, record.pages) == ("7", "", "e42507")
    assert record.doi == "10.7554/elife.42507"
    assert record.pmcid == "PMC6235559"
    assert record.source_citation == (
        "Elife. 2018 Nov 14;7:e42507. doi: 10.7554/eLife.42507. Epub 2018 Nov 14."
    )
    assert record.authors == (
        NormalisedAuthor(
            family_name="Machingura",
            given_names="Marylou C",
            affiliations=(
                "Department of Biology, Georgia Southern University, Savannah, "
                "United States.",
            ),
        ),
        NormalisedAuthor(
            family_name="Moroney",
            given_names="James V",
            orcid="0000-0002-3652-5293",
            affiliations=(
                "Department of Biological Sciences, Louisiana State University, "
                "Baton Rouge, United States.",
            ),
        ),
    )
    assert record.keywords[:2] == (
        NormalisedKeyword(
            term="Chlamydomonas", vocabulary="mesh", identifier="D002696"
        ),
        NormalisedKeyword(
            term="Chlamydomonas reinhardtii", vocabulary="mesh", identifier="D016825"
        ),
    )
    assert len([k for k in record.keywords if k.vocabulary == "mesh"]) == 5
    assert [k.term for k in record.keywords if k.vocabulary == "author"][:3] == [
        "Chlamydomonas reinhardtii",
        "biochemistry",
        "carbon fixation",
    ]


def test_pubmed_orcids_are_read_in_each_of_their_written_forms(shared_data):
    with shared_data("pubmed_sample_2019.xml").open("rb") as stream:
        records = ParseResult.collect(PARSERS["pubmed"].parse(stream)).records
    orcids = {a.orcid for r in records for a in r.authors if a.orcid}
    # Written there as 16 bare digits, http:// and https:// URLs.
    assert orcids == {
        "0000-0001-7984-1889",
        "0000-0003-0572-4123",
        "0000-0002-4731-8118",
        "0000-0002-3652-5293",
    }
    corporate = [a.family_name for r in records for a in r.authors if a.is_corporate]
    assert "U.S. Preventive Services Task Force" in corporate


def test_structured_abstract_becomes_labelled_paragraphs_with_inline_markup_kept():
    record = parse_fixture("pubmed_two_articles.xml").records[0]
    assert record.abstract == (
        "<p><b>BACKGROUND:</b> Haemophagocytic lymphohistiocytosis (HLH) is rare "
        "&amp; severe; IL-2 &lt; 5 ng.</p>"
        "<p><b>METHODS:</b> We reviewed 40 cases of <i>Epstein-Barr</i> virus "
        "infection with CD8<sup>+</sup> counts.</p>"
        "<p><b>CONCLUSIONS:</b> Early treatment matters.</p>"
    )


def test_pubmed_record_builds_the_nlm_source_line_of_the_seed_record():
    result = parse_fixture("pubmed_two_articles.xml")
    first, second = result.records
    assert first.title == "Cytokine storm in HLH: a review of 40 cases"
    assert first.source_citation == (
        "Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.5555/BJH.0001. "
        "Epub 2013 Apr 12."
    )
    assert first.publication_date == PartialDate(2013, 6)
    assert first.epub_date == datetime.date(2013, 4, 12)
    assert first.document_type == "Review"
    assert (first.doi, first.pmid, first.pmcid) == (
        "10.5555/bjh.0001",
        "99000001",
        "PMC9900001",
    )
    assert (first.issn, first.eissn) == ("", "1365-2141")
    # MedlineDate "1998 Dec-1999 Jan": the first part is the date, the whole
    # is printed.
    assert second.publication_date == PartialDate(1998, 12)
    assert second.source_citation == "Nurs Manag (Harrow). 1998 Dec-1999 Jan;5(8):6-9."
    assert second.document_type == "Letter"


def test_pubmed_authors_keep_orcid_affiliations_email_and_group_names():
    first = parse_fixture("pubmed_two_articles.xml").records[0]
    muller, wang, group = first.authors  # the author marked ValidYN="N" is left out
    assert muller == NormalisedAuthor(
        family_name="Müller",
        given_names="Jürgen",
        suffix="Jr",
        orcid="0000-0002-1825-0097",
        affiliations=(
            "Department of Pediatrics, Example Medical School, Worcester, MA, USA. "
            "Electronic address: j.mueller@example.edu.",
            "Department of Pathology, Example Medical School, Worcester, MA, USA.",
        ),
        email="j.mueller@example.edu",
    )
    assert (wang.family_name, wang.given_names, wang.orcid) == (
        "王",
        "小明",
        "0000-0001-7654-3210",
    )
    assert group == NormalisedAuthor(family_name="HLH Study Group", is_corporate=True)
    assert first.keywords == (
        NormalisedKeyword(term="Humans", vocabulary="mesh", identifier="D006801"),
        NormalisedKeyword(
            term="Lymphohistiocytosis, Hemophagocytic",
            vocabulary="mesh",
            identifier="D051359",
        ),
        NormalisedKeyword(term="cytokine storm"),
        NormalisedKeyword(term="macrophage activation"),
    )


def test_identifiers_of_cited_references_are_not_taken_for_the_articles_own():
    first = parse_fixture("pubmed_two_articles.xml").records[0]
    assert "cited" not in first.doi and first.pmid == "99000001"


def test_invalid_doi_and_orcid_are_errors_on_their_row_and_the_record_is_kept():
    result = parse_fixture("pubmed_two_articles.xml")
    assert [(i.row, i.field, i.severity) for i in result.issues] == [
        (2, "doi", Severity.ERROR),
        (2, "Author 1 ORCID", Severity.ERROR),
    ]
    assert "“not-a-doi” is not a DOI" in result.issues[0].message
    assert "check digit" in result.issues[1].message
    second = result.records[1]
    assert second.doi == "" and second.authors[0].orcid == ""


def test_truncated_file_keeps_records_before_the_cut_and_reports_it():
    data = (FIXTURES / "pubmed_two_articles.xml").read_bytes()
    cut = data[: data.index(b"A letter on ward rounds")]
    result = parse(cut)
    assert [r.pmid for r in result.records] == ["99000001"]
    [issue] = result.issues
    assert issue.row == 2
    assert "not well-formed" in issue.message and "cut short" in issue.message


def test_malformed_xml_is_an_issue_with_its_line():
    result = parse(
        b"<?xml version='1.0'?>\n<PubmedArticleSet>\n<PubmedArticle>\n"
        b"</Wrong></PubmedArticleSet>"
    )
    assert result.records == []
    [issue] = result.issues
    assert issue.severity == Severity.ERROR
    assert "line 4" in issue.message


def test_external_entity_is_refused_and_the_file_it_names_is_never_read():
    result = parse_fixture("xxe_file.xml")
    assert result.records == []
    [issue] = result.issues
    assert issue.row is None
    assert "declares XML entities" in issue.message
    assert "root:" not in str(result)


def test_external_parameter_entity_is_refused():
    result = parse_fixture("xxe_parameter_entity.xml")
    assert result.records == []
    assert "declares XML entities" in result.issues[0].message


def test_billion_laughs_is_refused_quickly():
    started = time.monotonic()
    result = parse_fixture("billion_laughs.xml")
    assert time.monotonic() - started < 2
    assert result.records == []
    assert "expand without limit" in result.issues[0].message


def test_doctype_pointing_at_a_local_file_is_not_loaded():
    result = parse_fixture("external_dtd.xml")
    [record] = result.records
    assert record.title == "A record whose DOCTYPE points at a local file"
    assert "root:" not in str(result)


def test_xml_with_another_root_is_not_taken_for_pubmed():
    result = parse_fixture("not_pubmed.xml")
    assert result.records == []
    assert result.issues[0].message == (
        "This XML file is not a PubMed export: its root element is <OAI-PMH>, "
        "not <PubmedArticleSet>."
    )


def test_utf16_xml_is_refused_with_a_message():
    data = (FIXTURES / "pubmed_two_articles.xml").read_text().encode("utf-16")
    result = parse(data)
    assert result.records == []
    assert "UTF-16" in result.issues[0].message


def test_empty_and_non_xml_files_are_issues():
    assert parse(b"").issues[0].message == "The file is empty."
    assert parse(b"   \n").issues[0].message == "The file is empty."
    assert parse(b"PMID- 12345\nTI  - MEDLINE text").records == []
    assert "no <PubmedArticle>" in parse(b"<PubmedArticleSet/>").issues[0].message


MEMORY_PROBE = """
import itertools, sys
from publications.importers import PARSERS

ARTICLE = (
    "<PubmedArticle><MedlineCitation><PMID>{n}</PMID><Article><Journal>"
    "<JournalIssue><PubDate><Year>2001</Year></PubDate></JournalIssue>"
    "<Title>Journal of Memory</Title></Journal><ArticleTitle>Record {n}"
    "</ArticleTitle><Abstract><AbstractText>" + "A sentence of text. " * 80 +
    "</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>"
)

class Articles:
    '''A PubMed file of N records, made as it is read.'''
    def __init__(self, count):
        self.parts = itertools.chain(
            [b"<PubmedArticleSet>"],
            (ARTICLE.format(n=n + 1).encode() for n in range(count)),
            [b"</PubmedArticleSet>"],
        )
        self.buffer = b""
    def read(self, size=-1):
        while size < 0 or len(self.buffer) < size:
            part = next(self.parts, None)
            if part is None:
                break
            self.buffer += part
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

def peak_kib():
    # VmHWM, unlike ru_maxrss, starts afresh at exec: the parent's peak
    # does not show through.
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1])

count = int(sys.argv[1])
records = 0
for item in PARSERS["pubmed"].parse(Articles(count)):
    records += 1
    if records == 1000:
        early = peak_kib()
print(records, early, peak_kib())
"""


@pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads peak memory from /proc"
)
def test_pubmed_memory_stays_flat_however_long_the_file():
    # About 9 MB of XML, generated while it is read. Kept whole, its tree adds
    # some 20 MB to the peak; cleared as it goes, under 2 MB.
    count = 5_000
    probe = subprocess.run(  # noqa: S603 (our own script, run by this Python)
        [sys.executable, "-c", MEMORY_PROBE, str(count)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    records, early_kib, final_kib = map(int, probe.stdout.split())
    assert records == count
    assert final_kib - early_kib < 8 * 1024, (early_kib, final_kib)


def minimal_article(pub_date: bytes, extra: bytes = b"") -> bytes:
    return (
        b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99000009</PMID>"
        b"<Article><Journal><JournalIssue><PubDate>" + pub_date + b"</PubDate>"
        b"</JournalIssue><Title>Journal</Title></Journal>"
        b"<ArticleTitle>Dated</ArticleTitle>" + extra + b"</Article>"
        b"</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )


def test_unreadable_print_date_is_an_error_and_the_online_date_stands_in():
    online = (
        b'<ArticleDate DateType="Electronic"><Year>2013</Year><Month>04</Month>'
        b"<Day>12</Day></ArticleDate>"
    )
    result = parse(minimal_article(b"<Year>2013</Year><Month>13</Month>", online))
    assert [(i.field, i.message) for i in result.issues] == [
        ("PubDate", "13 is not a month (1 to 12).")
    ]
    assert result.records[0].publication_date == PartialDate(2013, 4, 12)


def test_record_without_any_date_is_kept_with_an_error():
    result = parse(minimal_article(b""))
    assert [(i.field, i.message) for i in result.issues] == [
        ("PubDate", "The record has no publication date.")
    ]
    assert result.records[0].publication_date is None


def test_prolog_too_long_to_check_is_refused():
    padding = b"<!-- " + b"x" * (2 * 1024 * 1024) + b" -->"
    result = parse(b"<?xml version='1.0'?>" + padding + b"<PubmedArticleSet/>")
    assert result.records == []
    assert "more than 1 MiB before its first element" in result.issues[0].message


def test_entity_declaration_split_across_read_chunks_is_still_found():
    # The DOCTYPE starts in the first 64 KiB read and declares its entity in
    # the next.
    comment = b"<!-- " + b"x" * (64 * 1024 - 100) + b" -->"
    doctype = b"<!DOCTYPE PubmedArticleSet [" + b" " * 200 + b'<!ENTITY e "e">]>'
    result = parse(comment + doctype + b"<PubmedArticleSet>&e;</PubmedArticleSet>")
    assert result.records == []
    assert "declares XML entities" in result.issues[0].message
