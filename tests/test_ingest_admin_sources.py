"""Imports that do not start from a file, and the rules an import follows:
looking up DOIs and PubMed IDs, harvesting an OAI-PMH repository (this one,
served by the live test server), and affiliation rules."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from publications.ingest import jobs
from publications.ingest.models import AffiliationRule, HarvestSource, ImportBatch
from publications.models import Publication
from tests.factories import DepartmentFactory, PublicationFactory
from tests.html import parse_valid_html, text
from tests.test_ingest_admin import batch_url, choose, latest_batch, row

LOOKUP_URL = "admin:ingest_importbatch_lookup"
RULES_URL = "admin:ingest_affiliationrule_changelist"
PUBMED_FIXTURE = (
    Path(__file__).parent / "fixtures" / "importers" / "pubmed_two_articles.xml"
)


@pytest.fixture
def curator(django_user_model, client):
    user = django_user_model.objects.create_user("curator", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return client


# Looking up identifiers -----------------------------------------------------


@pytest.fixture
def metadata_services(settings, shared_data):
    """Crossref's works API and NCBI's efetch as a local HTTP server: works
    from the public Crossref sample by DOI, the PubMed fixture for efetch."""
    sample = json.loads(shared_data("crossref_api_works_sample.json").read_text())
    works = {item["DOI"].lower(): item for item in sample["message"]["items"]}
    pubmed = PUBMED_FIXTURE.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server hook
            path = urlsplit(self.path).path
            if path.startswith("/crossref/works/"):
                work = works.get(unquote(path.removeprefix("/crossref/works/")))
                if work is None:
                    return self._send(404, b"Resource not found.", "text/plain")
                body = {"status": "ok", "message-type": "work", "message": work}
                return self._send(200, json.dumps(body).encode(), "application/json")
            if path == "/eutils/efetch.fcgi":
                return self._send(200, pubmed, "text/xml")
            return self._send(404, b"", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.CROSSREF_API_URL = f"{base}/crossref"
    settings.NCBI_EUTILS_URL = f"{base}/eutils"
    settings.INGEST_HTTP_RETRIES = 0
    yield base
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_looked_up_identifiers_are_checked_and_applied(curator, metadata_services):
    response = curator.post(
        reverse(LOOKUP_URL),
        {
            "identifiers": "10.1109/infvis.2005.1532150\n"
            "PMID: 99000001\n"
            "https://doi.org/10.1109/MITP.2002.1041177\n"
            "10.5555/nowhere.0001",
            "mode": "per_row",
        },
    )
    assert response.status_code == 302
    batch = latest_batch()
    assert (batch.source, batch.status) == ("lookup", ImportBatch.Status.PLANNED)
    assert batch.rows.count() == 4
    assert row(batch, 1).title == "Flow map layout"
    assert row(batch, 2).record["pmid"] == "99000001"
    assert row(batch, 3).title == "Inside SSL: accelerating secure transactions"
    assert (
        "Crossref has no record of the DOI 10.5555/nowhere.0001"
        in (row(batch, 4).issues[0]["message"])
    )
    page = curator.get(batch_url(batch))
    parse_valid_html(page.content)
    assert "Crossref has no record" in page.content.decode()

    choose(curator, batch, {}, apply=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    # Row by row: the work Crossref gives no date fails, the others are written.
    assert [r.outcome for r in batch.rows.all()] == [
        "failed",
        "created",
        "created",
        "skipped",
    ]
    assert "no publication year" in row(batch, 1).message
    assert set(Publication.objects.values_list("doi", flat=True)) == {
        row(batch, 2).record["doi"],
        "10.1109/mitp.2002.1041177",
    }
    assert Publication.objects.filter(pmid="99000001").exists()


@pytest.mark.django_db
def test_an_interrupted_lookup_asks_again_on_retry(curator, metadata_services):
    curator.post(
        reverse(LOOKUP_URL),
        {"identifiers": "10.1109/infvis.2005.1532150 99000002", "mode": "all"},
    )
    batch = latest_batch()
    batch.rows.all().delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.PLANNING,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    curator.post(reverse("admin:ingest_importbatch_retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PLANNED
    assert [r.record["pmid"] for r in batch.rows.filter(row_number=2)] == ["99000002"]


@pytest.mark.django_db
def test_identifiers_that_are_neither_dois_nor_pubmed_ids_are_a_form_error(curator):
    response = curator.post(
        reverse(LOOKUP_URL),
        {
            "identifiers": "10.1109/infvis.2005.1532150\nnot-an-identifier",
            "mode": "all",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["identifiers"]
    assert any("not-an-identifier" in error for error in errors)
    assert not ImportBatch.objects.exists()
    parse_valid_html(response.content)


@pytest.mark.django_db
def test_an_empty_lookup_is_a_form_error(curator):
    response = curator.post(
        reverse(LOOKUP_URL), {"identifiers": "  \n ", "mode": "all"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["identifiers"]
    assert not ImportBatch.objects.exists()


# Harvesting -------------------------------------------------------------------


def harvest_now(client, source: HarvestSource):
    response = client.post(
        reverse("admin:ingest_harvestsource_harvest", args=[source.pk])
    )
    jobs.wait(timeout=120)
    return response


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_harvest_asks_only_for_what_changed_since_the_last_one(
    admin_client, live_server
):
    old = [PublicationFactory(doi=f"10.5555/harvest.{n}") for n in range(2)]
    # Changed an hour ago, before the first harvest.
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Publication.objects.update(updated_at=an_hour_ago)
    source = HarvestSource.objects.create(
        name="This repository", base_url=f"{live_server.url}/oai"
    )
    page = admin_client.get(
        reverse("admin:ingest_harvestsource_change", args=[source.pk])
    )
    form = parse_valid_html(page.content).find(".//form[@class='harvest-now']")
    assert text(form) == "Harvest now"

    response = harvest_now(admin_client, source)
    batch = latest_batch()
    assert response.status_code == 302 and response.url == batch_url(batch)
    assert (batch.source, batch.harvest_source) == ("harvest", source)
    assert batch.status == ImportBatch.Status.PLANNED, batch.failure
    # Its own records come back matched by DOI, nothing new to create.
    assert {r.match_id for r in batch.rows.all()} == {p.pk for p in old}
    source.refresh_from_db()
    assert source.harvested_until is None  # moved only once applied

    rows = dict.fromkeys(batch.rows.values_list("row_number", flat=True), "skip")
    choose(admin_client, batch, rows, apply=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    source.refresh_from_db()
    assert source.harvested_until is not None
    assert source.harvested_until > an_hour_ago

    new = PublicationFactory(title="Added after the first harvest")
    harvest_now(admin_client, source)
    second = latest_batch()
    assert second.pk != batch.pk
    assert second.status == ImportBatch.Status.PLANNED, second.failure
    assert [r.match_id for r in second.rows.all()] == [new.pk]

    # Nothing has changed since: a harvest with nothing to import, which the
    # batch page says, and applying it moves the source on all the same.
    choose(admin_client, second, {1: "skip"}, apply=True)
    source.refresh_from_db()
    applied_until = source.harvested_until
    # Changed well before that harvest, not in the second it answered.
    Publication.objects.filter(pk=new.pk).update(
        updated_at=applied_until - datetime.timedelta(seconds=5)
    )
    harvest_now(admin_client, source)
    third = latest_batch()
    assert (third.status, third.rows.count()) == (ImportBatch.Status.PLANNED, 0)
    page = parse_valid_html(admin_client.get(batch_url(third)).content)
    assert "there is nothing to import" in text(page.find(".//main"))
    choose(admin_client, third, {}, apply=True)
    third.refresh_from_db()
    assert third.status == ImportBatch.Status.APPLIED
    source.refresh_from_db()
    assert third.harvested_until is not None
    assert source.harvested_until == third.harvested_until >= applied_until


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_harvest_of_an_endpoint_that_does_not_answer_fails_with_its_reason(
    admin_client, settings
):
    settings.INGEST_HTTP_RETRIES = 0
    # Nothing listens on the discard port.
    source = HarvestSource.objects.create(
        name="Nowhere", base_url="http://127.0.0.1:9/oai"
    )
    harvest_now(admin_client, source)
    batch = latest_batch()
    assert batch.status == ImportBatch.Status.FAILED
    assert "Could not harvest http://127.0.0.1:9/oai" in batch.failure
    page = admin_client.get(batch_url(batch)).content.decode()
    assert "Could not harvest" in page and 'value="Retry"' in page
    source.refresh_from_db()
    assert source.harvested_until is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_harvest_action_starts_a_harvest_per_source(admin_client, settings):
    settings.INGEST_HTTP_RETRIES = 0
    sources = [
        HarvestSource.objects.create(name=f"Source {n}", base_url="http://127.0.0.1:9/")
        for n in range(2)
    ]
    response = admin_client.post(
        reverse("admin:ingest_harvestsource_changelist"),
        {"action": "harvest_selected", "_selected_action": [s.pk for s in sources]},
    )
    jobs.wait(timeout=60)
    assert response.status_code == 302
    assert ImportBatch.objects.filter(source="harvest").count() == 2


# Affiliation rules ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_rules_list_shows_and_edits_pattern_department_position_and_state(
    curator,
):
    pediatrics = DepartmentFactory(name="Department of Pediatrics")
    rule = AffiliationRule.objects.create(
        pattern="Dept of Pediatrics", department=pediatrics, position=10
    )
    response = curator.get(reverse(RULES_URL))
    page = parse_valid_html(response.content)
    headers = [
        text(th) for th in page.iterfind(".//table[@id='result_list']/thead//th")
    ]
    # (A number before a header is its place in the default ordering.)
    assert [h.split()[-1] for h in headers[1:]] == [
        "Pattern",
        "Department",
        "Position",
        "Active",
    ]
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(rule.pk),
        "form-0-position": "5",
        "_save": "Save",
    }
    response = curator.post(reverse(RULES_URL), data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.position, rule.is_active) == (5, False)


@pytest.mark.django_db
def test_the_rule_form_finds_departments_by_autocomplete(curator):
    DepartmentFactory(name="Department of Pediatrics")
    page = parse_valid_html(
        curator.get(reverse("admin:ingest_affiliationrule_add")).content
    )
    select = page.find(".//select[@name='department']")
    assert "admin-autocomplete" in select.get("class")
    response = curator.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "ingest",
            "model_name": "affiliationrule",
            "field_name": "department",
            "term": "pediat",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == [
        "Department of Pediatrics"
    ]


@pytest.mark.django_db
def test_an_affiliation_is_tested_against_the_active_rules(curator):
    pediatrics = DepartmentFactory(name="Department of Pediatrics")
    oncology = DepartmentFactory(name="Division of Oncology")
    surgery = DepartmentFactory(name="Department of Surgery")
    AffiliationRule.objects.create(
        pattern="Pediatrics", department=pediatrics, position=1
    )
    AffiliationRule.objects.create(pattern="Oncología", department=oncology, position=2)
    AffiliationRule.objects.create(
        pattern="Pediatric", department=surgery, is_active=False
    )
    response = curator.get(
        reverse(RULES_URL),
        {"affiliation": "Dept. of PEDIATRICS and Oncologia, Example Medical School"},
    )
    assert response.status_code == 200
    page = parse_valid_html(response.content)
    box = page.find(".//div[@id='affiliation-test']")
    assert [text(li) for li in box.iterfind(".//ul/li")] == [
        "Department of Pediatrics",
        "Division of Oncology",
    ]
    # The list of rules is still all there, the tester's field no filter.
    assert response.context["cl"].result_count == 3

    response = curator.get(reverse(RULES_URL), {"affiliation": "Department of Music"})
    box = parse_valid_html(response.content).find(".//div[@id='affiliation-test']")
    assert "matches no active rule" in text(box)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_harvest_planned_again_without_success_no_longer_moves_its_source(
    admin_client, live_server, settings
):
    settings.INGEST_HTTP_RETRIES = 0
    PublicationFactory(doi="10.5555/harvest.again")
    source = HarvestSource.objects.create(
        name="This repository", base_url=f"{live_server.url}/oai"
    )
    harvest_now(admin_client, source)
    batch = latest_batch()
    assert batch.harvested_until is not None

    HarvestSource.objects.filter(pk=source.pk).update(base_url="http://127.0.0.1:9/oai")
    jobs.plan(batch)
    jobs.wait(timeout=120)
    batch.refresh_from_db()
    assert batch.harvested_until is None
