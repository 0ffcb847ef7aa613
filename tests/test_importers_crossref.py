"""Crossref REST API works JSON: the public three-item sample and works we
write here."""

import datetime
import io
import json

from publications.dates import PartialDate
from publications.importers import PARSERS, ParseResult, Severity
from publications.importers.base import NormalisedAuthor


def parse(data: bytes) -> ParseResult:
    return ParseResult.collect(PARSERS["crossref"].parse(io.BytesIO(data)))


def work_message(**work) -> bytes:
    body = {"DOI": "10.5555/work.1", "type": "journal-article", "title": ["A work"]}
    body.update(work)
    return json.dumps(
        {"status": "ok", "message-type": "work", "message": body}
    ).encode()


def test_crossref_work_list_sample_gives_its_three_items(shared_data):
    with shared_data("crossref_api_works_sample.json").open("rb") as stream:
        result = ParseResult.collect(PARSERS["crossref"].parse(stream))
    first, second, third = result.records
    assert [r.document_type for r in result.records] == [
        "Article",
        "Conference Proceeding",
        "Article",
    ]
    assert first.title == "Inside SSL: accelerating secure transactions"
    assert first.publication_date == PartialDate(2002, 9)
    assert (first.venue_title, first.venue_abbreviation) == (
        "IT Professional",
        "IT Prof.",
    )
    assert (first.volume, first.issue, first.pages) == ("4", "5", "37-41")
    assert first.issn == "1520-9202"
    assert first.doi == "10.1109/mitp.2002.1041177"
    assert first.authors == (NormalisedAuthor(family_name="Chou", given_names="W."),)
    assert first.source_citation == (
        "IT Prof. 2002 Sep;4(5):37-41. doi: 10.1109/mitp.2002.1041177."
    )
    assert len(second.authors) == 5
    # Print date for the record, the online date as the electronic one.
    assert third.publication_date == PartialDate(2011, 6)
    assert third.epub_date == datetime.date(2009, 9, 23)
    assert (third.issn, third.eissn) == ("0025-5610", "1436-4646")
    assert third.publisher == "Springer Science and Business Media LLC"


def test_crossref_item_without_any_date_is_an_error_on_its_row(shared_data):
    with shared_data("crossref_api_works_sample.json").open("rb") as stream:
        result = ParseResult.collect(PARSERS["crossref"].parse(stream))
    # The proceedings paper has "issued": {"date-parts": [[null]]} and no other date.
    assert [(i.row, i.field, i.message) for i in result.issues] == [
        (2, "issued", "The work has no publication date.")
    ]
    assert result.records[1].publication_date is None


def test_single_work_with_jats_abstract_orcid_url_and_partial_date():
    data = work_message(
        title=["Ferritin in HLH"],
        subtitle=["a cohort"],
        abstract=(
            "<jats:title>Abstract</jats:title><jats:sec><jats:title>Background"
            "</jats:title><jats:p>Ferritin &gt; 10 000 in <jats:italic>most"
            "</jats:italic> cases.</jats:p></jats:sec><jats:sec><jats:title>"
            "Methods</jats:title><jats:p>CO<jats:sub>2</jats:sub> was "
            "measured.<script>alert(1)</script></jats:p></jats:sec>"
        ),
        author=[
            {
                "given": "Seán",
                "family": "O'Brien",
                "ORCID": "http://orcid.org/0000-0002-1825-0097",
                "authenticated-orcid": False,
                "affiliation": [{"name": "Department of Pediatrics"}],
            },
            {"name": "HLH Study Group", "sequence": "additional", "affiliation": []},
        ],
        issued={"date-parts": [[2019, 4]]},
        **{"container-title": ["Haematologica"], "page": "455–462"},
    )
    result = parse(data)
    assert result.issues == []
    [work] = result.records
    assert work.title == "Ferritin in HLH: a cohort"
    assert work.abstract == (
        "<p><b>Background:</b> Ferritin &gt; 10 000 in <i>most</i> cases.</p> "
        "<p><b>Methods:</b> CO<sub>2</sub> was measured.</p>"
    )
    assert work.publication_date == PartialDate(2019, 4)
    assert work.pages == "455-462"
    assert work.authors == (
        NormalisedAuthor(
            family_name="O'Brien",
            given_names="Seán",
            orcid="0000-0002-1825-0097",
            affiliations=("Department of Pediatrics",),
        ),
        NormalisedAuthor(family_name="HLH Study Group", is_corporate=True),
    )


def test_crossref_types_map_to_document_types():
    types = {
        "book-chapter": "Book Chapter",
        "monograph": "Book",
        "posted-content": "Preprint",
        "dissertation": "Dissertation",
        "report": "Report",
        "dataset": "Dataset",
    }
    for kind, name in types.items():
        data = work_message(type=kind, issued={"date-parts": [[2020]]})
        assert parse(data).records[0].document_type == name


def test_unknown_crossref_type_is_read_as_article_with_a_warning():
    result = parse(work_message(type="peer-review", issued={"date-parts": [[2020]]}))
    assert result.records[0].document_type == "Article"
    assert (
        result.warnings[0].message
        == "The Crossref type “peer-review” was read as Article."
    )


def test_bad_doi_orcid_and_date_are_errors_and_the_work_is_kept():
    data = work_message(
        DOI="not a doi",
        author=[
            {
                "given": "A",
                "family": "B",
                "ORCID": "https://orcid.org/0000-0002-1825-0098",
            }
        ],
        issued={"date-parts": [[2020, 13]]},
    )
    result = parse(data)
    assert [(i.field, i.severity) for i in result.issues] == [
        ("issued", Severity.ERROR),
        ("DOI", Severity.ERROR),
        ("author 1 ORCID", Severity.ERROR),
    ]
    [work] = result.records
    assert (work.doi, work.publication_date, work.authors[0].orcid) == ("", None, "")


def test_bare_work_objects_and_lists_are_accepted():
    work = {"DOI": "10.5555/w", "title": ["Bare"], "issued": {"date-parts": [[2020]]}}
    assert parse(json.dumps(work).encode()).records[0].title == "Bare"
    assert (
        len(parse(json.dumps([work, work | {"DOI": "10.5555/x"}]).encode()).records)
        == 2
    )


def test_broken_or_foreign_json_is_an_issue():
    assert parse(b"").issues[0].message == "The file is empty."
    broken = parse(b'{"message-type": "work",\n "message": {')
    assert broken.issues[0].message.startswith("The file is not valid JSON (line 2,")
    foreign = parse(b'{"status": "ok", "message-type": "member"}')
    assert "not a Crossref works response" in foreign.issues[0].message
    deep = parse(b"[" * 100_000 + b"]" * 100_000)
    assert deep.records == [] and deep.issues[0].message == (
        "The file is not readable JSON text."
    )
    odd = parse(b'[1, {"title": []}, {"title": [{"nested": true}], "DOI": 5}]')
    assert odd.records == []
    assert [i.row for i in odd.issues] == [1, 2, 3]
