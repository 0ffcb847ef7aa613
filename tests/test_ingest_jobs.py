"""Batches checked and applied in a background thread, a job that fails,
and a batch cut off by a server restart, retried through the admin."""

import datetime
import logging

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from publications.ingest import jobs
from publications.ingest.models import HarvestSource, ImportBatch, ImportRow
from publications.models import Publication
from tests.factories import PublicationFactory
from tests.html import parse_valid_html, text
from tests.test_ingest_admin import (
    batch_url,
    choose,
    latest_batch,
    row,
    shown_messages,
    upload,
)
from tests.test_ingest_admin_permissions import log_in_uploader

LONG_AGO = datetime.timedelta(hours=1)


def retry_url(batch: ImportBatch) -> str:
    return reverse("admin:ingest_importbatch_retry", args=[batch.pk])


def crash(batch: ImportBatch, status: str) -> None:
    """Leave the batch as a server stopped mid-job does: still "checking" or
    "applying", its last heartbeat long ago."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status, heartbeat_at=timezone.now() - LONG_AGO
    )


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_file_is_checked_and_applied_in_the_background(admin_client, settings):
    settings.INGEST_BACKGROUND_BYTES = 100  # records.csv is larger
    settings.INGEST_BACKGROUND_ROWS = 2  # and has three rows
    postgres = connection.vendor == "postgresql"
    before = server_connections() if postgres else None

    response = upload(admin_client, "records.csv")
    assert response.status_code == 302
    assert any("background" in m for m in shown_messages(response))
    jobs.wait(timeout=60)
    batch = latest_batch()
    assert batch.status == ImportBatch.Status.PLANNED
    assert batch.rows.count() == 3

    response = choose(admin_client, batch, {4: "skip"}, apply=True)
    assert any("background" in m for m in shown_messages(response))
    jobs.wait(timeout=60)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert Publication.objects.count() == 2
    if postgres:
        # Each job closed the connection its thread opened.
        assert server_connections() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_job_records_why_and_logs_the_traceback(
    admin_client, admin_user, caplog
):
    source = HarvestSource.objects.create(
        name="Gone", base_url="https://repository.example.org/oai"
    )
    batch = jobs.harvest_create(source=source, user=admin_user)
    source.delete()  # the batch keeps no source to harvest
    with caplog.at_level(logging.ERROR, logger="publications.ingest.jobs"):
        jobs.plan_harvest(batch)
        jobs.wait(timeout=60)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.failure == "The harvest source of this batch has been deleted."
    assert any(record.exc_info for record in caplog.records)

    page = parse_valid_html(admin_client.get(batch_url(batch)).content)
    failure = text(page.find(".//p[@class='errornote']"))
    assert "The harvest source of this batch has been deleted." in failure
    assert "Traceback" not in failure
    assert page.find(f".//form[@action='{retry_url(batch)}']") is not None


@pytest.mark.django_db
def test_a_running_batch_shows_its_progress_and_refreshes_itself(admin_client):
    upload(admin_client, "records.csv")
    batch = latest_batch()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.APPLYING,
        heartbeat_at=timezone.now(),
        progress_done=1,
        progress_total=3,
    )
    page = parse_valid_html(admin_client.get(batch_url(batch)).content)
    refresh = page.find(".//head/meta[@http-equiv='refresh']")
    assert refresh is not None and int(refresh.get("content")) > 0
    progress = page.find(".//progress")
    assert (progress.get("value"), progress.get("max")) == ("1", "3")
    label = page.find(f".//label[@for='{progress.get('id')}']")
    assert text(label) == "1 of 3 rows done"
    assert page.find(".//select") is None  # no choices while applying
    assert page.find(f".//form[@action='{retry_url(batch)}']") is None


@pytest.mark.django_db
def test_an_interrupted_check_is_shown_failed_and_retried(admin_client):
    upload(admin_client, "records.csv")
    batch = latest_batch()
    batch.rows.filter(row_number__gt=2).delete()  # cut off after row 2
    crash(batch, ImportBatch.Status.PLANNING)

    page = parse_valid_html(admin_client.get(batch_url(batch)).content)
    assert page.find(".//meta[@http-equiv='refresh']") is None
    assert "Failed (interrupted while checking)" in text(page.find(".//dl"))
    assert page.find(f".//form[@action='{retry_url(batch)}']") is not None

    response = admin_client.post(retry_url(batch))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PLANNED
    assert batch.rows.count() == 3


@pytest.mark.django_db
def test_an_interrupted_row_by_row_apply_resumes_with_the_pending_rows(
    admin_client,
):
    upload(admin_client, "records.csv", mode="per_row")
    batch = latest_batch()
    choose(admin_client, batch, {}, apply=True)
    # As if the server stopped after row 2 was written: row 3 never was.
    third = row(batch, 3)
    Publication.objects.filter(pk=third.publication_id).delete()
    ImportRow.objects.filter(pk=third.pk).update(
        outcome=ImportRow.Outcome.PENDING, publication=None, message=""
    )
    crash(batch, ImportBatch.Status.APPLYING)
    first = row(batch, 2).publication_id

    page = admin_client.get(batch_url(batch)).content.decode()
    assert "Failed (interrupted while applying)" in page
    assert "Retrying applies the rows still pending." in page
    admin_client.post(retry_url(batch))

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert row(batch, 2).publication_id == first  # not written twice
    assert row(batch, 3).outcome == ImportRow.Outcome.CREATED
    assert Publication.objects.filter(doi="10.5555/ingest.0002").count() == 1
    assert Publication.objects.count() == 3


@pytest.mark.django_db
def test_an_interrupted_all_or_nothing_apply_applies_everything_again(
    admin_client,
):
    upload(admin_client, "records.csv")
    batch = latest_batch()
    # Its transaction died with the process: nothing written, rows pending.
    crash(batch, ImportBatch.Status.APPLYING)
    page = admin_client.get(batch_url(batch)).content.decode()
    assert "Nothing was written; retrying applies the whole batch again." in page
    admin_client.post(retry_url(batch))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert Publication.objects.count() == 3


@pytest.mark.django_db
def test_a_failed_all_or_nothing_apply_writes_nothing_and_can_be_retried(
    admin_client,
):
    upload(admin_client, "records.csv")
    batch = latest_batch()
    # Meanwhile someone adds the record of row 2 by hand.
    meanwhile = PublicationFactory(doi="10.5555/ingest.0001")
    choose(admin_client, batch, {}, apply=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.failure.startswith("Nothing was applied: row 2 failed")
    assert Publication.objects.count() == 1
    assert set(batch.rows.values_list("outcome", flat=True)) == {"pending"}

    page = admin_client.get(batch_url(batch)).content.decode()
    assert batch.failure in page
    meanwhile.delete()
    admin_client.post(retry_url(batch))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert Publication.objects.count() == 3


@pytest.mark.django_db
def test_a_batch_never_picked_up_is_shown_failed_and_checked_on_retry(
    admin_client, admin_user
):
    upload(admin_client, "records.csv")
    batch = latest_batch()
    batch.rows.all().delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.QUEUED,
        heartbeat_at=None,
        created_at=timezone.now() - LONG_AGO,
    )
    page = admin_client.get(batch_url(batch)).content.decode()
    assert "Failed (interrupted while queued)" in page
    admin_client.post(retry_url(batch))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PLANNED
    assert batch.rows.count() == 3


@pytest.mark.django_db
def test_only_those_who_may_apply_retry_an_apply(
    admin_client, django_user_model, client
):
    uploader = log_in_uploader(django_user_model, client)
    upload(admin_client, "records.csv")
    batch = latest_batch()
    crash(batch, ImportBatch.Status.APPLYING)
    page = uploader.get(batch_url(batch))
    assert retry_url(batch).encode() not in page.content
    assert uploader.post(retry_url(batch)).status_code == 403
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_a_batch_that_has_not_failed_is_not_retried(admin_client):
    upload(admin_client, "records.csv")
    batch = latest_batch()
    response = admin_client.post(retry_url(batch))
    assert response.status_code == 302
    assert "Only a failed batch can be retried." in shown_messages(response)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PLANNED


@pytest.mark.django_db
def test_after_a_failed_all_or_nothing_apply_the_failing_row_can_be_skipped(
    admin_client,
):
    upload(admin_client, "records.csv")
    batch = latest_batch()
    PublicationFactory(doi="10.5555/ingest.0001")  # row 2's, added meanwhile
    choose(admin_client, batch, {}, apply=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED

    page = parse_valid_html(admin_client.get(batch_url(batch)).content)
    assert page.find(".//select[@name='action-2']") is not None
    choose(admin_client, batch, {2: "skip"}, apply=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert row(batch, 2).outcome == ImportRow.Outcome.SKIPPED
    assert Publication.objects.count() == 3  # the one added, rows 3 and 4
