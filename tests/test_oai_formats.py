"""The metadata formats: oai_dc, qualified Dublin Core and MODS, field by
field, each response validated against the schemas (oai_dc in full; qdc and
MODS inside a fully validated envelope, their own schemas being absent from
the shared folder)."""

import datetime

import pytest
from lxml import etree

from publications import services
from publications.models import Keyword, Publication
from tests.factories import (
    DepartmentFactory,
    DocumentTypeFactory,
    KeywordFactory,
    PersonFactory,
    PublicationFactory,
    SubjectFactory,
    VenueFactory,
)
from tests.test_oai_schemas import NS, oai_response, schemas, xpath

__all__ = ["oai_response", "schemas"]  # fixtures used here

pytestmark = pytest.mark.django_db

BASE_URL = "https://escholarship.example.edu"
XSI_TYPE = f"{{{NS['xsi']}}}type"


@pytest.fixture
def repository(settings):
    settings.REPOSITORY = {
        **settings.REPOSITORY,
        "BASE_URL": BASE_URL,
        "OAI_IDENTIFIER": "escholarship.example.edu",
    }


@pytest.fixture
def record(repository):
    venue = VenueFactory(
        title="British journal of haematology",
        abbreviation="Br J Haematol",
        issn="0007-1048",
        eissn="1365-2141",
        publisher="Wiley",
    )
    henter = PersonFactory(given_names="Jan-Inge", family_name="Henter")
    horne = PersonFactory(
        given_names="AnnaCarin",
        family_name="Horne",
        suffix="Jr",
        orcid="0000-0002-1825-0097",
    )
    publication = PublicationFactory(
        title="Advances in understanding the pathogenesis of HLH",
        abstract="<p>First <i>italic</i> &amp; para.</p><p>Second  one.</p>",
        pub_year=2013,
        pub_month=6,
        epub_date=datetime.date(2013, 4, 12),
        document_type=DocumentTypeFactory(name="Review", slug="review"),
        venue=venue,
        volume="161",
        issue="5",
        pages="609-22",
        doi="10.1111/bjh.12293",
        pmid="23573877",
        pmcid="PMC3456789",
        publisher_url="https://onlinelibrary.wiley.com/doi/10.1111/bjh.12293",
        source_citation="Br J Haematol. 2013 Jun;161(5):609-22.",
        authors=[henter, horne],
        departments=[DepartmentFactory(slug="pediatrics")],
    )
    publication.subjects.set(
        [
            SubjectFactory(name="Pathology", slug="pathology"),
            SubjectFactory(name="Hemic and Lymphatic Diseases", slug="hemic"),
        ]
    )
    publication.keywords.set(
        [
            KeywordFactory(
                term="Lymphohistiocytosis, Hemophagocytic",
                vocabulary=Keyword.Vocabulary.MESH,
                identifier="D051359",
            ),
            KeywordFactory(term="cytokine storm"),
        ]
    )
    publication.related_links.create(
        label="Dataset", url="https://data.example.org/hlh", kind="dataset"
    )
    return publication


def get_metadata(oai_response, publication: Publication, prefix: str):
    document = oai_response(
        verb="GetRecord",
        identifier=f"oai:escholarship.example.edu:{publication.pk}",
        metadataPrefix=prefix,
    )
    [metadata] = xpath(document, "//oai:metadata/*")
    return metadata


def texts(element, path: str) -> list[str]:
    return xpath(element, f"{path}/text()")


