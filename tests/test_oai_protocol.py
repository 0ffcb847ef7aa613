"""OAI-PMH requests and errors at /oai: every verb, every error code, the
request echo, GET and POST. Every response is validated against the official
schemas."""

import datetime

import pytest
from django.test import Client

from publications import services
from publications.models import Publication
from publications.oai.formats.oai_dc import OaiDublinCore
from tests.factories import PublicationFactory
from tests.test_oai_schemas import NS, errors, oai_response, parse, schemas, xpath

__all__ = ["oai_response", "schemas"]  # fixtures used here

pytestmark = pytest.mark.django_db

REPOSITORY = {
    "NAME": "Medical School Faculty Publications",
    "INSTITUTION": "Medical School",
    "INSTITUTION_SHORT": "MS",
    "COLLECTION": "Faculty Publications",
    "DESCRIPTION": "",
    "CONTACT_EMAIL": "escholarship@med.example.edu",
    "BASE_URL": "https://escholarship.med.example.edu/",
    "OAI_IDENTIFIER": "escholarship.med.example.edu",
}
UTC = datetime.UTC


@pytest.fixture
def repository(settings):
    settings.REPOSITORY = REPOSITORY
    return REPOSITORY


def oai_id(publication: Publication) -> str:
    return f"oai:escholarship.med.example.edu:{publication.pk}"


def stamp(publication: Publication, moment: datetime.datetime) -> None:
    """Give a record a known datestamp (updated_at is set on every save)."""
    Publication.objects.filter(pk=publication.pk).update(updated_at=moment)


def request_attributes(document) -> dict:
    return dict(xpath(document, "oai:request")[0].attrib)


# Identify


def test_identify_describes_the_repository_from_settings(oai_response, repository):
    first = PublicationFactory()
    stamp(first, datetime.datetime(2019, 5, 4, 3, 2, 1, 500000, tzinfo=UTC))
    PublicationFactory()

    document = oai_response(verb="Identify")

    identify = xpath(document, "oai:Identify")[0]
    assert {
        child.tag.split("}")[1]: child.text for child in identify if child.text
    } == {
        "repositoryName": "Medical School Faculty Publications",
        "baseURL": "https://escholarship.med.example.edu/oai",
        "protocolVersion": "2.0",
        "adminEmail": "escholarship@med.example.edu",
        "earliestDatestamp": "2019-05-04T03:02:01Z",
        "deletedRecord": "persistent",
        "granularity": "YYYY-MM-DDThh:mm:ssZ",
    }
    description = xpath(document, "//oai:description/id:oai-identifier")[0]
    assert xpath(description, "id:repositoryIdentifier/text()") == [
        "escholarship.med.example.edu"
    ]
    assert xpath(description, "id:sampleIdentifier/text()") == [
        "oai:escholarship.med.example.edu:1"
    ]
    assert xpath(document, "oai:request/text()") == [
        "https://escholarship.med.example.edu/oai"
    ]


def test_identify_earliest_datestamp_ignores_drafts_but_counts_withdrawn_records(
    oai_response, repository
):
    draft = PublicationFactory(status=Publication.Status.DRAFT)
    stamp(draft, datetime.datetime(2001, 1, 1, tzinfo=UTC))
    withdrawn = services.publication_withdraw(
        publication=PublicationFactory(), note="Duplicate record."
    )
    stamp(withdrawn, datetime.datetime(2005, 1, 1, tzinfo=UTC))
    PublicationFactory()

    document = oai_response(verb="Identify")

    assert xpath(document, "//oai:earliestDatestamp/text()") == ["2005-01-01T00:00:00Z"]


def test_identify_leaves_out_the_identifier_description_when_it_is_not_a_domain(
    oai_response, settings
):
    settings.REPOSITORY = {**REPOSITORY, "OAI_IDENTIFIER": "localrepo"}

    document = oai_response(verb="Identify")

    assert xpath(document, "//oai:description") == []


# HTTP


