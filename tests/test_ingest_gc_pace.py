"""Imports collect garbage at the bulk pace while they run (gcpace.py) and
leave the process at its usual pace, whether they succeed or not."""

import gc
import io
import threading

import pytest

from publications.gcpace import BULK_THRESHOLDS, bulk_gc
from publications.ingest.importing import batch_import
from publications.ingest.services import batch_apply, batch_create, batch_plan

pytestmark = pytest.mark.django_db

HEAD = "title,publication_date,document_type,author1_fname,author1_lname\n"


def sheet(*lines):
    return batch_create(
        file=io.BytesIO((HEAD + "".join(lines)).encode()),
        filename="sheet.csv",
        user=None,
    )


@pytest.fixture
def usual_pace():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*before)


def test_a_one_pass_import_runs_at_the_bulk_pace_and_restores_the_usual_one(
    usual_pace,
):
    seen = []
    batch = sheet("Ward rounds at night,2023,Article,Kofi,Mensah\n")
    imported = batch_import(
        batch=batch,
        user=None,
        progress=lambda done, total: seen.append(gc.get_threshold()),
    )
    assert imported is not None and imported.status == "applied"
    assert seen == [BULK_THRESHOLDS]
    assert gc.get_threshold() == usual_pace


def test_a_plan_and_an_apply_run_at_the_bulk_pace(usual_pace):
    seen = []
    batch = sheet("Ward rounds at night,2023,Article,Kofi,Mensah\n")
    batch_plan(
        batch=batch, progress=lambda done, total: seen.append(gc.get_threshold())
    )
    assert gc.get_threshold() == usual_pace
    batch_apply(
        batch=batch,
        user=None,
        progress=lambda done, total: seen.append(gc.get_threshold()),
    )
    assert seen == [BULK_THRESHOLDS, BULK_THRESHOLDS]
    assert gc.get_threshold() == usual_pace


def test_a_failed_one_pass_import_restores_the_usual_pace(usual_pace):
    # No year: the row cannot be written, so the pass is rolled back.
    batch = sheet("Ward rounds at night,,Article,Kofi,Mensah\n")
    assert batch_import(batch=batch, user=None) is None
    assert gc.get_threshold() == usual_pace


def test_overlapping_bulk_jobs_restore_the_usual_pace_when_the_last_ends(usual_pace):
    first_inside, second_done = threading.Event(), threading.Event()
    seen = {}

    def first():
        with bulk_gc():
            first_inside.set()
            second_done.wait(timeout=10)
            seen["first, after the second ended"] = gc.get_threshold()

    thread = threading.Thread(target=first)
    thread.start()
    first_inside.wait(timeout=10)
    with bulk_gc():
        seen["second"] = gc.get_threshold()
    second_done.set()
    thread.join(timeout=10)
    assert seen == {
        "second": BULK_THRESHOLDS,
        "first, after the second ended": BULK_THRESHOLDS,
    }
    assert gc.get_threshold() == usual_pace