def test_oai_dc_gives_every_field_of_the_record(oai_response, record):
    dc = get_metadata(oai_response, record, "oai_dc")

    assert dc.tag == f"{{{NS['oai_dc']}}}dc"
    assert dc.get(f"{{{NS['xsi']}}}schemaLocation") == (
        f"{NS['oai_dc']} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
    )
    assert texts(dc, "dc:title") == [
        "Advances in understanding the pathogenesis of HLH"
    ]
    assert texts(dc, "dc:creator") == ["Henter, Jan-Inge", "Horne, AnnaCarin, Jr"]
    assert texts(dc, "dc:subject") == [
        "Hemic and Lymphatic Diseases",
        "Pathology",
        "Lymphohistiocytosis, Hemophagocytic",
        "cytokine storm",
    ]
    assert texts(dc, "dc:description") == ["First italic & para.\nSecond one."]
    assert texts(dc, "dc:publisher") == ["Wiley"]
    assert texts(dc, "dc:date") == ["2013-06"]
    assert texts(dc, "dc:type") == ["Review", "info:eu-repo/semantics/review"]
    assert texts(dc, "dc:identifier") == [
        f"{BASE_URL}/publications/{record.pk}/",
        "https://doi.org/10.1111/bjh.12293",
        "https://pubmed.ncbi.nlm.nih.gov/23573877/",
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC3456789/",
    ]
    assert texts(dc, "dc:source") == ["Br J Haematol. 2013 Jun;161(5):609-22."]
    assert texts(dc, "dc:relation") == [
        "https://onlinelibrary.wiley.com/doi/10.1111/bjh.12293",
        "https://data.example.org/hlh",
    ]
    assert texts(dc, "dc:rights") == []
    assert texts(dc, "dc:language") == []  # the catalogue records no language


def test_oai_dc_gives_the_rights_statement_a_deployment_configures(
    oai_response, record, settings
):
    settings.REPOSITORY = {**settings.REPOSITORY, "RIGHTS": "Copyright the authors."}

    dc = get_metadata(oai_response, record, "oai_dc")

    assert texts(dc, "dc:rights") == ["Copyright the authors."]


def test_oai_dc_of_a_sparse_record_has_no_empty_elements(oai_response, repository):
    sparse = PublicationFactory(venue=None, volume="", issue="", pages="", abstract="")

    dc = get_metadata(oai_response, sparse, "oai_dc")

    assert [child.tag.split("}")[1] for child in dc] == [
        "title",
        "date",
        "type",
        "type",
        "identifier",
        "source",
    ]
    assert all(child.text.strip() for child in dc)


def test_qualified_dc_uses_dcmi_terms_and_encoding_schemes(oai_response, record):
    qdc = get_metadata(oai_response, record, "qdc")

    assert qdc.tag == f"{{{NS['qdc']}}}qualifieddc"

    def terms(name):
        return [
            (element.text, element.get(XSI_TYPE))
            for element in xpath(qdc, f"dcterms:{name}")
        ]

    assert terms("title") == [
        ("Advances in understanding the pathogenesis of HLH", None)
    ]
    assert terms("creator") == [
        ("Henter, Jan-Inge", None),
        ("Horne, AnnaCarin, Jr", None),
    ]
    assert terms("issued") == [("2013-06", "dcterms:W3CDTF")]
    assert terms("available") == [("2013-04-12", "dcterms:W3CDTF")]
    assert terms("abstract") == [("First italic & para.\nSecond one.", None)]
    assert terms("subject") == [
        ("Hemic and Lymphatic Diseases", None),
        ("Pathology", None),
        ("Lymphohistiocytosis, Hemophagocytic", "dcterms:MESH"),
        ("cytokine storm", None),
    ]
    assert terms("type") == [
        ("Review", None),
        ("info:eu-repo/semantics/review", "dcterms:URI"),
    ]
    assert terms("publisher") == [("Wiley", None)]
    assert terms("bibliographicCitation") == [
        ("Br J Haematol. 2013 Jun;161(5):609-22.", None)
    ]
    assert terms("isPartOf") == [
        ("British journal of haematology", None),
        ("urn:ISSN:0007-1048", "dcterms:URI"),
        ("urn:ISSN:1365-2141", "dcterms:URI"),
    ]
    assert [
        value for value, scheme in terms("identifier") if scheme == "dcterms:URI"
    ] == [
        f"{BASE_URL}/publications/{record.pk}/",
        "https://doi.org/10.1111/bjh.12293",
        "https://pubmed.ncbi.nlm.nih.gov/23573877/",
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC3456789/",
    ]
    assert [value for value, _ in terms("relation")] == [
        "https://onlinelibrary.wiley.com/doi/10.1111/bjh.12293",
        "https://data.example.org/hlh",
    ]
    # xsi:type values are QNames: their prefix must be bound where used.
    assert qdc.nsmap["dcterms"] == NS["dcterms"]


