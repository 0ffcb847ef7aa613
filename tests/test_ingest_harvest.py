"""Harvesting over OAI-PMH: this repository's own provider served by a live
server (records made with the factories), and a Digital Commons endpoint
played by a local server from recorded responses (tests/fixtures/
ingest_sources). Nothing here touches the network."""

import datetime
import gc
import tracemalloc
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from lxml import etree

from publications import services
from publications.dates import PartialDate
from publications.importers import ParseResult, Severity
from publications.importers.oai_dc import OAI_NS
from publications.ingest import planning
from publications.ingest.harvest import harvest
from publications.ingest.models import ImportBatch, SourceRecord
from publications.ingest.services import batch_apply, batch_create
from publications.models import DocumentType, Keyword, Publication
from tests.factories import (
    DepartmentFactory,
    KeywordFactory,
    PublicationFactory,
    SubjectFactory,
)
from tests.html import parse_valid_html, text
from tests.test_ingest_admin import batch_url
from tests.test_ingest_fetchers import Reply, fast_http, local_service
from tests.test_oai_schemas import schemas

__all__ = ["fast_http", "local_service", "schemas"]  # fixtures used here

FIXTURES = Path(__file__).parent / "fixtures" / "ingest_sources"
UTC = datetime.UTC
OLD = datetime.datetime(2020, 1, 1, tzinfo=UTC)

# Live-server tests commit, and each transactional test ends by emptying the
# tables; serialized_rollback starts these with the rows the migrations
# create (the document types) all the same.
live = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def collect(records) -> ParseResult:
    return ParseResult.collect(records)


def deleted_identifiers(result: ParseResult) -> list[str]:
    return [
        issue.message.split()[2]
        for issue in result.warnings
        if issue.message.endswith("deleted at the source; nothing was imported for it.")
    ]


def oai_id(publication: Publication) -> str:
    return f"oai:repo.example.edu:{publication.pk}"


@pytest.fixture
def provider(settings, live_server):
    """This repository's /oai, four records a page."""
    settings.OAI_LIST_RECORDS_PAGE_SIZE = 4
    settings.REPOSITORY = {**settings.REPOSITORY, "OAI_IDENTIFIER": "repo.example.edu"}
    settings.INGEST_HTTP_BACKOFF = 0.01
    return f"{live_server.url}/oai"


def make_old(*publications: Publication) -> None:
    """Datestamps well before any harvest (updated_at is set on each save)."""
    Publication.objects.filter(pk__in=[p.pk for p in publications]).update(
        updated_at=OLD
    )


# This repository's own provider, harvested over HTTP


@live
def test_harvesting_this_repository_reads_every_page_and_reports_deletions(provider):
    pediatrics = DepartmentFactory(name="Department of Pediatrics", slug="pediatrics")
    published = [
        PublicationFactory(authors=2, departments=[pediatrics] if n % 2 else [])
        for n in range(10)
    ]
    withdrawn = PublicationFactory.create_batch(2)
    for record in withdrawn:
        services.publication_withdraw(publication=record, note="Duplicate.")
    PublicationFactory(status=Publication.Status.DRAFT)

    records = harvest(provider)
    result = collect(records)

    assert sorted(r.title for r in result.records) == sorted(p.title for p in published)
    assert sorted(deleted_identifiers(result)) == sorted(oai_id(p) for p in withdrawn)
    # Rows run on across pages: 12 harvestable records, four a page.
    rows = [r.source_row for r in result.records] + [i.row for i in result.warnings]
    assert sorted(rows) == list(range(1, 13))
    assert records.pages == 3
    assert records.succeeded
    assert records.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert records.response_date is not None
    assert abs(records.response_date - datetime.datetime.now(UTC)) < datetime.timedelta(
        minutes=5
    )
    assert [i for i in result.issues if i.severity == Severity.ERROR] == []