def test_response_is_utf8_xml_with_a_utc_response_date(client):
    before = datetime.datetime.now(UTC).replace(microsecond=0)
    response = client.get("/oai", {"verb": "Identify"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    [response_date] = xpath(parse(response), "oai:responseDate/text()")
    assert response_date.endswith("Z")
    moment = datetime.datetime.strptime(response_date, "%Y-%m-%dT%H:%M:%SZ")
    assert before <= moment.replace(tzinfo=UTC) <= datetime.datetime.now(UTC)


def test_a_form_posted_request_is_answered_like_a_get(oai_response, repository):
    record = PublicationFactory()
    arguments = {
        "verb": "GetRecord",
        "identifier": oai_id(record),
        "metadataPrefix": "oai_dc",
    }

    posted = oai_response(method="post", **arguments)
    got = oai_response(**arguments)

    assert request_attributes(posted) == arguments
    assert xpath(posted, "//dc:title/text()") == [record.title]
    assert xpath(posted, "oai:GetRecord//oai:header/oai:identifier/text()") == xpath(
        got, "oai:GetRecord//oai:header/oai:identifier/text()"
    )


def test_a_post_reads_its_arguments_from_the_body_not_the_query_string(client, schemas):
    document = schemas(parse(client.post("/oai?verb=Identify", {})))
    assert errors(document) == ["badVerb"]


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_http_methods_are_refused(client, method):
    response = getattr(client, method)("/oai?verb=Identify")
    assert response.status_code == 405


# badVerb and badArgument: no arguments echoed


@pytest.mark.parametrize(
    "query",
    [
        "",
        "verb=",
        "verb=Fetch",
        "verb=identify",
        "verb=Identify&verb=Identify",
        "verb=Identify&verb=ListSets",
        "metadataPrefix=oai_dc",
    ],
    ids=["missing", "empty", "unknown", "wrong-case", "repeated", "two", "no-verb"],
)
def test_a_missing_unknown_or_repeated_verb_is_bad_verb(client, schemas, query):
    document = schemas(parse(client.get(f"/oai?{query}")))

    assert errors(document) == ["badVerb"]
    assert request_attributes(document) == {}


@pytest.mark.parametrize(
    "query",
    [
        "verb=Identify&set=a",
        "verb=Identify&foo=bar",
        "verb=ListSets&metadataPrefix=oai_dc",
        "verb=ListRecords",
        "verb=ListIdentifiers&set=type",
        "verb=GetRecord&metadataPrefix=oai_dc",
        "verb=GetRecord&identifier=oai:escholarship.med.example.edu:1",
        "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=mods",
        "verb=ListRecords&metadataPrefix=oai_dc&set=type&set=type",
        "verb=ListRecords&metadataPrefix=",
        "verb=ListRecords&metadataPrefix=oai%20dc",
        "verb=ListRecords&metadataPrefix=oai_dc&set=type:",
        "verb=ListRecords&metadataPrefix=oai_dc&set=a%20b",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2020-13-01",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2020-02-30",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2020-1-1",
        "verb=ListRecords&metadataPrefix=oai_dc&from=20200101",
        "verb=ListRecords&metadataPrefix=oai_dc&until=2020-01-01T10:00:00",
        "verb=ListRecords&metadataPrefix=oai_dc&until=2020-01-01T10:00:00%2B01:00",
        "verb=ListRecords&metadataPrefix=oai_dc&until=2020-01-01T10:00:00.5Z",
        "verb=ListRecords&metadataPrefix=oai_dc&until=2020-01-01T24:00:00Z",
        "verb=ListRecords&metadataPrefix=oai_dc&until=0000-01-01",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2020-01-02T00:00:00Z",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-02&until=2020-01-01",
        "verb=ListRecords&metadataPrefix=oai_dc"
        "&from=2020-01-01T10:00:01Z&until=2020-01-01T10:00:00Z",
        "verb=ListRecords&resumptionToken=abc&metadataPrefix=oai_dc",
        "verb=ListIdentifiers&resumptionToken=abc&from=2020-01-01",
        "verb=ListSets&resumptionToken=abc&set=type",
        "verb=ListSets&resumptionToken=",
        "verb=ListMetadataFormats&identifier=",
    ],
)
def test_illegal_missing_repeated_or_malformed_arguments_are_bad_argument(
    client, schemas, query
):
    document = schemas(parse(client.get(f"/oai?{query}")))

    assert errors(document) == ["badArgument"]
    assert request_attributes(document) == {}


# The other errors echo the request's arguments


def test_an_unknown_metadata_prefix_cannot_be_disseminated(oai_response, repository):
    record = PublicationFactory()
    for arguments in (
        {"verb": "ListRecords", "metadataPrefix": "marcxml"},
        {"verb": "ListIdentifiers", "metadataPrefix": "marcxml", "set": "type"},
        {
            "verb": "GetRecord",
            "identifier": oai_id(record),
            "metadataPrefix": "marcxml",
        },
    ):
        document = oai_response(**arguments)

        assert errors(document) == ["cannotDisseminateFormat"]
        assert request_attributes(document) == arguments


@pytest.mark.parametrize(
    "identifier",
    [
        "oai:escholarship.med.example.edu:999999",
        "oai:escholarship.med.example.edu:007",
        "oai:escholarship.med.example.edu:0",
        "oai:escholarship.med.example.edu:abc",
        "oai:other.example.org:1",
        "urn:isbn:0451450523",
    ],
)
def test_an_identifier_we_never_issued_does_not_exist(
    oai_response, repository, identifier
):
    PublicationFactory()
    for verb, extra in (
        ("GetRecord", {"metadataPrefix": "oai_dc"}),
        ("ListMetadataFormats", {}),
    ):
        document = oai_response(verb=verb, identifier=identifier, **extra)

        assert errors(document) == ["idDoesNotExist"]
        assert request_attributes(document) == {
            "verb": verb,
            "identifier": identifier,
            **extra,
        }


def test_an_identifier_that_is_not_a_uri_is_not_echoed(oai_response, repository):
    document = oai_response(
        verb="GetRecord", identifier="not a uri", metadataPrefix="oai_dc"
    )

    assert errors(document) == ["idDoesNotExist"]
    assert request_attributes(document) == {
        "verb": "GetRecord",
        "metadataPrefix": "oai_dc",
    }


def test_a_draft_record_does_not_exist(oai_response, repository):
    draft = PublicationFactory(status=Publication.Status.DRAFT)

    document = oai_response(
        verb="GetRecord", identifier=oai_id(draft), metadataPrefix="oai_dc"
    )
    assert errors(document) == ["idDoesNotExist"]
    document = oai_response(verb="ListMetadataFormats", identifier=oai_id(draft))
    assert errors(document) == ["idDoesNotExist"]


def test_no_records_match_a_range_with_nothing_in_it(oai_response):
    PublicationFactory()
    for verb in ("ListRecords", "ListIdentifiers"):
        arguments = {"verb": verb, "metadataPrefix": "oai_dc", "from": "2999-01-01"}
        document = oai_response(**arguments)

        assert errors(document) == ["noRecordsMatch"]
        assert request_attributes(document) == arguments


def test_no_records_match_in_an_empty_repository_or_a_set_that_does_not_exist(
    oai_response,
):
    assert errors(oai_response(verb="ListRecords", metadataPrefix="oai_dc")) == [
        "noRecordsMatch"
    ]
    PublicationFactory()
    document = oai_response(
        verb="ListRecords", metadataPrefix="oai_dc", set="department:nowhere"
    )
    assert errors(document) == ["noRecordsMatch"]


@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "eyJ2IjoiTGlzdFJlY29yZHMifQ:1tQ5Zq:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "x" * 500,
    ],
    ids=["garbage", "bad-signature", "long"],
)
def test_a_token_we_did_not_issue_is_a_bad_resumption_token(oai_response, token):
    for verb in ("ListRecords", "ListIdentifiers", "ListSets"):
        document = oai_response(verb=verb, resumptionToken=token)

        assert errors(document) == ["badResumptionToken"]
        assert request_attributes(document) == {"verb": verb, "resumptionToken": token}