def test_mods_describes_title_names_dates_host_identifiers_and_subjects(
    oai_response, record
):
    mods = get_metadata(oai_response, record, "mods")

    assert mods.tag == f"{{{NS['mods']}}}mods"
    assert mods.get("version") == "3.7"
    assert texts(mods, "mods:titleInfo/mods:title") == [record.title]
    names = [
        {
            "family": texts(name, "mods:namePart[@type='family']"),
            "given": texts(name, "mods:namePart[@type='given']"),
            "suffix": texts(name, "mods:namePart[@type='termsOfAddress']"),
            "orcid": texts(name, "mods:nameIdentifier[@type='orcid']"),
            "role": texts(name, "mods:role/mods:roleTerm[@authority='marcrelator']"),
            "type": name.get("type"),
        }
        for name in xpath(mods, "mods:name")
    ]
    assert names == [
        {
            "family": ["Henter"],
            "given": ["Jan-Inge"],
            "suffix": [],
            "orcid": [],
            "role": ["author"],
            "type": "personal",
        },
        {
            "family": ["Horne"],
            "given": ["AnnaCarin"],
            "suffix": ["Jr"],
            "orcid": ["https://orcid.org/0000-0002-1825-0097"],
            "role": ["author"],
            "type": "personal",
        },
    ]
    [issued] = xpath(mods, "mods:originInfo/mods:dateIssued")
    assert (issued.text, issued.get("encoding"), issued.get("keyDate")) == (
        "2013-06",
        "w3cdtf",
        "yes",
    )
    assert texts(mods, "mods:originInfo/mods:publisher") == ["Wiley"]
    assert texts(mods, "mods:genre") == ["Review"]
    assert texts(mods, "mods:typeOfResource") == ["text"]
    assert texts(mods, "mods:abstract") == ["First italic & para.\nSecond one."]
    assert texts(mods, "mods:subject/mods:topic") == [
        "Hemic and Lymphatic Diseases",
        "Pathology",
        "Lymphohistiocytosis, Hemophagocytic",
        "cytokine storm",
    ]
    assert texts(mods, "mods:subject[@authority='mesh']/mods:topic") == [
        "Lymphohistiocytosis, Hemophagocytic"
    ]
    [host] = xpath(mods, "mods:relatedItem[@type='host']")
    assert texts(host, "mods:titleInfo[not(@type)]/mods:title") == [
        "British journal of haematology"
    ]
    assert texts(host, "mods:titleInfo[@type='abbreviated']/mods:title") == [
        "Br J Haematol"
    ]
    assert texts(host, "mods:identifier[@type='issn']") == ["0007-1048", "1365-2141"]
    assert texts(host, "mods:part/mods:detail[@type='volume']/mods:number") == ["161"]
    assert texts(host, "mods:part/mods:detail[@type='issue']/mods:number") == ["5"]
    assert texts(host, "mods:part/mods:extent[@unit='pages']/mods:start") == ["609"]
    assert texts(host, "mods:part/mods:extent[@unit='pages']/mods:end") == ["622"]
    identifiers = {
        element.get("type"): element.text for element in xpath(mods, "mods:identifier")
    }
    assert identifiers == {
        "doi": "10.1111/bjh.12293",
        "pmid": "23573877",
        "pmc": "PMC3456789",
        "uri": f"{BASE_URL}/publications/{record.pk}/",
    }
    assert texts(mods, "mods:location/mods:url[@usage='primary display']") == [
        f"{BASE_URL}/publications/{record.pk}/"
    ]


@pytest.mark.parametrize(
    ("pages", "start", "end", "listed"),
    [
        ("609-22", ["609"], ["622"], []),
        ("1201-1210", ["1201"], ["1210"], []),
        ("99\u2013101", ["99"], ["101"], []),
        ("e1003456", [], [], ["e1003456"]),
        ("S12-S19", [], [], ["S12-S19"]),
    ],
)
def test_mods_page_extent_reads_nlm_abbreviated_ranges(
    oai_response, repository, pages, start, end, listed
):
    publication = PublicationFactory(pages=pages)

    extent = xpath(get_metadata(oai_response, publication, "mods"), "//mods:extent")[0]

    assert texts(extent, "mods:start") == start
    assert texts(extent, "mods:end") == end
    assert texts(extent, "mods:list") == listed