@live
def test_a_harvested_record_keeps_what_oai_dc_says_of_it(provider):
    subject = SubjectFactory(name="Hemic and Lymphatic Diseases")
    keyword = KeywordFactory(
        term="Lymphohistiocytosis, Hemophagocytic",
        vocabulary=Keyword.Vocabulary.MESH,
    )
    publication = PublicationFactory(
        title="Advances in understanding the pathogenesis of HLH",
        pub_year=2013,
        pub_month=6,
        doi="10.5555/bjh.12293",
        pmid="99000201",
        abstract="<p>First paragraph.</p><p>Second &amp; last.</p>",
        authors=1,
    )
    publication.subjects.add(subject)
    publication.keywords.add(keyword)
    person = publication.authorships.get().person

    [record] = collect(harvest(provider)).records

    assert record.title == publication.title
    assert record.publication_date == PartialDate(2013, 6)
    assert (record.doi, record.pmid) == ("10.5555/bjh.12293", "99000201")
    assert record.abstract == "<p>First paragraph.</p><p>Second &amp; last.</p>"
    assert [(a.family_name, a.given_names) for a in record.authors] == [
        (person.family_name, person.given_names)
    ]
    assert record.document_type == "Article"
    # oai_dc cannot tell disciplines from keywords: both come as subjects.
    assert set(record.subjects) == {subject.name, keyword.term}
    # The source line as this repository prints it, read back into fields.
    venue = publication.venue
    assert record.source_citation == f"{venue.abbreviation}. 2013 Jun;12(3):45-67."
    assert (record.venue_title, record.volume, record.issue, record.pages) == (
        venue.abbreviation,
        "12",
        "3",
        "45-67",
    )
    assert record.related_links[0].label.startswith("Record at ")
    assert record.related_links[0].url.endswith(f"/publications/{publication.pk}/")


@live
def test_a_qualified_dc_harvest_keeps_mesh_headings_apart(provider):
    keyword = KeywordFactory(term="Sepsis", vocabulary=Keyword.Vocabulary.MESH)
    publication = PublicationFactory(pub_year=2021)
    publication.keywords.add(keyword)

    [record] = collect(harvest(provider, metadata_prefix="qdc")).records

    assert [(k.term, k.vocabulary) for k in record.keywords] == [("Sepsis", "mesh")]
    assert record.subjects == ()
    assert record.venue_title == publication.venue.title


@live
def test_a_second_harvest_from_the_first_response_date_gets_only_what_changed(
    provider,
):
    records = PublicationFactory.create_batch(6)
    make_old(*records)

    first = harvest(provider)
    assert len(collect(first).records) == 6
    assert first.succeeded

    changed = records[1]
    changed.title = "A corrected title"
    services.publication_save(publication=changed)
    services.publication_withdraw(publication=records[4], note="Retracted.")
    added = PublicationFactory()

    second = harvest(provider, from_=first.response_date)
    result = collect(second)

    assert sorted(r.title for r in result.records) == sorted(
        ["A corrected title", added.title]
    )
    assert deleted_identifiers(result) == [oai_id(records[4])]
    assert second.succeeded
    assert second.response_date >= first.response_date


@live
def test_a_set_harvest_brings_only_the_records_of_the_set(provider):
    pediatrics = DepartmentFactory(name="Department of Pediatrics", slug="pediatrics")
    inside = PublicationFactory.create_batch(5, departments=[pediatrics])
    PublicationFactory.create_batch(3)

    result = collect(harvest(provider, set_spec="department:pediatrics"))

    assert sorted(r.title for r in result.records) == sorted(p.title for p in inside)


@live
def test_a_harvest_from_after_the_last_change_finds_nothing_and_succeeds(provider):
    make_old(*PublicationFactory.create_batch(2))

    records = harvest(provider, from_=datetime.date(2024, 1, 1))

    assert list(records) == []
    assert records.succeeded


