"""Large files are parsed in a second process while they are checked
(INGEST_READ_AHEAD_BYTES): the plan is the very one an in-process read
gives, a reader that fails says why, and stopping early ends the reader."""

import multiprocessing

import pytest
from django.core.files import File

from publications.importers.readahead import ReaderFailed, read_ahead
from publications.ingest import planning
from publications.ingest.services import batch_create, batch_plan

pytestmark = pytest.mark.django_db


def plan_of(path, settings, read_ahead_bytes: int):
    settings.INGEST_READ_AHEAD_BYTES = read_ahead_bytes
    with open(path, "rb") as stream:
        batch = batch_create(
            file=File(stream, name=path.name), filename=path.name, user=None
        )
    batch = batch_plan(batch=batch)
    rows = [
        (row.row_number, row.action, row.message, row.record, row.issues)
        for row in batch.rows.order_by("row_number")
    ]
    return batch.status, batch.counts, batch.issues, batch.failure, rows


@pytest.mark.parametrize("cut", [None, 200_000], ids=["whole", "cut short"])
def test_a_file_read_ahead_is_planned_as_one_read_in_process(
    shared_data, settings, tmp_path, monkeypatch, cut
):
    path = shared_data("pubmed_sample_2019.xml")
    if cut:
        # Truncated mid-record: the parser's issue comes through as well.
        path = tmp_path / "cut.xml"
        path.write_bytes(shared_data("pubmed_sample_2019.xml").read_bytes()[:cut])

    readers = []

    def counted(*args):
        readers.append(args)
        return read_ahead(*args)

    monkeypatch.setattr(planning, "read_ahead", counted)
    in_process = plan_of(path, settings, read_ahead_bytes=10**12)
    assert readers == []
    read_ahead_plan = plan_of(path, settings, read_ahead_bytes=0)
    assert len(readers) == 1

    assert read_ahead_plan == in_process
    status, counts, issues, _, rows = read_ahead_plan
    assert status == "planned"
    assert counts["records"] == len([r for r in rows if r[3]]) > 10
    if cut:
        assert any(
            "not well-formed" in i["message"] for r in rows for i in r[4]
        ) or any("not well-formed" in i["message"] for i in issues)
    assert multiprocessing.active_children() == []


def test_a_reader_that_fails_says_why(tmp_path):
    with pytest.raises(ReaderFailed, match="FileNotFoundError"):
        list(read_ahead("pubmed", str(tmp_path / "missing.xml")))
    assert multiprocessing.active_children() == []


def test_stopping_early_ends_the_reader(shared_data):
    items = read_ahead("pubmed", str(shared_data("pubmed_sample_2019.xml")))
    next(items)
    items.close()
    assert multiprocessing.active_children() == []
