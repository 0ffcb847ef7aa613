"""Every citation format, parsed back with a real reader of that format.

Records carry the characters that break citation files: LaTeX specials,
XML markup, accents, Greek, Cyrillic and Chinese, and control characters
that XML 1.0 forbids. Each format must round-trip every field.
"""

import json
import warnings
from pathlib import Path

import bibtexparser
import citeproc
import pytest
import rispy
from bibtexparser import middlewares
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from lxml import etree
from pylatexenc import latex2text

from publications import services
from publications.demo.seed import seed_record_load
from publications.exports import EXPORT_FORMATS
from publications.models import DocumentType, Publication
from tests.factories import (
    DepartmentFactory,
    DocumentTypeFactory,
    KeywordFactory,
    PersonFactory,
    PublicationFactory,
    VenueFactory,
)

BASE_URL = "https://repository.example.edu"

# Stored as typed, with a form feed and an escape character pasted in.
HOSTILE_TITLE = (
    'Müller & José: {HLH} costs 50% of $5 in #3 a_b ~x^2 C:\\temp <b>"q"</b> '
    "中文 Ελληνικά Русский\x0c end\x1b"
)
# What every format must give back: the control characters gone.
CLEAN_TITLE = (
    'Müller & José: {HLH} costs 50% of $5 in #3 a_b ~x^2 C:\\temp <b>"q"</b> '
    "中文 Ελληνικά Русский end"
)
HOSTILE_ABSTRACT = (
    "<p>H<sub>2</sub>O &amp; 50% of $5, #1 a_b {x} ~y^2 back\\slash é.</p>"
    "<p>Второй абзац 中文\x0b here.</p>"
)
ABSTRACT_PARAGRAPHS = [
    "H2O & 50% of $5, #1 a_b {x} ~y^2 back\\slash é.",
    "Второй абзац 中文 here.",
]
# (family, given, suffix) as each format writes them back.
HOSTILE_AUTHORS = [
    ("Müller", "José", ""),
    ("O'Brien & {Sons}", "Seán_#1 100%", "Jr"),
    ("World Health Organization and Partners", "", ""),
    ("Παπαδόπουλος", "Γιώργος", ""),
    ("Иванов", "Иван", ""),
    ("王", "小明", ""),
    ("Back\\slash", "Tilde~Caret^", ""),
]
KEYWORDS = ["Lymphohistiocytosis, Hemophagocytic", "Ελληνικά & $ymbols"]
DEPARTMENTS = ["Department of Pediatrics", "Dept. of R&D_1"]


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.REPOSITORY = {**settings.REPOSITORY, "BASE_URL": BASE_URL}


@pytest.fixture
def hostile():
    people = [
        PersonFactory(family_name=family, given_names=given, suffix=suffix)
        for family, given, suffix in HOSTILE_AUTHORS
    ]
    venue = VenueFactory(
        title="Journal of A & B {Studies} 100%",
        abbreviation="J A&B Stud",
        issn="1234-5678",
        publisher="Wiley & Sons_Ltd",
    )
    return services.publication_create(
        title=HOSTILE_TITLE,
        pub_year=2021,
        pub_month=3,
        pub_day=9,
        document_type=DocumentTypeFactory(),
        venue=venue,
        volume="12",
        issue="3_4",
        pages="1199-201",
        abstract=HOSTILE_ABSTRACT,
        doi="10.1000/hostile_doi(2021)#x",
        pmid="12345678",
        pmcid="PMC765",
        authors=[services.AuthorInput(person=person) for person in people],
        departments=[
            DepartmentFactory(name=name, slug=f"department-{n}")
            for n, name in enumerate(DEPARTMENTS)
        ],
        keywords=[
            KeywordFactory(term=term, slug=f"keyword-{n}")
            for n, term in enumerate(KEYWORDS)
        ],
        status=Publication.Status.PUBLISHED,
    )


@pytest.fixture
def seed():
    return seed_record_load()


def export(fmt: str, *records: Publication) -> str:
    """The file a reader downloads, rendered from freshly loaded records."""
    publications = (
        Publication.objects.published()
        .for_record()
        .filter(pk__in=[r.pk for r in records])
        .order_by("pk")
    )
    return "".join(EXPORT_FORMATS[fmt].render(publications))


def record_url(publication: Publication) -> str:
    return f"{BASE_URL}/publications/{publication.pk}/"