@pytest.mark.parametrize("prefix", ["oai_dc", "qdc", "mods"])
def test_a_list_records_page_in_every_format_validates(oai_response, record, prefix):
    PublicationFactory(venue=None, abstract="", pages="")
    services.publication_withdraw(publication=PublicationFactory(), note="Retracted.")

    document = oai_response(verb="ListRecords", metadataPrefix=prefix)

    assert len(xpath(document, "//oai:record")) == 3
    assert len(xpath(document, "//oai:record/oai:metadata")) == 2
    assert len(xpath(document, "//oai:header[@status='deleted']")) == 1


# Text that must survive escaping: markup characters, accents, non-Latin
# scripts and characters beyond the Basic Multilingual Plane.
TITLE = 'Cytokines & <i>in vitro</i> > 3 "µg": Müller\'s naïve café, 北京, 𝔘 😀'
FAMILY_NAME = "Ñúñez-Ὀδυσσεύς 김"
KEYWORD = "Ménière's Disease & <vertigo> ]]>"
PUBLISHER = "Éditions <Scientifiques> & Fils"
RELATED_URL = "https://data.example.org/set?id=1&format=csv"
TEXTS = {
    "oai_dc": {
        "title": "dc:title",
        "creator": "dc:creator",
        "subject": "dc:subject",
        "description": "dc:description",
        "publisher": "dc:publisher",
        "relation": "dc:relation",
    },
    "qdc": {
        "title": "dcterms:title",
        "creator": "dcterms:creator",
        "subject": "dcterms:subject",
        "description": "dcterms:abstract",
        "publisher": "dcterms:publisher",
        "relation": "dcterms:relation",
    },
    "mods": {
        "title": "mods:titleInfo/mods:title",
        "creator": "mods:name/mods:namePart[@type='family']",
        "subject": "mods:subject/mods:topic",
        "description": "mods:abstract",
        "publisher": "mods:originInfo/mods:publisher",
        "relation": "mods:location/mods:url[not(@usage)]",
    },
}


@pytest.fixture
def multilingual(repository):
    publication = PublicationFactory(
        title=TITLE,
        abstract="<p>Αβγ &amp; &lt;tag&gt; 😀 مرحبا</p><p>Second paragraph.</p>",
        venue=VenueFactory(title="Revue française d'hématologie", publisher=PUBLISHER),
        authors=[PersonFactory(given_names="José", family_name=FAMILY_NAME)],
    )
    publication.keywords.set([KeywordFactory(term=KEYWORD)])
    publication.related_links.create(label="Data", url=RELATED_URL, kind="dataset")
    return publication


@pytest.mark.parametrize("prefix", ["oai_dc", "qdc", "mods"])
def test_markup_characters_and_every_script_read_back_exactly(
    oai_response, multilingual, prefix
):
    metadata = get_metadata(oai_response, multilingual, prefix)

    paths = TEXTS[prefix]
    assert texts(metadata, paths["title"]) == [TITLE]
    assert FAMILY_NAME in texts(metadata, paths["creator"])[0]
    assert texts(metadata, paths["subject"]) == [KEYWORD]
    assert texts(metadata, paths["description"]) == [
        "Αβγ & <tag> 😀 مرحبا\nSecond paragraph."
    ]
    assert texts(metadata, paths["publisher"]) == [PUBLISHER]
    assert texts(metadata, paths["relation"]) == [RELATED_URL]


def test_characters_beyond_the_basic_plane_are_sent_as_utf8(client, multilingual):
    response = client.get(
        "/oai",
        {
            "verb": "GetRecord",
            "identifier": f"oai:escholarship.example.edu:{multilingual.pk}",
            "metadataPrefix": "oai_dc",
        },
    )

    assert "𝔘 😀".encode() in response.content
    assert b"&lt;i&gt;in vitro&lt;/i&gt; &gt; 3" in response.content


@pytest.mark.parametrize("prefix", ["oai_dc", "qdc", "mods"])
def test_get_record_and_list_records_describe_a_record_alike(
    oai_response, record, prefix
):
    [listed] = xpath(
        oai_response(verb="ListRecords", metadataPrefix=prefix), "//oai:record"
    )
    [got] = xpath(
        oai_response(
            verb="GetRecord",
            identifier=f"oai:escholarship.example.edu:{record.pk}",
            metadataPrefix=prefix,
        ),
        "//oai:record",
    )

    assert etree.tostring(listed) == etree.tostring(got)
