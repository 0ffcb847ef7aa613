"""Validating OAI-PMH responses against the official schemas, offline.

The schemas are read from ../shared/data/schemas (OAI-PMH.xsd, oai_dc.xsd and
what they import); every remote schemaLocation is mapped to the local copy and
nothing is fetched. OAI-PMH.xsd validates <metadata> and <description>
content strictly, so a response in a format whose schema is not there (MODS,
qualified DC) is validated with a stand-in for that one namespace that accepts
any content: the envelope is checked in full, the format's content is checked
by the format tests instead.

The other OAI test modules import `validate_response` and `oai_response` from
here.
"""

import functools
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client
from lxml import etree

OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {
    "oai": OAI,
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "qdc": "http://epubs.cclrc.ac.uk/xmlns/qdc/",
    "mods": "http://www.loc.gov/mods/v3",
    "id": "http://www.openarchives.org/OAI/2.0/oai-identifier",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
# Remote locations the schemas import, and the local file for each.
LOCAL_COPIES = {
    "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd": "OAI-PMH.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd": "oai_dc.xsd",
    "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd": "oai-identifier.xsd",
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": "simpledc20021212.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
    "http://www.w3.org/2001/xml.xsd": "xml.xsd",
}
OFFICIAL_NAMESPACES = {
    OAI: "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd",
    NS["oai_dc"]: "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    NS["id"]: "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
}
# Formats with no schema in the shared folder: their root element, any content.
STAND_INS = {NS["qdc"]: "qualifieddc", NS["mods"]: "mods"}
STAND_IN = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    targetNamespace="{namespace}" elementFormDefault="qualified">
  <xs:element name="{root}">
    <xs:complexType>
      <xs:sequence>
        <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:anyAttribute processContents="skip"/>
    </xs:complexType>
  </xs:element>
</xs:schema>"""


class LocalSchemas(etree.Resolver):
    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def resolve(self, url, public_id, context):
        if url in LOCAL_COPIES:
            return self.resolve_filename(str(self.folder / LOCAL_COPIES[url]), context)
        if url.startswith("urn:stand-in:"):
            namespace = url.removeprefix("urn:stand-in:")
            text = STAND_IN.format(namespace=namespace, root=STAND_INS[namespace])
            return self.resolve_string(text, context)
        return None  # never the network: an unknown import fails


@functools.cache
def load_schema(folder: Path, with_stand_ins: bool) -> etree.XMLSchema:
    imports = dict(OFFICIAL_NAMESPACES)
    if with_stand_ins:
        imports.update({ns: f"urn:stand-in:{ns}" for ns in STAND_INS})
    driver = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{}</xs:schema>'.format(
            "".join(
                f'<xs:import namespace="{ns}" schemaLocation="{location}"/>'
                for ns, location in imports.items()
            )
        )
    )
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalSchemas(folder))
    return etree.XMLSchema(
        etree.fromstring(driver.encode(), parser, base_url=str(folder))
    )


@pytest.fixture
def schemas(shared_data):
    """validate(document): assert it is valid; stand-ins only where needed."""
    folder = shared_data("schemas/OAI-PMH.xsd").parent
    for name in set(LOCAL_COPIES.values()):
        shared_data(f"schemas/{name}")

    def validate(document: etree._Element) -> etree._Element:
        uses_stand_in = any(
            document.xpath(f"//*[namespace-uri()='{ns}']") for ns in STAND_INS
        )
        schema = load_schema(folder, uses_stand_in)
        assert schema.validate(document), "\n".join(
            str(error) for error in schema.error_log
        )
        return document

    return validate


def parse(response) -> etree._Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return etree.fromstring(response.content)


@pytest.fixture
def oai_response(schemas):
    """oai_response(verb=..., **arguments): GET /oai, check it against the
    schemas and return the parsed document. method="post" posts a form."""

    client = Client()

    def get(method: str = "get", **arguments):
        if method == "post":
            # What harvesters send (spec 3.1.1.2), not the test client's
            # default multipart body.
            response = client.post(
                "/oai",
                urlencode(arguments),
                content_type="application/x-www-form-urlencoded",
            )
        else:
            response = client.get("/oai", arguments)
        return schemas(parse(response))

    return get


def errors(document: etree._Element) -> list[str]:
    return document.xpath("oai:error/@code", namespaces=NS)


def xpath(document: etree._Element, path: str) -> list:
    return document.xpath(path, namespaces=NS)


# The validator itself must reject what the schemas forbid, or every
# "validates" assertion in the suite would prove nothing.

VALID_ERROR = f"""<OAI-PMH xmlns="{OAI}">
<responseDate>2024-01-02T03:04:05Z</responseDate>
<request>http://example.edu/oai</request><error code="badVerb">x</error></OAI-PMH>"""


def test_the_validator_accepts_a_valid_error_response(schemas):
    schemas(etree.fromstring(VALID_ERROR))


@pytest.mark.parametrize(
    "change",
    [
        ('code="badVerb"', 'code="noSuchCode"'),
        ("2024-01-02T03:04:05Z", "yesterday"),
        ("<request>", '<request verb="Fetch">'),
    ],
)
def test_the_validator_rejects_what_the_schema_forbids(schemas, change):
    document = etree.fromstring(VALID_ERROR.replace(*change))
    with pytest.raises(AssertionError):
        schemas(document)


def test_the_validator_checks_oai_dc_metadata_strictly(schemas):
    record = f"""<OAI-PMH xmlns="{OAI}">
<responseDate>2024-01-02T03:04:05Z</responseDate><request verb="GetRecord">http://example.edu/oai</request><GetRecord><record><header>
<identifier>oai:example.edu:1</identifier><datestamp>2024-01-02</datestamp></header>
<metadata><oai_dc:dc xmlns:oai_dc="{NS["oai_dc"]}" xmlns:dc="{NS["dc"]}">
<dc:{{tag}}>A title</dc:{{tag}}></oai_dc:dc></metadata></record></GetRecord>
</OAI-PMH>"""
    schemas(etree.fromstring(record.format(tag="title")))
    with pytest.raises(AssertionError):
        schemas(etree.fromstring(record.format(tag="headline")))