# --- BibTeX, read with bibtexparser 2 and decoded with pylatexenc ---------


# pylatexenc reads \textasciicircum as U+02C6; LaTeX prints the ASCII caret.
def _latex_decoder() -> latex2text.LatexNodes2Text:
    context = latex2text.get_default_latex_context_db()
    context.add_context_category(
        "ascii-caret",
        macros=[latex2text.MacroTextSpec("textasciicircum", "^")],
        prepend=True,
    )
    return latex2text.LatexNodes2Text(latex_context=context)


LATEX_DECODER = _latex_decoder()


def latex_to_text(value: str) -> str:
    return LATEX_DECODER.latex_to_text(value)


def parse_bibtex(text: str):
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.LatexDecodingMiddleware(decoder=LATEX_DECODER),
        ],
    )
    assert library.failed_blocks == []
    return library.entries


def bibtex_names(entry) -> list[tuple[str, str, str]]:
    """(family, given, suffix) of each author, LaTeX decoded."""

    def decoded(parts):
        return latex_to_text(" ".join(parts))

    return [
        (decoded(name.von + name.last), decoded(name.first), decoded(name.jr))
        for name in entry.fields_dict["author"].value
    ]


@pytest.mark.django_db
def test_bibtex_round_trips_every_field_of_a_hostile_record(hostile):
    text = export("bibtex", hostile)
    [entry] = parse_bibtex(text)
    fields = {key: field.value for key, field in entry.fields_dict.items()}

    assert (entry.entry_type, entry.key) == ("article", "Muller2021Muller")
    assert bibtex_names(entry) == HOSTILE_AUTHORS
    assert fields["title"] == CLEAN_TITLE
    assert fields["journal"] == "Journal of A & B {Studies} 100%"
    assert fields["shortjournal"] == "J A&B Stud"
    assert (fields["year"], fields["month"], fields["day"]) == ("2021", "mar", "9")
    assert (fields["volume"], fields["number"]) == ("12", "3_4")
    assert fields["pages"] == "1199–1201"  # "--" is LaTeX's en dash
    assert fields["doi"] == "10.1000/hostile_doi(2021)#x"
    assert (fields["pmid"], fields["pmcid"]) == ("12345678", "PMC765")
    assert (fields["issn"], fields["publisher"]) == ("1234-5678", "Wiley & Sons_Ltd")
    assert fields["keywords"].split("; ") == KEYWORDS
    assert fields["abstract"] == " ".join(ABSTRACT_PARAGRAPHS)
    assert fields["url"] == record_url(hostile)


@pytest.mark.django_db
def test_bibtex_keeps_non_ascii_as_utf8_and_escapes_latex_specials(hostile):
    text = export("bibtex", hostile)
    assert "Müller" in text and "中文" in text and "Русский" in text
    assert r"50\% of \$5 in \#3 a\_b" in text
    assert r"\textasciitilde{}x\textasciicircum{}2 C:\textbackslash{}temp" in text
    assert r"{\{HLH\}}" in text  # escaped, and braced against lower-casing


@pytest.mark.django_db
def test_bibtex_keeps_a_group_author_whole(hostile):
    text = export("bibtex", hostile)
    assert " and {World Health Organization and Partners} and " in text


@pytest.mark.django_db
def test_bibtex_of_the_seed_record_reads_as_its_page_shows(seed):
    [entry] = parse_bibtex(export("bibtex", seed))
    fields = {key: field.value for key, field in entry.fields_dict.items()}
    assert entry.key == "Advances2013"  # no authors: the title word leads
    assert fields["title"] == "Advances in understanding the pathogenesis of HLH"
    assert "author" not in fields
    assert fields["journal"] == "British journal of haematology"
    assert fields["shortjournal"] == "Br J Haematol"
    assert (fields["year"], fields["month"]) == ("2013", "jun")
    assert "day" not in fields
    assert (fields["volume"], fields["number"]) == ("161", "5")
    assert fields["pages"] == "609–622"
    assert fields["doi"] == "10.1111/bjh.12293"
    assert fields["keywords"] == "Lymphohistiocytosis, Hemophagocytic"
    assert fields["abstract"].startswith("Haemophagocytic lymphohistiocytosis (HLH)")