def test_list_sets_answers_with_sets_never_no_set_hierarchy(oai_response):
    document = oai_response(verb="ListSets")

    assert errors(document) == []
    specs = xpath(document, "//oai:setSpec/text()")
    assert {"department", "subject", "type", "type:article"} <= set(specs)


# ListMetadataFormats


def test_list_metadata_formats_names_oai_dc_qualified_dc_and_mods(
    oai_response, repository
):
    record = PublicationFactory()
    withdrawn = services.publication_withdraw(
        publication=PublicationFactory(), note="Gone."
    )
    expected = {
        "oai_dc": (
            "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
            "http://www.openarchives.org/OAI/2.0/oai_dc/",
        ),
        "qdc": (
            "http://epubs.cclrc.ac.uk/xsd/qdc.xsd",
            "http://epubs.cclrc.ac.uk/xmlns/qdc/",
        ),
        "mods": (
            "http://www.loc.gov/standards/mods/v3/mods-3-7.xsd",
            "http://www.loc.gov/mods/v3",
        ),
    }
    for arguments in (
        {},
        {"identifier": oai_id(record)},
        {"identifier": oai_id(withdrawn)},
    ):
        document = oai_response(verb="ListMetadataFormats", **arguments)

        formats = {
            entry.findtext(f"{{{NS['oai']}}}metadataPrefix"): (
                entry.findtext(f"{{{NS['oai']}}}schema"),
                entry.findtext(f"{{{NS['oai']}}}metadataNamespace"),
            )
            for entry in xpath(document, "//oai:metadataFormat")
        }
        assert formats == expected
        assert request_attributes(document) == {
            "verb": "ListMetadataFormats",
            **arguments,
        }