@pytest.mark.django_db
def test_a_failed_harvest_is_one_issue_and_does_not_succeed(fast_http):
    fast_http.route("/oai", Reply(500, b"Internal Server Error"))

    records = harvest(f"{fast_http.url}/oai", from_=datetime.date(2024, 1, 1))
    [issue] = list(records)

    assert issue.row is None
    assert issue.message.startswith(f"Could not harvest {fast_http.url}/oai: ")
    assert "answered HTTP 500 (Internal Server Error). Tried 3 times." in issue.message
    # So the source's harvested_until stays (tests/test_ingest_admin_sources.py).
    assert not records.succeeded


# A Digital Commons endpoint, played from recorded responses

DC_TOKEN = "publication%3Afaculty_pubs/dcq/2024-03-05T14:07:21Z/3"


def fixture(name: str) -> Reply:
    return Reply(
        body=(FIXTURES / name).read_bytes(),
        headers={"Content-Type": "text/xml; charset=UTF-8"},
    )


def listing(service, name: str) -> str:
    """/oai answering Identify as Digital Commons does and every ListRecords
    with the recorded response `name`; its URL."""
    service.route_function(
        "/oai",
        lambda query: (
            fixture("dcq_identify.xml")
            if query["verb"] == "Identify"
            else fixture(name)
        ),
    )
    return f"{service.url}/oai"


def oai_error(code: str, message: str) -> Reply:
    return Reply(
        body=(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            "<responseDate>2024-03-05T14:07:22Z</responseDate>"
            "<request>https://escholarship.example.edu/do/oai/</request>"
            f'<error code="{code}">{message}</error></OAI-PMH>'
        ).encode()
    )


def digital_commons(service, *, first_page="dcq_list_records_1.xml", second_page=None):
    """/do/oai/ answering Identify and ListRecords as Digital Commons does."""

    def answer(query: dict[str, str]) -> Reply:
        verb = query.get("verb")
        if verb == "Identify":
            return fixture("dcq_identify.xml")
        if verb != "ListRecords":
            return oai_error("badVerb", "Illegal verb")
        token = query.get("resumptionToken")
        if token is None:
            return first_page if isinstance(first_page, Reply) else fixture(first_page)
        if token == DC_TOKEN:
            return second_page or fixture("dcq_list_records_2.xml")
        return oai_error("badResumptionToken", "Invalid resumption token")

    service.route_function("/do/oai/", answer)
    return f"{service.url}/do/oai/"


@pytest.mark.parametrize(
    "name",
    [
        "dcq_identify.xml",
        "oai_error_cannot_disseminate.xml",
        "oai_no_records_match.xml",
    ],
)
def test_the_recorded_responses_are_valid_oai_pmh(schemas, name):
    # The list pages are not: Digital Commons puts dotted dcq elements under
    # an oai_dc root, which oai_dc.xsd refuses, and harvesters read anyway.
    schemas(etree.parse(FIXTURES / name).getroot())


def test_a_digital_commons_harvest_reads_both_pages_asking_in_days(fast_http):
    base_url = digital_commons(fast_http)

    records = harvest(
        base_url,
        metadata_prefix="dcq",
        set_spec="publication:faculty_pubs",
        from_=datetime.datetime(2024, 2, 1, 15, 30, tzinfo=UTC),
    )
    result = collect(records)

    assert [(r.source_row, r.title[:24]) for r in result.records] == [
        (1, "Cytokine profiles in chi"),
        (3, "Outpatient follow-up aft"),
        (4, "T cell exhaustion in chr"),
        (5, "Department of Pediatrics"),
    ]
    assert deleted_identifiers(result) == [
        "oai:escholarship.example.edu:faculty_pubs-2077"
    ]
    assert [(i.row, i.field) for i in result.warnings] == [(2, ""), (5, "type")]
    identify, first, second = fast_http.seen("/do/oai/")
    assert identify.query == {"verb": "Identify"}
    # The endpoint's granularity is days, so `from` is sent as a day.
    assert first.query == {
        "verb": "ListRecords",
        "metadataPrefix": "dcq",
        "set": "publication:faculty_pubs",
        "from": "2024-02-01",
    }
    assert second.query == {"verb": "ListRecords", "resumptionToken": DC_TOKEN}
    assert records.granularity == "YYYY-MM-DD"
    # The first ListRecords response, not Identify's (14:07:20).
    assert records.response_date == datetime.datetime(2024, 3, 5, 14, 7, 21, tzinfo=UTC)
    assert records.succeeded