@pytest.mark.django_db
def test_bibtex_month_is_the_standard_macro_readers_turn_into_a_number(seed):
    library = bibtexparser.parse_string(
        export("bibtex", seed), append_middleware=[middlewares.MonthIntMiddleware()]
    )
    assert library.entries[0].fields_dict["month"].value == 6


@pytest.mark.django_db
def test_bibtex_keys_stay_unique_within_one_file():
    person = PersonFactory(family_name="Smith", given_names="Ann")
    first, second = (
        PublicationFactory(title="Cancer care", pub_year=2020, authors=[person])
        for _ in range(2)
    )
    keys = [entry.key for entry in parse_bibtex(export("bibtex", first, second))]
    assert keys == ["Smith2020Cancer", "Smith2020Cancer-2"]


# --- RIS, read with rispy ---------------------------------------------------


@pytest.mark.django_db
def test_ris_round_trips_every_field_of_a_hostile_record(hostile):
    [entry] = rispy.loads(export("ris", hostile))
    assert entry["type_of_reference"] == "JOUR"
    assert entry["authors"] == [
        ", ".join(part for part in name if part) for name in HOSTILE_AUTHORS
    ]
    assert entry["title"] == CLEAN_TITLE
    assert entry["secondary_title"] == "Journal of A & B {Studies} 100%"
    assert entry["journal_name"] == "J A&B Stud"
    assert (entry["year"], entry["date"]) == ("2021", "2021/03/09/")
    assert (entry["volume"], entry["number"]) == ("12", "3_4")
    assert (entry["start_page"], entry["end_page"]) == ("1199", "1201")
    assert entry["doi"] == "10.1000/hostile_doi(2021)#x"
    assert (entry["accession_number"], entry["custom2"]) == ("12345678", "PMC765")
    assert (entry["issn"], entry["publisher"]) == ("1234-5678", "Wiley & Sons_Ltd")
    assert entry["keywords"] == KEYWORDS
    assert entry["abstract"] == " ".join(ABSTRACT_PARAGRAPHS)
    assert entry["urls"] == [record_url(hostile)]
    assert entry["notes"] == [f"EU Affiliation: {'; '.join(DEPARTMENTS)}"]


