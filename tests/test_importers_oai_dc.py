"""OAI-PMH Dublin Core import: Digital Commons' qualified DC, DCMI terms,
plain oai_dc, this repository's own provider read back, and hostile or
broken responses, each read through the parser's public `parse`."""

import datetime
import io
import time
from pathlib import Path

import pytest
from django.test import Client

from publications.dates import PartialDate
from publications.importers import PARSERS, ParseResult, Severity, guess_format
from publications.models import Keyword, RelatedLink
from tests.factories import KeywordFactory, PublicationFactory, VenueFactory

FIXTURES = Path(__file__).parent / "fixtures" / "ingest_sources"
OAI = "http://www.openarchives.org/OAI/2.0/"


def parse(data: bytes) -> ParseResult:
    return ParseResult.collect(PARSERS["oai_dc"].parse(io.BytesIO(data)))


def parse_fixture(name: str) -> ParseResult:
    return parse((FIXTURES / name).read_bytes())


def list_records(*records: str, token: str = "") -> bytes:
    """A ListRecords response around `records` (XML of <record> elements)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OAI-PMH xmlns="{OAI}"><responseDate>2024-03-05T14:07:21Z</responseDate>'
        '<request verb="ListRecords">https://repository.example.org/oai</request>'
        f"<ListRecords>{''.join(records)}{token}</ListRecords></OAI-PMH>"
    ).encode()


def dc_record(elements: str, identifier: str = "oai:repository.example.org:1") -> str:
    """One oai_dc record; `elements` may use the dc: and dcterms: prefixes."""
    return (
        f"<record><header><identifier>{identifier}</identifier>"
        "<datestamp>2024-01-01</datestamp></header><metadata>"
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{elements}</oai_dc:dc></metadata></record>"
    )


def one_record(elements: str):
    result = parse(list_records(dc_record(elements)))
    [record] = result.records
    return record, result.issues


# Recorded responses


def test_dcterms_qualified_record_is_read_field_by_field():
    result = parse_fixture("qdc_get_record.xml")

    [record] = result.records
    assert result.issues == []
    assert record.source_row == 1
    assert record.title == "Secondary haemophagocytic syndromes in adults: a review"
    assert [(a.family_name, a.given_names) for a in record.authors] == [
        ("Rossi", "Giulia"),
        ("Ferreira", "João Paulo"),
    ]
    assert record.publication_date == PartialDate(2018, 11)
    assert record.epub_date == datetime.date(2018, 10, 2)
    assert record.document_type == "Review"
    assert record.abstract == (
        "<p>Secondary HLH in adults follows infection, cancer or autoimmune "
        "disease.</p><p>Treatment targets the trigger and the cytokine storm.</p>"
    )
    assert [(k.term, k.vocabulary) for k in record.keywords] == [
        ("Lymphohistiocytosis, Hemophagocytic", "mesh")
    ]
    assert record.subjects == ("Pathology",)
    assert (record.doi, record.pmid, record.pmcid) == (
        "10.5555/haem.2018.1103",
        "99000103",
        "PMC9900103",
    )
    assert (record.venue_title, record.issn, record.publisher) == (
        "Haematologica",
        "0390-6078",
        "Ferrata Storti Foundation",
    )
    assert (record.volume, record.issue, record.pages) == ("103", "11", "1770-1779")
    assert record.source_citation == "Haematologica. 2018 Nov;103(11):1770-1779."
    assert [(link.label, link.url) for link in record.related_links] == [
        (
            "Record at dspace.example.org",
            "https://dspace.example.org/handle/10400/881",
        ),
        ("Related resource", "https://data.example.org/dataset/hlh-cohort"),
    ]


def test_a_saved_list_page_is_read_and_said_to_be_one_page_of_more():
    result = parse_fixture("dcq_list_records_1.xml")

    assert [r.source_row for r in result.records] == [1, 3]
    assert [(i.row, i.severity, i.message) for i in result.issues] == [
        (
            2,
            Severity.WARNING,
            "The record oai:escholarship.example.edu:faculty_pubs-2077 is deleted at "
            "the source; nothing was imported for it.",
        ),
        (
            None,
            Severity.WARNING,
            "This response is one page of a longer list (it ends with a resumption "
            "token); harvest the repository to read the rest.",
        ),
    ]


def test_saved_error_responses_say_what_the_repository_answered():
    [issue] = parse_fixture("oai_error_cannot_disseminate.xml").issues
    assert issue.message.startswith(
        "The repository answered with the OAI-PMH error “cannotDisseminateFormat”: "
        "Unknown metadata format: marc21."
    )
    [issue] = parse_fixture("oai_no_records_match.xml").issues
    assert issue.message == (
        "The response holds no records: the repository found none matching the "
        "request (noRecordsMatch)."
    )


def test_list_responses_are_recognised_and_other_oai_responses_are_not():
    for name in ("dcq_list_records_1.xml", "qdc_get_record.xml"):
        data = (FIXTURES / name).read_bytes()
        assert guess_format(name, data[:8192]).name == "oai_dc"
    identify = (FIXTURES / "dcq_identify.xml").read_bytes()
    assert guess_format("identify.xml", identify).name != "oai_dc"


# Field mapping


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ("<dc:type>Article</dc:type>", "Article"),
        ("<dc:type>text</dc:type><dc:type>Journal Article</dc:type>", "Article"),
        ("<dc:type>info:eu-repo/semantics/bookPart</dc:type>", "Book Chapter"),
        (
            "<dc:type>info:eu-repo/semantics/conferenceObject</dc:type>",
            "Conference Proceeding",
        ),
        ("<dc:type>info:eu-repo/semantics/doctoralThesis</dc:type>", "Dissertation"),
        (
            "<dc:type>Editorial</dc:type><dc:type>info:eu-repo/semantics/other</dc:type>",
            "Editorial",
        ),
        ("<dc:type>case_report</dc:type>", "Case Report"),
        ("<dc:type>Technical Report</dc:type>", "Report"),
        ("<dc:type>Data set</dc:type>", "Dataset"),
        ("<dcterms:type>Preprint</dcterms:type>", "Preprint"),
    ],
)
def test_document_types_are_read_from_the_usual_type_words(types, expected):
    record, issues = one_record(f"<dc:title>T</dc:title><dc:date>2020</dc:date>{types}")

    assert record.document_type == expected
    assert issues == []


@pytest.mark.parametrize(
    ("types", "message"),
    [
        (
            "<dc:type>text</dc:type><dc:type>Newsletter</dc:type>",
            "The type “Newsletter” is not a document type here; the record was "
            "read as Article.",
        ),
        (
            "<dc:type>text</dc:type>",
            "The record names no document type (only “text”); it was read as Article.",
        ),
        ("", "The record names no document type; it was read as Article."),
    ],
)
def test_an_unknown_or_missing_type_is_read_as_article_with_a_warning(types, message):
    record, issues = one_record(f"<dc:title>T</dc:title><dc:date>2020</dc:date>{types}")

    assert record.document_type == "Article"
    assert [(i.row, i.field, i.severity, i.message) for i in issues] == [
        (1, "type", Severity.WARNING, message)
    ]


def test_identifiers_in_their_many_spellings_are_recognised():
    record, issues = one_record(
        "<dc:title>T</dc:title><dc:date>2020</dc:date><dc:type>Article</dc:type>"
        "<dc:identifier>https://repository.example.org/items/1</dc:identifier>"
        "<dc:identifier>info:doi/10.5555/ABC.1</dc:identifier>"
        "<dc:identifier>PMID: 99000301</dc:identifier>"
        "<dc:identifier>PMC9900301</dc:identifier>"
        "<dc:identifier>ISBN 978-0-00-000000-0</dc:identifier>"
        "<dc:identifier>https://repository.example.org/bitstream/1/paper.pdf</dc:identifier>"
        "<dc:identifier>https://doi.org/10.5555/second</dc:identifier>"
    )

    assert issues == []
    assert (record.doi, record.pmid, record.pmcid) == (
        "10.5555/abc.1",
        "99000301",
        "PMC9900301",
    )
    assert [(link.label, link.url) for link in record.related_links] == [
        ("Record at repository.example.org", "https://repository.example.org/items/1"),
        ("Full text", "https://repository.example.org/bitstream/1/paper.pdf"),
    ]
    assert all(link.kind == RelatedLink.Kind.OTHER for link in record.related_links)


def test_a_bad_identifier_is_an_error_naming_its_element():
    record, issues = one_record(
        "<dc:title>T</dc:title><dc:date>2020</dc:date><dc:type>Article</dc:type>"
        "<dc:identifier>doi:10.5555/ bad</dc:identifier>"
    )

    assert record.doi == ""
    assert [(i.field, i.severity) for i in issues] == [("identifier", Severity.ERROR)]
    assert "is not a DOI" in issues[0].message


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        # DSpace lists deposit dates too; the earliest is the publication.
        (
            "<dc:date>2015-03-02T10:11:12Z</dc:date><dc:date>2013-06</dc:date>"
            "<dc:date>2015-03-02T10:11:12Z</dc:date>",
            PartialDate(2013, 6),
        ),
        (
            "<dcterms:created>2012</dcterms:created><dcterms:issued>2013-06-12"
            "</dcterms:issued>",
            PartialDate(2013, 6, 12),
        ),
        (
            "<dc:date.created>2013-01-01T08:00:00Z</dc:date.created>",
            PartialDate(2013, 1, 1),
        ),
        # An unreadable preferred date gives way to a readable one.
        (
            "<dc:date.issued>Spring</dc:date.issued><dc:date>2014</dc:date>",
            PartialDate(2014),
        ),
    ],
)
def test_the_publication_date_is_the_most_telling_date_given(dates, expected):
    record, issues = one_record(
        f"<dc:title>T</dc:title><dc:type>Article</dc:type>{dates}"
    )

    assert record.publication_date == expected
    assert issues == []


def test_digital_commons_first_of_the_month_dates_take_the_citations_precision():
    record, _ = one_record(
        "<dc:title>T</dc:title><dc:type>Article</dc:type>"
        "<dc:date.created>2013-01-01T08:00:00Z</dc:date.created>"
        "<dc:source>Br J Haematol. 2013;161(5):609-22.</dc:source>"
    )
    assert record.publication_date == PartialDate(2013)


def test_a_record_without_a_readable_date_is_kept_with_an_error():
    record, issues = one_record(
        "<dc:title>T</dc:title><dc:type>Article</dc:type><dc:date>someday</dc:date>"
    )
    assert record.publication_date is None
    assert [(i.field, i.severity) for i in issues] == [("date", Severity.ERROR)]
    assert issues[0].message.startswith("“someday” is not a date.")

    record, issues = one_record("<dc:title>T</dc:title><dc:type>Article</dc:type>")
    assert [i.message for i in issues] == ["The record has no publication date."]


@pytest.mark.parametrize(
    ("citation", "fields"),
    [
        (
            "Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.1111/bjh.12293. Epub "
            "2013 Apr 12.",
            ("Br J Haematol", "161", "5", "609-22", "10.1111/bjh.12293"),
        ),
        ("Elife. 2018 Nov 14;7:e42508.", ("Elife", "7", "", "e42508", "")),
        (
            "Journal of Pediatrics, 162(4), 799-805.",
            ("Journal of Pediatrics", "162", "4", "799-805", ""),
        ),
        (
            "Journal of Pediatrics 162(4):799–805",
            ("Journal of Pediatrics", "162", "4", "799-805", ""),
        ),
        # Forms not recognised keep only the line as printed.
        ("Smith J, Doe A. A title. J Pediatr. 2013.", ("", "", "", "", "")),
        ("Presented at the Annual Meeting 2019", ("", "", "", "", "")),
    ],
)
def test_citation_lines_are_read_into_fields_where_their_form_is_known(
    citation, fields
):
    record, _ = one_record(
        "<dc:title>T</dc:title><dc:type>Article</dc:type><dc:date>2013</dc:date>"
        f"<dcterms:bibliographicCitation>{citation}</dcterms:bibliographicCitation>"
    )

    assert record.source_citation == citation
    assert (
        record.venue_title,
        record.volume,
        record.issue,
        record.pages,
        record.doi,
    ) == fields


def test_a_source_without_numbers_is_the_journal_title():
    record, _ = one_record(
        "<dc:title>T</dc:title><dc:type>Article</dc:type><dc:date>2013</dc:date>"
        "<dc:source>British Journal of Haematology</dc:source>"
    )
    assert (record.venue_title, record.source_citation) == (
        "British Journal of Haematology",
        "",
    )


def test_abstracts_keep_only_the_safe_markup():
    record, _ = one_record(
        "<dc:title>T</dc:title><dc:type>Article</dc:type><dc:date>2013</dc:date>"
        "<dc:description>&lt;p style='x'&gt;CD8&lt;sup&gt;+&lt;/sup&gt; cells"
        "&lt;img src=x onerror=alert(1)&gt;&lt;/p&gt;&lt;script&gt;steal()"
        "&lt;/script&gt;</dc:description>"
    )
    assert record.abstract == "<p>CD8<sup>+</sup> cells</p>"

    record, _ = one_record(
        "<dc:title>T</dc:title><dc:type>Article</dc:type><dc:date>2013</dc:date>"
        "<dcterms:abstract>IL-2 &lt; 5 ng &amp; rising</dcterms:abstract>"
        "<dc:description>Comments: presented in 2012.</dc:description>"
    )
    assert record.abstract == "IL-2 &lt; 5 ng &amp; rising"
    assert record.notes == "Comments: presented in 2012."


def test_creators_are_family_name_first_and_names_without_a_comma_organisations():
    record, _ = one_record(
        "<dc:title>T</dc:title><dc:type>Article</dc:type><dc:date>2013</dc:date>"
        "<dc:creator>Henter, Jan-Inge</dc:creator>"
        "<dc:creator>Smith, John, Jr.</dc:creator>"
        "<dc:creator>Histiocyte Society</dc:creator>"
        "<dc:contributor>Advisor, An</dc:contributor>"
    )
    assert [
        (a.family_name, a.given_names, a.suffix, a.is_corporate) for a in record.authors
    ] == [
        ("Henter", "Jan-Inge", "", False),
        ("Smith", "John", "Jr.", False),
        ("Histiocyte Society", "", "", True),
    ]


# Records that give nothing to import


def test_records_that_cannot_be_read_are_skipped_with_an_issue_naming_them():
    mods = (
        "<record><header><identifier>oai:x:2</identifier><datestamp>2024-01-01"
        '</datestamp></header><metadata><mods xmlns="http://www.loc.gov/mods/v3">'
        "<titleInfo><title>T</title></titleInfo></mods></metadata></record>"
    )
    no_metadata = (
        "<record><header><identifier>oai:x:3</identifier><datestamp>2024-01-01"
        "</datestamp></header></record>"
    )
    result = parse(
        list_records(
            dc_record("<dc:date>2020</dc:date>", identifier="oai:x:1"),
            mods,
            no_metadata,
            dc_record(
                "<dc:title>Kept</dc:title><dc:date>2020</dc:date><dc:type>Article"
                "</dc:type>",
                identifier="oai:x:4",
            ),
        )
    )

    assert [(r.source_row, r.title) for r in result.records] == [(4, "Kept")]
    assert [(i.row, i.field, i.message) for i in result.errors] == [
        (1, "title", "The record oai:x:1 has no title; skipped."),
        (
            2,
            "",
            "The record oai:x:2 is described in <mods>, not Dublin Core; skipped. "
            "Harvest with the metadata prefix oai_dc (or dcq from Digital Commons).",
        ),
        (3, "", "The record oai:x:3 has no metadata; skipped."),
    ]


def test_a_record_listed_again_replaces_its_earlier_copy_and_others_still_repeat():
    def copy(identifier: str, title: str, doi: str) -> str:
        return dc_record(
            f"<dc:title>{title}</dc:title><dc:date>2020</dc:date>"
            f"<dc:type>Article</dc:type><dc:identifier>doi:{doi}</dc:identifier>",
            identifier=identifier,
        )

    result = parse(
        list_records(
            copy("oai:x:1", "First version", "10.5555/one"),
            copy("oai:x:2", "Another paper", "10.5555/two"),
            copy("oai:x:1", "Second version", "10.5555/one"),
            copy("oai:x:1", "Third version", "10.5555/one"),
            # Another record claiming that DOI repeats its newest copy.
            copy("oai:x:5", "A different paper", "10.5555/one"),
        )
    )

    assert [(r.source_row, r.source_id) for r in result.records] == [
        (1, "oai:x:1"),
        (2, "oai:x:2"),
        (3, "oai:x:1"),
        (4, "oai:x:1"),
        (5, "oai:x:5"),
    ]
    assert [(i.row, i.field, i.severity, i.message) for i in result.issues] == [
        (
            3,
            "",
            Severity.WARNING,
            "Row 3 is a newer copy of row 1: the source listed the record again "
            "after it changed, so row 1 is skipped.",
        ),
        (
            4,
            "",
            Severity.WARNING,
            "Row 4 is a newer copy of row 3: the source listed the record again "
            "after it changed, so row 3 is skipped.",
        ),
        (
            5,
            "doi",
            Severity.ERROR,
            "Row 5 has the same DOI as row 4 (10.5555/one).",
        ),
    ]


def test_an_identifier_too_long_to_keep_is_read_with_a_warning_and_not_kept():
    long = "oai:repository.example.org:" + "x" * 300

    result = parse(
        list_records(
            dc_record(
                "<dc:title>Kept</dc:title><dc:date>2020</dc:date>"
                "<dc:type>Article</dc:type>",
                identifier=long,
            )
        )
    )

    [record] = result.records
    assert (record.title, record.source_id) == ("Kept", "")
    assert [(i.row, i.field, i.severity, i.message) for i in result.issues] == [
        (
            1,
            "identifier",
            Severity.WARNING,
            "The record's identifier is longer than 255 characters, so a later "
            "harvest cannot recognise the record by it.",
        )
    ]


def test_a_response_cut_short_keeps_the_records_before_the_break():
    whole = list_records(
        dc_record(
            "<dc:title>A</dc:title><dc:date>2020</dc:date><dc:type>Article</dc:type>"
        ),
        dc_record("<dc:title>B</dc:title><dc:date>2020</dc:date>"),
    )
    result = parse(whole[: whole.index(b"<dc:title>B")])

    assert [r.title for r in result.records] == ["A"]
    [issue] = result.errors
    assert issue.row is None
    assert issue.message.startswith("The response is not well-formed XML (line 2)")
    assert issue.message.endswith("Records before this point were read.")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The response is empty."),
        (
            b"<?xml version='1.0'?><PubmedArticleSet/>",
            "This is not an OAI-PMH response: its root element is "
            "<PubmedArticleSet>, not <OAI-PMH>.",
        ),
        ("<OAI-PMH/>".encode("utf-16"), "The file is UTF-16 or UTF-32 encoded"),
    ],
)
def test_what_is_not_an_oai_response_is_one_clear_issue(data, message):
    result = parse(data)
    assert result.records == []
    [issue] = result.issues
    assert issue.message.startswith(message)


@pytest.mark.parametrize("name", ["oai_billion_laughs.xml", "oai_external_entity.xml"])
def test_responses_declaring_entities_are_refused_without_expanding_them(name):
    started = time.monotonic()
    result = parse_fixture(name)

    assert result.records == []
    [issue] = result.issues
    assert issue.message == (
        "The response declares XML entities in its DOCTYPE. Entities can read "
        "local files or expand without limit, so it was refused; OAI-PMH "
        "responses never need them."
    )
    assert time.monotonic() - started < 1


# This repository's provider, read back through the test client


@pytest.mark.django_db
def test_qualified_dc_from_this_repository_reads_back_into_the_same_fields(settings):
    settings.REPOSITORY = {**settings.REPOSITORY, "OAI_IDENTIFIER": "repo.example.edu"}
    venue = VenueFactory(
        title="British journal of haematology",
        issn="0007-1048",
        publisher="Wiley",
    )
    publication = PublicationFactory(
        title="Advances in understanding the pathogenesis of HLH",
        venue=venue,
        pub_year=2013,
        pub_month=6,
        epub_date=datetime.date(2013, 4, 12),
        doi="10.5555/bjh.12293",
        pmid="99000401",
        pmcid="PMC9900401",
        publisher_url="https://onlinelibrary.example.com/doi/10.5555/bjh.12293",
        authors=2,
    )
    publication.keywords.add(
        KeywordFactory(term="Cytokines", vocabulary=Keyword.Vocabulary.MESH)
    )

    response = Client().get(
        "/oai",
        {
            "verb": "GetRecord",
            "metadataPrefix": "qdc",
            "identifier": f"oai:repo.example.edu:{publication.pk}",
        },
    )
    result = parse(response.content)

    [record] = result.records
    assert result.issues == []
    assert record.title == publication.title
    assert record.publication_date == PartialDate(2013, 6)
    assert record.epub_date == datetime.date(2013, 4, 12)
    assert (record.doi, record.pmid, record.pmcid) == (
        "10.5555/bjh.12293",
        "99000401",
        "PMC9900401",
    )
    assert (record.venue_title, record.issn, record.publisher) == (
        "British journal of haematology",
        "0007-1048",
        "Wiley",
    )
    assert [a.family_name for a in record.authors] == [
        a.person.family_name for a in publication.authorships.order_by("position")
    ]
    assert [(k.term, k.vocabulary) for k in record.keywords] == [("Cytokines", "mesh")]
    assert [link.url for link in record.related_links][1:] == [
        publication.publisher_url
    ]