def test_digital_commons_qualified_dc_is_read_field_by_field(fast_http):
    result = collect(harvest(digital_commons(fast_http), metadata_prefix="dcq"))
    first, second, thesis, newsletter = result.records

    assert [(a.family_name, a.given_names, a.suffix) for a in first.authors] == [
        ("Okafor", "Adaeze N.", ""),
        ("Lindqvist", "Per-Olof", ""),
        ("Brennan", "Thomas", "Jr."),
    ]
    # Digital Commons stores "2013 Jun" as 2013-06-01; the citation says June.
    assert first.publication_date == PartialDate(2013, 6)
    assert first.abstract == (
        "<p>Haemophagocytic lymphohistiocytosis (HLH) is a hyperinflammatory "
        "syndrome of <em>uncontrolled</em> immune activation.</p> <p>We measured "
        "IL-2R<sub>α</sub> in 40 children.</p>"
    )
    assert first.doi == "10.5555/bjh.2013.0042"
    assert (first.venue_title, first.volume, first.issue, first.pages) == (
        "Br J Haematol",
        "161",
        "5",
        "609-22",
    )
    assert first.source_citation.startswith("Br J Haematol. 2013 Jun;161(5):609-22.")
    assert first.subjects == ("Hemic and Lymphatic Diseases", "Pediatrics")
    assert [(link.label, link.url) for link in first.related_links] == [
        (
            "Record at escholarship.example.edu",
            "https://escholarship.example.edu/faculty_pubs/2101",
        ),
        (
            "Full text",
            "https://escholarship.example.edu/context/faculty_pubs/article/3101/"
            "viewcontent/okafor_cytokines.pdf",
        ),
    ]
    assert (second.doi, second.pmid) == ("10.5555/jpeds.2021.0815", "99000102")
    assert second.authors[1].is_corporate
    assert second.publication_date == PartialDate(2021, 11, 15)
    assert second.venue_title == "Journal of Pediatric Critical Care"
    assert thesis.document_type == "Dissertation"
    assert newsletter.document_type == "Article"
    # Markup is kept to the safe subset: no script, no event handler.
    assert newsletter.abstract == "<p>News from the department.</p>"


def test_an_oai_error_is_an_issue_naming_its_code(fast_http):
    listing(fast_http, "oai_error_cannot_disseminate.xml")

    records = harvest(f"{fast_http.url}/oai", metadata_prefix="marc21")
    result = collect(records)

    assert result.records == []
    assert [(i.row, i.message) for i in result.issues] == [
        (
            None,
            "The repository answered with the OAI-PMH error “cannotDisseminateFormat”: "
            "Unknown metadata format: marc21. The repository does not offer its "
            "records in this metadata format; oai_dc is the one every repository "
            "offers.",
        )
    ]
    assert not records.succeeded


def test_no_records_match_is_simply_no_records(fast_http):
    listing(fast_http, "oai_no_records_match.xml")

    records = harvest(f"{fast_http.url}/oai", from_=datetime.date(2024, 3, 5))

    assert list(records) == []
    assert records.succeeded
    assert records.response_date == datetime.datetime(2024, 3, 6, 8, 0, tzinfo=UTC)


def test_a_token_refused_part_way_keeps_the_first_page_and_says_why(fast_http):
    base_url = digital_commons(
        fast_http,
        second_page=oai_error("badResumptionToken", "The token has expired"),
    )

    records = harvest(base_url, metadata_prefix="dcq")
    result = collect(records)

    assert len(result.records) == 2
    assert [i.message for i in result.errors] == [
        "The repository answered with the OAI-PMH error “badResumptionToken”: The "
        "token has expired. The repository no longer accepts the harvest's "
        "resumption token (it may have expired); records before this point were "
        "read. Harvest again."
    ]
    assert not records.succeeded