@pytest.mark.django_db
def test_ris_starts_with_ty_ends_with_er_and_uses_crlf_throughout(hostile, seed):
    text = export("ris", hostile, seed)
    lines = text.split("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    assert lines[0] == "TY  - JOUR"
    assert text.endswith("ER  - \r\n")
    assert [line[:6] for line in lines if line[:2] in ("TY", "ER")] == [
        "TY  - ",
        "ER  - ",
        "TY  - ",
        "ER  - ",
    ]


@pytest.mark.django_db
def test_ris_of_the_seed_record_gives_whole_start_and_end_pages(seed):
    [entry] = rispy.loads(export("ris", seed))
    assert entry["title"] == "Advances in understanding the pathogenesis of HLH"
    assert "authors" not in entry
    assert (entry["year"], entry["date"]) == ("2013", "2013/06//")
    assert (entry["start_page"], entry["end_page"]) == ("609", "622")
    assert entry["keywords"] == ["Lymphohistiocytosis, Hemophagocytic"]
    assert entry["notes"] == [
        "EU Affiliation: Department of Pediatrics; Department of Pathology"
    ]


# --- CSL-JSON, checked against the CSL schema and formatted by citeproc-py --

CSL_SCHEMA = Path(citeproc.SCHEMA_PATH)
RELAXNG = {"r": "http://relaxng.org/ns/structure/1.0"}


def csl_schema_values(xpath: str) -> set[str]:
    return set(etree.parse(CSL_SCHEMA).xpath(xpath, namespaces=RELAXNG))


CSL_TYPES = csl_schema_values("//r:define[@name='item-types']//r:value/text()")
CSL_VARIABLES = csl_schema_values(
    "//r:define[starts-with(@name, 'variables')]//r:value/text()"
)


def format_with_citeproc(items: list[dict]) -> dict[str, str]:
    """Each item's Harvard bibliography entry, by id. citeproc-py warns about
    any variable or name part it does not know; here that is an error."""
    entries = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        source = CiteProcJSON(items)
        style = CitationStylesStyle("harvard-cite-them-right", validate=False)
        for item in items:
            bibliography = CitationStylesBibliography(style, source, formatter.plain)
            bibliography.register(Citation([CitationItem(item["id"])]))
            [entry] = bibliography.bibliography()
            entries[item["id"]] = str(entry)
    return entries


@pytest.mark.django_db
def test_csl_json_round_trips_every_field_of_a_hostile_record(hostile):
    [item] = json.loads(export("csl-json", hostile))
    assert (item["id"], item["type"]) == ("Muller2021Muller", "article-journal")
    assert item["author"][:3] == [
        {"family": "Müller", "given": "José"},
        {"family": "O'Brien & {Sons}", "given": "Seán_#1 100%", "suffix": "Jr"},
        {"literal": "World Health Organization and Partners"},
    ]
    assert len(item["author"]) == len(HOSTILE_AUTHORS)
    assert item["title"] == CLEAN_TITLE
    assert item["container-title"] == "Journal of A & B {Studies} 100%"
    assert item["container-title-short"] == "J A&B Stud"
    assert item["issued"] == {"date-parts": [[2021, 3, 9]]}
    assert (item["volume"], item["issue"]) == ("12", "3_4")
    assert (item["page"], item["page-first"]) == ("1199-1201", "1199")
    assert item["DOI"] == "10.1000/hostile_doi(2021)#x"
    assert (item["PMID"], item["PMCID"]) == ("12345678", "PMC765")
    assert (item["ISSN"], item["publisher"]) == ("1234-5678", "Wiley & Sons_Ltd")
    assert item["keyword"].split("; ") == KEYWORDS
    assert item["abstract"] == "\n\n".join(ABSTRACT_PARAGRAPHS)
    assert item["URL"] == record_url(hostile)


@pytest.mark.django_db
def test_csl_json_uses_only_types_and_variables_of_the_csl_schema(hostile, seed):
    items = json.loads(export("csl-json", hostile, seed))
    for item in items:
        assert item["type"] in CSL_TYPES
        assert set(item) - {"id", "type"} <= CSL_VARIABLES


@pytest.mark.django_db
def test_csl_json_partial_date_keeps_only_the_known_parts(seed):
    [item] = json.loads(export("csl-json", seed))
    assert item["issued"] == {"date-parts": [[2013, 6]]}
    assert item["page"] == "609-622"


@pytest.mark.django_db
def test_citeproc_formats_the_csl_json_into_a_bibliography_entry(hostile, seed):
    group = PersonFactory(family_name="World Health Organization", given_names="")
    ivanov = PersonFactory(family_name="Иванов", given_names="Иван")
    two_authors = PublicationFactory(title="Ελληνικά & 中文", authors=[ivanov, group])
    items = json.loads(export("csl-json", hostile, seed, two_authors))
    entries = format_with_citeproc(items)

    # Harvard shortens four or more authors to the first and "et al.".
    assert entries["Muller2021Muller"].startswith(
        f"Müller, J. et al. (2021) “{CLEAN_TITLE}”"
    )
    assert (
        "“Advances in understanding the pathogenesis of HLH”" in entries["Advances2013"]
    )
    assert "(2013)" in entries["Advances2013"]
    assert "161(5), pp. 609–622" in entries["Advances2013"]
    # No ASCII letter in the first author's name or the title: the id stands in.
    assert entries[f"record{two_authors.pk}-2020"].startswith(
        "Иванов, И. and World Health Organization (2020) “Ελληνικά & 中文”"
    )


# --- EndNote XML, read with lxml --------------------------------------------


def parse_endnote(text: str):
    # lxml refuses any file that is not well-formed XML 1.0.
    return etree.fromstring(text.encode("utf-8"))


@pytest.mark.django_db
def test_endnote_xml_is_well_formed_and_round_trips_a_hostile_record(hostile):
    root = parse_endnote(export("endnote", hostile))
    [record] = root.findall("records/record")

    def text(path: str) -> str:
        return record.findtext(path)

    assert root.tag == "xml"
    ref_type = record.find("ref-type")
    assert (ref_type.get("name"), ref_type.text) == ("Journal Article", "17")
    assert [a.text for a in record.findall("contributors/authors/author")] == [
        ", ".join(part for part in name if part) for name in HOSTILE_AUTHORS
    ]
    assert text("titles/title") == CLEAN_TITLE
    assert text("titles/secondary-title") == "Journal of A & B {Studies} 100%"
    assert text("titles/alt-title") == "J A&B Stud"
    assert text("periodical/full-title") == "Journal of A & B {Studies} 100%"
    assert text("periodical/abbr-1") == "J A&B Stud"
    assert (text("pages"), text("volume"), text("number")) == ("1199-1201", "12", "3_4")
    assert text("dates/year") == "2021"
    assert text("dates/pub-dates/date") == "2021 Mar 9"
    assert text("electronic-resource-num") == "10.1000/hostile_doi(2021)#x"
    assert (text("accession-num"), text("custom2")) == ("12345678", "PMC765")
    assert (text("isbn"), text("publisher")) == ("1234-5678", "Wiley & Sons_Ltd")
    assert text("abstract") == "\n\n".join(ABSTRACT_PARAGRAPHS)
    assert [k.text for k in record.findall("keywords/keyword")] == KEYWORDS
    assert text("urls/related-urls/url") == record_url(hostile)
    assert text("notes") == f"EU Affiliation: {'; '.join(DEPARTMENTS)}"


@pytest.mark.django_db
def test_endnote_xml_holds_one_record_per_publication(hostile, seed):
    root = parse_endnote(export("endnote", hostile, seed))
    records = root.findall("records/record")
    assert [r.findtext("titles/title") for r in records] == [
        CLEAN_TITLE,
        "Advances in understanding the pathogenesis of HLH",
    ]
    assert [r.findtext("dates/pub-dates/date") for r in records] == [
        "2021 Mar 9",
        "2013 Jun",
    ]


# --- All formats --------------------------------------------------------------

# Each format's reader, giving the list of records in a file.
READERS = {
    "bibtex": parse_bibtex,
    "ris": rispy.loads,
    "csl-json": json.loads,
    "endnote": lambda text: parse_endnote(text).findall("records/record"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "endnote_type", "bibtex_container"),
    [
        ("article", "Journal Article", "journal"),
        ("book", "Book", "series"),
        ("book-chapter", "Book Section", "booktitle"),
        ("conference-proceeding", "Conference Paper", "booktitle"),
        ("poster", "Conference Proceedings", "howpublished"),
        ("preprint", "Unpublished Work", "howpublished"),
        ("report", "Report", "institution"),
        ("dissertation", "Thesis", "school"),
        ("dataset", "Dataset", "howpublished"),
    ],
)
def test_each_document_type_maps_to_its_type_in_every_format(
    slug, endnote_type, bibtex_container
):
    document_type = DocumentType.objects.get(slug=slug)
    publication = PublicationFactory(document_type=document_type)
    [entry] = parse_bibtex(export("bibtex", publication))
    [ris] = rispy.loads(export("ris", publication))
    [item] = json.loads(export("csl-json", publication))
    [record] = READERS["endnote"](export("endnote", publication))

    assert entry.entry_type == document_type.bibtex_type
    assert entry.fields_dict[bibtex_container].value == publication.venue.title
    assert ris["type_of_reference"] == document_type.ris_type
    assert item["type"] == document_type.csl_type
    assert item["type"] in CSL_TYPES
    assert record.find("ref-type").get("name") == endnote_type


@pytest.mark.django_db
def test_a_type_with_an_unknown_ris_type_is_generic_in_endnote():
    document_type = DocumentType.objects.create(
        name="Software", slug="software", csl_type="software", ris_type="COMP"
    )
    publication = PublicationFactory(document_type=document_type)
    [record] = READERS["endnote"](export("endnote", publication))
    ref_type = record.find("ref-type")
    assert (ref_type.get("name"), ref_type.text) == ("Generic", "13")


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_an_empty_export_is_still_a_valid_file(fmt):
    assert READERS[fmt]("".join(EXPORT_FORMATS[fmt].render([]))) == []


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_exporting_many_records_costs_the_same_queries_as_one(
    fmt, django_assert_num_queries
):
    department = DepartmentFactory()
    PublicationFactory.create_batch(8, authors=3, departments=[department])
    seed_record_load()
    for count in (1, 9):
        publications = Publication.objects.published().for_record()[:count]
        # The records with venue and type, then their authors, departments,
        # subjects, keywords and related links: six for any number of records.
        with django_assert_num_queries(6):
            text = "".join(EXPORT_FORMATS[fmt].render(publications))
        assert len(READERS[fmt](text)) == count
