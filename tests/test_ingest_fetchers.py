"""Looking records up by DOI at Crossref and by PubMed ID at NCBI, and the
HTTP client under both, against a local server that answers as those
services do: recorded responses, and scripted failures (429 with
Retry-After, 500s, a server too slow to answer, 404, a body over the cap).
Nothing here touches the network.

The harvest tests import `local_service` and `Reply` from this module.
"""

import datetime
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from publications.dates import PartialDate
from publications.importers import ImportIssue, ParseResult, Severity
from publications.ingest import http
from publications.ingest.fetchers import fetch_records

FIXTURES = Path(__file__).parent / "fixtures" / "ingest_sources"


# A local service answering from a script


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    trickle: float = 0.0  # seconds between 100-byte parts of the body
    content_length: bool = True  # else the body runs to the connection's end


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


class LocalService:
    """What the server answers: per path, replies given in turn (the last
    one repeats) or a function of the query; other paths get a 404."""

    def __init__(self, url: str):
        self.url = url
        self.routes: dict[str, list[Reply] | object] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    def route(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def route_function(self, path: str, answer) -> None:
        self.routes[path] = answer

    def answer(self, path: str, query: dict[str, str]) -> Reply:
        with self._lock:
            route = self.routes.get(path)
            if route is None:
                return Reply(404, b"Resource not found.")
            if callable(route):
                return route(query)
            return route.pop(0) if len(route) > 1 else route[0]

    def seen(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        split = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(split.query).items()}
        service = self.server.service
        service.requests.append(
            Request(split.path, query, dict(self.headers), time.monotonic())
        )
        reply = service.answer(split.path, query)
        time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.content_length:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if not reply.trickle:
                self.wfile.write(reply.body)
            for start in range(0, len(reply.body) if reply.trickle else 0, 100):
                self.wfile.write(reply.body[start : start + 100])
                self.wfile.flush()
                time.sleep(reply.trickle)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting, as the timeout tests intend

    def log_message(self, format, *args):
        pass


@pytest.fixture
def local_service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    host, port = server.server_address
    server.service = LocalService(f"http://{host}:{port}")
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield server.service
    server.shutdown()
    server.server_close()


@pytest.fixture
def fast_http(settings, local_service):
    """Short timeouts and waits; Crossref and NCBI are the local service."""
    settings.INGEST_HTTP_TIMEOUT = 2
    settings.INGEST_HTTP_RETRIES = 2
    settings.INGEST_HTTP_BACKOFF = 0.01
    settings.INGEST_HTTP_MAX_BYTES = 16 * 1024 * 1024
    settings.CROSSREF_API_URL = f"{local_service.url}/crossref"
    settings.NCBI_EUTILS_URL = f"{local_service.url}/eutils"
    settings.NCBI_API_KEY = ""
    settings.REPOSITORY = {
        **settings.REPOSITORY,
        "NAME": "Example Faculty Works",
        "BASE_URL": "https://works.example.edu",
        "CONTACT_EMAIL": "library@example.edu",
    }
    return local_service


def collect(identifiers) -> ParseResult:
    return ParseResult.collect(fetch_records(identifiers))


def messages(result: ParseResult) -> list[tuple]:
    return [(i.row, i.field, i.message) for i in result.issues]


# The HTTP client


def test_the_client_names_the_repository_and_its_contact(fast_http):
    fast_http.route("/ping", Reply(body=b"pong"))

    response = http.get(f"{fast_http.url}/ping", params={"q": "a b"})

    assert response.body == b"pong"
    [request] = fast_http.seen("/ping")
    assert request.query == {"q": "a b"}
    assert request.headers["User-Agent"] == (
        "faculty-repository (Example Faculty Works; +https://works.example.edu; "
        "mailto:library@example.edu)"
    )


def test_a_429_is_retried_after_the_wait_retry_after_asks(fast_http):
    fast_http.route(
        "/busy", Reply(429, b"slow down", {"Retry-After": "1"}), Reply(body=b"ok")
    )

    started = time.monotonic()
    response = http.get(f"{fast_http.url}/busy")

    assert response.body == b"ok"
    first, second = fast_http.seen("/busy")
    # The backoff alone would have waited 0.01 s.
    assert second.at - first.at >= 0.95
    assert time.monotonic() - started < 5


def test_retry_after_as_an_http_date_is_read_as_seconds_from_now():
    now = time.time()
    in_half_a_minute = datetime.datetime.fromtimestamp(now + 30, tz=datetime.UTC)

    assert (
        29
        <= http.retry_after(format_datetime(in_half_a_minute, usegmt=True), now=now)
        <= 30
    )
    assert http.retry_after("120") == 120
    assert http.retry_after("soon") is None


def test_a_retry_after_longer_than_the_limit_ends_the_request_at_once(fast_http):
    fast_http.route("/closed", Reply(503, b"", {"Retry-After": "3600"}))

    with pytest.raises(http.FetchError) as caught:
        http.get(f"{fast_http.url}/closed")

    assert str(caught.value) == (
        f"{urlsplit(fast_http.url).netloc} answered HTTP 503 and asked to wait "
        "3600 seconds; try again later."
    )
    assert len(fast_http.seen("/closed")) == 1


def test_two_server_errors_then_success_gives_the_response(fast_http):
    fast_http.route(
        "/flaky", Reply(500, b"oops"), Reply(500, b"oops"), Reply(body=b"ok")
    )

    assert http.get(f"{fast_http.url}/flaky").body == b"ok"
    assert len(fast_http.seen("/flaky")) == 3


def test_server_errors_past_the_retries_give_a_message_with_the_status(fast_http):
    fast_http.route("/down", Reply(502, b"bad gateway"))

    with pytest.raises(http.FetchError) as caught:
        http.get(f"{fast_http.url}/down")

    host = urlsplit(fast_http.url).netloc
    assert caught.value.status == 502
    assert str(caught.value) == (
        f"{host} answered HTTP 502 (Bad Gateway). Tried 3 times."
    )
    assert len(fast_http.seen("/down")) == 3


def test_a_server_too_slow_to_answer_times_out_and_is_retried(fast_http, settings):
    settings.INGEST_HTTP_TIMEOUT = 0.2
    settings.INGEST_HTTP_RETRIES = 1
    fast_http.route("/slow", Reply(body=b"late", delay=1.5))

    started = time.monotonic()
    with pytest.raises(http.FetchError) as caught:
        http.get(f"{fast_http.url}/slow")

    host = urlsplit(fast_http.url).netloc
    assert str(caught.value) == (
        f"{host} did not answer within 0.2 seconds. Tried 2 times."
    )
    assert caught.value.status is None
    assert len(fast_http.seen("/slow")) == 2
    assert time.monotonic() - started < 1.4


def test_a_body_that_trickles_in_is_cut_off(fast_http, settings):
    settings.INGEST_HTTP_TIMEOUT = 0.2
    settings.INGEST_HTTP_RETRIES = 0
    # Each part comes well within the timeout; the whole would take 4 s.
    fast_http.route("/drip", Reply(body=b"x" * 4000, trickle=0.1))

    started = time.monotonic()
    with pytest.raises(http.FetchError, match="did not answer within 0.2 seconds"):
        http.get(f"{fast_http.url}/drip")
    assert time.monotonic() - started < 1.5


def test_a_404_is_not_retried(fast_http):
    with pytest.raises(http.FetchError) as caught:
        http.get(f"{fast_http.url}/nowhere")

    assert caught.value.status == 404
    assert len(fast_http.seen("/nowhere")) == 1


@pytest.mark.parametrize("content_length", [True, False])
def test_a_body_over_the_cap_is_refused(fast_http, settings, content_length):
    settings.INGEST_HTTP_MAX_BYTES = 1000
    fast_http.route("/huge", Reply(body=b"x" * 200_000, content_length=content_length))

    with pytest.raises(http.FetchError, match="sent more than 1,000 bytes"):
        http.get(f"{fast_http.url}/huge")
    assert len(fast_http.seen("/huge")) == 1


def test_only_web_addresses_are_fetched(fast_http):
    with pytest.raises(http.FetchError, match="is not an http or https address"):
        http.get("file:///etc/passwd")


def test_an_address_nobody_answers_gives_a_message(settings):
    settings.INGEST_HTTP_RETRIES = 0
    # A port that was free a moment ago: the connection is refused.
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    server.server_close()

    with pytest.raises(http.FetchError, match=f"Could not reach 127.0.0.1:{port}"):
        http.get(f"http://127.0.0.1:{port}/oai")


# Crossref


def crossref_route(service, works: dict[str, bytes]) -> None:
    """/crossref/works/<doi>: the recorded work, or Crossref's 404."""
    for doi, body in works.items():
        service.route(
            f"/crossref/works/{doi}",
            Reply(body=body, headers={"Content-Type": "application/json"}),
        )


def test_a_doi_in_any_form_is_read_from_crossref(fast_http):
    crossref_route(
        fast_http,
        {"10.5555/bjh.2013.0042": (FIXTURES / "crossref_work.json").read_bytes()},
    )

    result = collect(
        [
            "10.5555/bjh.2013.0042",
            "doi:10.5555/BJH.2013.0042x",
            "https://doi.org/10.5555/bjh.2013.0042",
        ]
    )

    [record] = result.records
    assert record.source_row == 1
    assert record.title == (
        "Cytokine profiles in children with haemophagocytic lymphohistiocytosis"
    )
    assert record.doi == "10.5555/bjh.2013.0042"
    assert record.venue_title == "British Journal of Haematology"
    assert (record.volume, record.issue, record.pages) == ("161", "5", "609-622")
    assert record.publication_date == PartialDate(2013, 6)
    assert [a.family_name for a in record.authors] == [
        "Okafor",
        "Lindqvist",
        "Brennan",
    ]
    assert record.authors[1].orcid == "0000-0002-1825-0097"
    # JATS markup read as the Crossref parser reads it.
    assert record.abstract == (
        "<p>Haemophagocytic lymphohistiocytosis (HLH) is a hyperinflammatory "
        "syndrome of <i>uncontrolled</i> immune activation.</p>"
    )
    assert messages(result) == [
        (
            2,
            "doi",
            "Crossref has no record of the DOI 10.5555/bjh.2013.0042x. It may be "
            "registered elsewhere (DataCite, mEDRA): check "
            "https://doi.org/10.5555/bjh.2013.0042x.",
        ),
        (
            3,
            "identifier",
            "Row 3 repeats row 1 (10.5555/bjh.2013.0042); it was looked up once.",
        ),
    ]
    [request, _] = fast_http.requests
    # Crossref's polite pool: mailto in the query and in the User-Agent.
    assert request.query == {"mailto": "library@example.edu"}
    assert "mailto:library@example.edu" in request.headers["User-Agent"]


def test_crossref_sample_works_are_read_by_the_crossref_parser(fast_http, shared_data):
    sample = json.loads(shared_data("crossref_api_works_sample.json").read_bytes())
    items = sample["message"]["items"]
    crossref_route(
        fast_http,
        {
            item["DOI"]: json.dumps(
                {"status": "ok", "message-type": "work", "message": item}
            ).encode()
            for item in items
        },
    )

    result = collect([f"https://doi.org/{item['DOI']}" for item in items])

    assert [r.doi for r in result.records] == [item["DOI"] for item in items]
    assert [r.title for r in result.records] == [item["title"][0] for item in items]
    assert [r.source_row for r in result.records] == [1, 2, 3]
    assert {r.document_type for r in result.records} == {
        "Article",
        "Conference Proceeding",
    }


def test_crossref_busy_then_answering_still_gives_the_record(fast_http):
    body = (FIXTURES / "crossref_work.json").read_bytes()
    fast_http.route(
        "/crossref/works/10.5555/bjh.2013.0042",
        Reply(429, b"", {"Retry-After": "0"}),
        Reply(500, b""),
        Reply(body=body),
    )

    result = collect(["10.5555/bjh.2013.0042"])

    assert len(result.records) == 1
    assert result.issues == []


def test_crossref_failing_names_the_doi_and_the_reason(fast_http):
    fast_http.route("/crossref/works/10.5555/down", Reply(503, b""))

    result = collect(["10.5555/down"])

    host = urlsplit(fast_http.url).netloc
    assert result.records == []
    assert messages(result) == [
        (
            1,
            "doi",
            "The DOI 10.5555/down could not be looked up at Crossref: "
            f"{host} answered HTTP 503 (Service Unavailable). Tried 3 times.",
        )
    ]


def test_crossref_answering_what_is_not_a_work_is_an_issue_for_that_row(fast_http):
    fast_http.route("/crossref/works/10.5555/odd", Reply(body=b"<html>maintenance"))

    result = collect(["", "10.5555/odd"])

    assert result.records == []
    assert [(i.row, i.severity) for i in result.issues] == [(2, Severity.ERROR)]
    assert "not valid JSON" in result.issues[0].message


# PubMed


def efetch_route(service, articles: dict[str, bytes]) -> None:
    """efetch.fcgi answering with the articles it has for the ids asked."""

    def answer(query: dict[str, str]) -> Reply:
        found = [articles[i] for i in query.get("id", "").split(",") if i in articles]
        body = b"<?xml version='1.0'?>\n<PubmedArticleSet>%s</PubmedArticleSet>" % (
            b"".join(found)
        )
        return Reply(body=body, headers={"Content-Type": "text/xml"})

    service.route_function("/eutils/efetch.fcgi", answer)


def sample_articles(path: Path) -> dict[str, bytes]:
    """PMID -> <PubmedArticle> as bytes, from a PubMed XML file."""
    articles = {}
    for _, element in etree.iterparse(str(path), tag="PubmedArticle"):
        articles[element.findtext("MedlineCitation/PMID")] = etree.tostring(element)
    return articles


def test_a_pubmed_id_in_any_form_is_read_from_efetch(fast_http):
    fast_http.route(
        "/eutils/efetch.fcgi",
        Reply(body=(FIXTURES / "efetch_one_article.xml").read_bytes()),
    )

    result = collect(["https://pubmed.ncbi.nlm.nih.gov/99000102/"])

    [record] = result.records
    assert record.source_row == 1
    assert record.pmid == "99000102"
    assert record.pmcid == "PMC9900102"
    assert record.doi == "10.5555/jpeds.2021.0815"
    assert (
        record.title == "Outpatient follow-up after paediatric sepsis: a cohort study"
    )
    assert record.abstract == (
        "<p><b>BACKGROUND:</b> Children who survive sepsis often return to "
        "hospital.</p><p><b>RESULTS:</b> Follow-up within 30 days halved "
        "readmissions.</p>"
    )
    assert [k.term for k in record.keywords] == ["Sepsis", "Patient Readmission"]
    [request] = fast_http.seen("/eutils/efetch.fcgi")
    assert request.query == {
        "db": "pubmed",
        "id": "99000102",
        "retmode": "xml",
        "tool": "example-faculty-works",
        "email": "library@example.edu",
    }


def test_pubmed_sample_ids_go_200_to_a_request_and_unknown_ones_are_named(
    fast_http, shared_data
):
    articles = sample_articles(shared_data("pubmed_sample_2019.xml"))
    efetch_route(fast_http, articles)
    unknown = [str(99_999_000 + n) for n in range(30)]
    pmids = list(articles)
    asked = [f"PMID: {pmids[0]}", *pmids[1:], *unknown]

    started = time.monotonic()
    result = collect(asked)

    assert [r.pmid for r in result.records] == pmids
    assert [r.source_row for r in result.records] == list(range(1, len(pmids) + 1))
    not_found = [i for i in result.issues if i.message.startswith("PubMed has no")]
    assert [(i.row, i.message) for i in not_found] == [
        (len(pmids) + n + 1, f"PubMed has no record with the ID {pmid}.")
        for n, pmid in enumerate(unknown)
    ]
    requests = fast_http.seen("/eutils/efetch.fcgi")
    assert [len(r.query["id"].split(",")) for r in requests] == [200, len(asked) - 200]
    # Without an API key NCBI allows 3 requests a second.
    assert requests[1].at - requests[0].at >= 0.33
    assert time.monotonic() - started < 10


def test_an_ncbi_api_key_is_sent_when_set(fast_http, settings):
    settings.NCBI_API_KEY = "abc123"
    fast_http.route(
        "/eutils/efetch.fcgi", Reply(body=(FIXTURES / "efetch_empty.xml").read_bytes())
    )

    result = collect(["23573877"])

    assert fast_http.seen("/eutils/efetch.fcgi")[0].query["api_key"] == "abc123"
    assert messages(result) == [
        (1, "pmid", "PubMed has no record with the ID 23573877.")
    ]


def test_an_efetch_error_answer_fails_each_id_with_ncbis_words(fast_http):
    fast_http.route(
        "/eutils/efetch.fcgi", Reply(body=(FIXTURES / "efetch_error.xml").read_bytes())
    )

    result = collect(["11111111", "22222222"])

    reason = (
        "NCBI did not answer with PubMed records (Cannot retrieve history data. "
        "query_key: 1, WebEnv: NCID_1_0_example)."
    )
    assert messages(result) == [
        (1, "pmid", f"PubMed ID 11111111: {reason}"),
        (2, "pmid", f"PubMed ID 22222222: {reason}"),
    ]


def test_ncbi_too_slow_fails_each_id_of_the_batch(fast_http, settings):
    settings.INGEST_HTTP_TIMEOUT = 0.2
    settings.INGEST_HTTP_RETRIES = 0
    fast_http.route("/eutils/efetch.fcgi", Reply(body=b"", delay=1))

    result = collect(["11111111", "22222222"])

    host = urlsplit(fast_http.url).netloc
    assert messages(result) == [
        (
            row,
            "pmid",
            f"The PubMed ID {pmid} could not be looked up at NCBI: {host} did not "
            "answer within 0.2 seconds.",
        )
        for row, pmid in ((1, "11111111"), (2, "22222222"))
    ]


# Mixed lists


def test_a_mixed_list_gives_rows_in_input_order_with_an_issue_per_bad_entry(
    fast_http,
):
    crossref_route(
        fast_http,
        {"10.5555/bjh.2013.0042": (FIXTURES / "crossref_work.json").read_bytes()},
    )
    fast_http.route(
        "/eutils/efetch.fcgi",
        Reply(body=(FIXTURES / "efetch_one_article.xml").read_bytes()),
    )

    result = collect(
        [
            "99000102",  # PubMed, looked up after the DOIs of its batch
            "not an identifier",
            "",
            "10.5555/bjh.2013.0042",
            "PMC9900102",
            "10.5555",
        ]
    )

    assert [(r.source_row, r.title[:20]) for r in result.records] == [
        (1, "Outpatient follow-up"),
        (4, "Cytokine profiles in"),
    ]
    assert [(i.row, i.field) for i in result.issues] == [
        (2, "identifier"),
        (5, "identifier"),
        (6, "identifier"),
    ]
    assert result.issues[0].message == (
        "“not an identifier” is neither a DOI nor a PubMed ID; give a DOI "
        "(10.1111/bjh.12293) or a PubMed ID (23573877)."
    )
    assert "PubMed Central ID" in result.issues[1].message
    assert result.issues[2].message.startswith("“10.5555” is not a DOI.")
    # Issues come just before the record of their row, rows in order.
    items = list(fetch_records(["not an identifier", "10.5555/bjh.2013.0042"]))
    assert [type(item) for item in items] == [ImportIssue, type(result.records[0])]