def test_a_token_sent_twice_stops_the_harvest(fast_http):
    base_url = digital_commons(fast_http, second_page=fixture("dcq_list_records_1.xml"))

    records = harvest(base_url, metadata_prefix="dcq")
    result = collect(records)

    assert len(result.records) == 4  # page one, read twice
    assert "sent the same resumption token twice in a row" in result.errors[-1].message
    assert not records.succeeded


def test_an_address_that_is_not_oai_pmh_is_named(fast_http):
    fast_http.route(
        "/", Reply(body=b"<!DOCTYPE html><html><body>Library</body></html>")
    )

    [issue] = list(harvest(f"{fast_http.url}/"))

    assert issue.message == (
        f"{fast_http.url}/ did not answer Identify in OAI-PMH 2.0; is it an "
        "OAI-PMH base URL?"
    )


@pytest.mark.parametrize("name", ["oai_billion_laughs.xml", "oai_external_entity.xml"])
def test_responses_declaring_entities_are_refused_unexpanded(fast_http, name):
    listing(fast_http, name)

    records = harvest(f"{fast_http.url}/oai")
    result = collect(records)

    assert result.records == []
    [issue] = result.issues
    assert issue.message.startswith("The response declares XML entities")
    assert "root:" not in issue.message
    assert not records.succeeded


def test_an_identify_declaring_entities_is_refused(fast_http):
    fast_http.route("/oai", fixture("oai_external_entity.xml"))

    [issue] = list(harvest(f"{fast_http.url}/oai"))

    assert issue.message.startswith("The response declares XML entities")


def generated_page(number: int, last: int, size: int) -> bytes:
    records = "".join(
        f"<record><header><identifier>oai:big.example.edu:{number}-{n}</identifier>"
        f"<datestamp>2024-01-01</datestamp></header><metadata>"
        f'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>Record {number}-{n} {'padding ' * 40}</dc:title>"
        f"<dc:creator>Author, Number {n}</dc:creator><dc:date>2020</dc:date>"
        f"<dc:type>Article</dc:type></oai_dc:dc></metadata></record>"
        for n in range(size)
    )
    token = (
        f"<resumptionToken>page-{number + 1}</resumptionToken>" if number < last else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        "<responseDate>2024-03-05T14:07:21Z</responseDate>"
        "<request>https://big.example.edu/oai</request>"
        f"<ListRecords>{records}{token}</ListRecords></OAI-PMH>"
    ).encode()


def test_memory_stays_flat_however_many_pages_a_harvest_reads(fast_http):
    pages, per_page = 40, 50

    def answer(query):
        fast_http.requests.clear()  # the server's log would grow with pages
        if query["verb"] == "Identify":
            return fixture("dcq_identify.xml")
        number = int(query.get("resumptionToken", "page-1").removeprefix("page-"))
        return Reply(body=generated_page(number, pages, per_page))

    fast_http.route_function("/oai", answer)
    in_use = {}
    tracemalloc.start()
    try:
        for count, _ in enumerate(harvest(f"{fast_http.url}/oai"), 1):
            if count in (10 * per_page, pages * per_page):
                gc.collect()
                in_use[count] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()

    assert count == pages * per_page
    # Thirty pages later, the same memory in use: nothing read is kept. (Kept
    # records would hold about 1 KB each, 1.5 MB here.)
    assert in_use[pages * per_page] - in_use[10 * per_page] < 100_000


# A record listed again during a harvest


def second_page_listing_again(title: str | None) -> Reply:
    """The second page, ending with the first page's first record listed
    again, as a provider lists a record changed (with `title`) or deleted
    (title None) during the harvest."""
    oai = f"{{{OAI_NS}}}"
    first = etree.parse(FIXTURES / "dcq_list_records_1.xml").find(
        f"{oai}ListRecords/{oai}record"
    )
    first.find(f"{oai}header/{oai}datestamp").text = "2024-03-05T14:07:30Z"
    if title is None:
        first.find(f"{oai}header").set("status", "deleted")
        first.remove(first.find(f"{oai}metadata"))
    else:
        first.find(".//{http://purl.org/dc/elements/1.1/}title").text = title
    page = etree.parse(FIXTURES / "dcq_list_records_2.xml")
    page.find(f"{oai}ListRecords").append(first)
    return Reply(body=etree.tostring(page, xml_declaration=True, encoding="UTF-8"))