class DoiOnly(OaiDublinCore):
    """A format for records with a DOI only, as DataCite would be."""

    prefix = "doi_dc"

    def restrict(self, queryset):
        return queryset.filter(doi__isnull=False)

    def can_disseminate(self, record):
        return bool(record.doi)


@pytest.fixture
def doi_only_formats(settings):
    settings.OAI_METADATA_FORMATS = [f"{__name__}.DoiOnly"]


def test_a_record_no_format_can_describe_has_no_metadata_formats(
    oai_response, repository, doi_only_formats
):
    without_doi = PublicationFactory()
    with_doi = PublicationFactory(doi="10.1000/xyz123")

    document = oai_response(verb="ListMetadataFormats", identifier=oai_id(without_doi))
    assert errors(document) == ["noMetadataFormats"]

    document = oai_response(verb="ListMetadataFormats", identifier=oai_id(with_doi))
    assert xpath(document, "//oai:metadataPrefix/text()") == ["doi_dc"]

    document = oai_response(
        verb="GetRecord", identifier=oai_id(without_doi), metadataPrefix="doi_dc"
    )
    assert errors(document) == ["cannotDisseminateFormat"]

    document = oai_response(verb="ListIdentifiers", metadataPrefix="doi_dc")
    assert xpath(document, "//oai:header/oai:identifier/text()") == [oai_id(with_doi)]


# GetRecord


def test_get_record_gives_the_header_and_metadata(oai_response, repository):
    record = PublicationFactory(title="Cytokine storms in children")
    stamp(record, datetime.datetime(2021, 3, 4, 5, 6, 7, 891011, tzinfo=UTC))

    document = oai_response(
        verb="GetRecord", identifier=oai_id(record), metadataPrefix="oai_dc"
    )

    [header] = xpath(document, "oai:GetRecord/oai:record/oai:header")
    assert header.get("status") is None
    assert xpath(header, "oai:identifier/text()") == [oai_id(record)]
    assert xpath(header, "oai:datestamp/text()") == ["2021-03-04T05:06:07Z"]
    assert xpath(header, "oai:setSpec/text()") == ["type:article"]
    assert xpath(document, "//oai:metadata/oai_dc:dc/dc:title/text()") == [
        "Cytokine storms in children"
    ]


def test_a_withdrawn_record_is_a_deleted_header_without_metadata(
    oai_response, repository
):
    record = services.publication_withdraw(
        publication=PublicationFactory(), note="Retracted."
    )

    for prefix in ("oai_dc", "qdc", "mods"):
        document = oai_response(
            verb="GetRecord", identifier=oai_id(record), metadataPrefix=prefix
        )

        [header] = xpath(document, "//oai:record/oai:header")
        assert header.get("status") == "deleted"
        assert xpath(document, "//oai:record/oai:metadata") == []


def test_characters_xml_forbids_are_stripped_from_the_response(
    oai_response, repository
):
    record = PublicationFactory(
        title="Cell\x0b biology\x1f of \ufffeHLH",
        abstract="<p>Line\x07 one</p>",
    )

    document = oai_response(
        verb="GetRecord", identifier=oai_id(record), metadataPrefix="oai_dc"
    )

    assert xpath(document, "//dc:title/text()") == ["Cell biology of HLH"]
    assert xpath(document, "//dc:description/text()") == ["Line one"]


def test_the_endpoint_answers_any_client_without_a_csrf_token(repository):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/oai", {"verb": "Identify"})
    assert response.status_code == 200
    assert errors(parse(response)) == []