CORRECTED = "Cytokine profiles in children with HLH: a corrected title"
ORIGINAL = "Cytokine profiles in children with haemophagocytic lymphohistiocytosis"


def test_each_harvested_record_carries_its_oai_identifier(fast_http):
    result = collect(harvest(digital_commons(fast_http), metadata_prefix="dcq"))

    assert [r.source_id for r in result.records] == [
        "oai:escholarship.example.edu:faculty_pubs-2101",
        "oai:escholarship.example.edu:faculty_pubs-2102",
        "oai:escholarship.example.edu:gsbs_diss-1044",
        "oai:escholarship.example.edu:faculty_pubs-2110",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_size", [1000, 2], ids=["one chunk", "chunks of two"])
def test_a_record_listed_again_is_imported_from_its_newer_copy(fast_http, chunk_size):
    batch, rows = planned_harvest(fast_http, CORRECTED, chunk_size)

    assert sorted(rows) == [1, 3, 4, 5, 6]
    assert rows[6].action == "create"
    assert rows[6].title == CORRECTED
    # Its DOI and title are row 1's: the newer copy, not a repeat. (The
    # subjects are not in this empty taxonomy: warnings of their own.)
    assert [
        (i["field"], i["severity"], i["message"])
        for i in rows[6].issues
        if i["field"] != "subjects"
    ] == [
        (
            "",
            "warning",
            "Row 6 is a newer copy of row 1: the source listed the record again "
            "after it changed, so row 1 is skipped.",
        )
    ]
    batch.refresh_from_db()
    assert (batch.counts["create"], batch.counts["skip"]) == (4, 1)

    batch = batch_apply(batch=batch, user=None)

    assert batch.status == ImportBatch.Status.APPLIED
    assert sorted(Publication.objects.values_list("title", flat=True)) == sorted(
        [
            CORRECTED,
            "Outpatient follow-up after paediatric sepsis: a cohort study",
            "T cell exhaustion in chronic viral infection",
            "Department of Pediatrics newsletter, spring 2023",
        ]
    )
    assert not Publication.objects.filter(title=ORIGINAL).exists()
    assert Publication.objects.get(title=CORRECTED).doi == "10.5555/bjh.2013.0042"


def planned_harvest(fast_http, title: str | None, chunk_size: int):
    """A harvest planned whose last row (6) lists row 1's record again,
    changed (`title`) or deleted; the batch and its rows by number. Row 1
    is skipped for row 6 either way. In chunks of two, row 1 is written
    before row 6 is read."""
    base_url = digital_commons(fast_http, second_page=second_page_listing_again(title))
    batch = batch_create(
        file=None, filename="eScholarship", user=None, source=ImportBatch.Source.HARVEST
    )
    planning.plan(
        batch=batch,
        items=harvest(base_url, metadata_prefix="dcq"),
        chunk_size=chunk_size,
    )
    rows = {row.row_number: row for row in batch.rows.all()}
    assert (rows[1].action, rows[1].message) == (
        "skip",
        "Superseded by row 6, later in the source's list.",
    )
    batch.refresh_from_db()
    return batch, rows


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_size", [1000, 2], ids=["one chunk", "chunks of two"])
def test_a_record_deleted_during_the_harvest_is_not_imported(fast_http, chunk_size):
    batch, rows = planned_harvest(fast_http, None, chunk_size)

    assert sorted(rows) == [1, 3, 4, 5]
    assert [(i["row"], i["message"]) for i in batch.issues if i["row"] == 6] == [
        (
            6,
            "The source deleted the record of row 1 after listing it, so row 1 "
            "is skipped.",
        ),
        (
            6,
            "The record oai:escholarship.example.edu:faculty_pubs-2101 is deleted "
            "at the source; nothing was imported for it.",
        ),
    ]
    assert (batch.counts["create"], batch.counts["skip"]) == (3, 1)

    batch_apply(batch=batch, user=None)

    assert sorted(Publication.objects.values_list("title", flat=True)) == sorted(
        [
            "Outpatient follow-up after paediatric sepsis: a cohort study",
            "T cell exhaustion in chronic viral infection",
            "Department of Pediatrics newsletter, spring 2023",
        ]
    )


# The next harvest


def changed_page(
    name: str, identifier: str, *, title: str, source: str | None = None
) -> Reply:
    """A recorded list page whose record `identifier` has a new title, and
    a new source line if given (the DOI is read from the source line)."""
    page = etree.parse(FIXTURES / name)
    dc = "{http://purl.org/dc/elements/1.1/}"
    [record] = page.xpath(
        "//oai:record[oai:header/oai:identifier = $id]",
        namespaces={"oai": OAI_NS},
        id=identifier,
    )
    record.find(f".//{dc}title").text = title
    if source is not None:
        record.find(f".//{dc}source").text = source
    return Reply(body=etree.tostring(page, xml_declaration=True, encoding="UTF-8"))


def harvest_applied(fast_http, **pages) -> ImportBatch:
    """A harvest of the Digital Commons endpoint planned as jobs.plan_harvest
    plans it (matched records set to update) and applied."""
    base_url = digital_commons(fast_http, **pages)
    batch = batch_create(
        file=None, filename="eScholarship", user=None, source=ImportBatch.Source.HARVEST
    )
    planning.plan(
        batch=batch, items=harvest(base_url, metadata_prefix="dcq"), update_matched=True
    )
    return batch_apply(batch=batch, user=None)


@pytest.mark.django_db
def test_the_next_harvest_finds_each_record_by_its_identifier_at_the_source(
    fast_http,
):
    ours = services.publication_create(
        title="Cytokine profiles in children with HLH",
        pub_year=2013,
        doi="10.5555/bjh.2013.0042",
        document_type=DocumentType.objects.get(name="Article"),
        status="published",
    )
    first = harvest_applied(fast_http)
    matched = {r.row_number: r.match_kind for r in first.rows.all()}
    # Our record by its DOI; the others are new.
    assert matched == {1: "doi", 3: "", 4: "", 5: ""}
    assert Publication.objects.count() == 4

    # At the source, our record lost its DOI and the newsletter was renamed:
    # neither DOI nor title would find them now.
    second = harvest_applied(
        fast_http,
        first_page=changed_page(
            "dcq_list_records_1.xml",
            "oai:escholarship.example.edu:faculty_pubs-2101",
            title="Serum cytokines in paediatric HLH",
            source="Br J Haematol. 2013 Jun;161(5):609-22.",
        ),
        second_page=changed_page(
            "dcq_list_records_2.xml",
            "oai:escholarship.example.edu:faculty_pubs-2110",
            title="Pediatrics news: spring",
        ),
    )

    rows = {r.row_number: r for r in second.rows.all()}
    assert {n: r.match_kind for n, r in rows.items()} == dict.fromkeys(
        [1, 3, 4, 5], "source"
    )
    assert (rows[1].match_id, rows[1].outcome) == (ours.pk, "updated")
    assert (rows[3].outcome, rows[4].outcome) == ("unchanged", "unchanged")
    assert rows[5].outcome == "updated"
    assert Publication.objects.count() == 4
    ours.refresh_from_db()
    assert ours.title == "Serum cytokines in paediatric HLH"
    assert Publication.objects.filter(title="Pediatrics news: spring").exists()


def page_deleting(name: str, identifier: str) -> Reply:
    """A recorded list page in which record `identifier` is deleted."""
    page = etree.parse(FIXTURES / name)
    [record] = page.xpath(
        "//oai:record[oai:header/oai:identifier = $id]",
        namespaces={"oai": OAI_NS},
        id=identifier,
    )
    record.find(f"{{{OAI_NS}}}header").set("status", "deleted")
    record.remove(record.find(f"{{{OAI_NS}}}metadata"))
    return Reply(body=etree.tostring(page, xml_declaration=True, encoding="UTF-8"))


@pytest.mark.django_db
def test_a_deletion_at_the_source_names_the_record_an_earlier_harvest_brought(
    fast_http, admin_client
):
    harvest_applied(fast_http)
    brought = Publication.objects.get(title__startswith="Cytokine profiles")

    second = harvest_applied(
        fast_http,
        first_page=page_deleting(
            "dcq_list_records_1.xml", "oai:escholarship.example.edu:faculty_pubs-2101"
        ),
    )

    assert [(i["row"], i["message"]) for i in second.issues if i["row"] == 1] == [
        (
            1,
            "The record oai:escholarship.example.edu:faculty_pubs-2101 is deleted "
            "at the source; nothing was imported for it.",
        ),
        (
            1,
            f"Record #{brought.pk}, “{brought.title}”, came from "
            "oai:escholarship.example.edu:faculty_pubs-2101 in an earlier harvest, "
            "and the source has deleted it: withdraw it here too if it should go.",
        ),
    ]
    # Withdrawing is the curator's call.
    brought.refresh_from_db()
    assert brought.status == "published"
    # The batch page lists them with their row.
    page = parse_valid_html(admin_client.get(batch_url(second)).content.decode())
    [table] = [
        table
        for table in page.iter("table")
        if text(table.find("caption")).startswith("Issues with the harvest")
    ]
    assert [[text(cell) for cell in tr.iter("td")][:2] for tr in table.iter("tr")][
        1:
    ] == [["1", "Warning"], ["1", "Warning"], ["2", "Warning"]]
    assert f"Record #{brought.pk}, “{brought.title}”" in text(table)


@pytest.mark.django_db
def test_a_harvest_with_nothing_new_is_planned_with_nothing_to_import(fast_http):
    listing(fast_http, "oai_no_records_match.xml")
    batch = batch_create(
        file=None, filename="eScholarship", user=None, source=ImportBatch.Source.HARVEST
    )

    planning.plan(batch=batch, items=harvest(f"{fast_http.url}/oai"))

    assert (batch.status, batch.failure) == (ImportBatch.Status.PLANNED, "")
    assert batch.rows.count() == 0
    assert [i["message"] for i in batch.issues] == [
        "The source lists no new or changed records since the last harvest: "
        "there is nothing to import."
    ]


@pytest.mark.django_db
def test_curators_see_harvested_records_and_may_remove_a_wrong_link(
    fast_http, django_user_model, client
):
    curator = django_user_model.objects.create_user("curator", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curators"))
    client.force_login(curator)
    harvest_applied(fast_http)
    link = SourceRecord.objects.get(
        identifier="oai:escholarship.example.edu:faculty_pubs-2101"
    )
    changelist = reverse("admin:ingest_sourcerecord_changelist")

    page = parse_valid_html(
        client.get(changelist, {"q": "faculty_pubs-2101"}).content.decode()
    )

    [found] = page.iterfind(".//table[@id='result_list']/tbody/tr")
    assert [text(cell) for cell in found if text(cell)] == [
        "oai:escholarship.example.edu:faculty_pubs-2101",
        f"#{link.publication_id} {link.publication.title}",
    ]
    assert found.find(".//td/a").get("href") == reverse(
        "admin:publications_publication_change", args=[link.publication_id]
    )
    # Only imports make links.
    assert client.get(reverse("admin:ingest_sourcerecord_add")).status_code == 403

    response = client.post(
        reverse("admin:ingest_sourcerecord_delete", args=[link.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not SourceRecord.objects.filter(pk=link.pk).exists()
    assert Publication.objects.filter(pk=link.publication_id).exists()
