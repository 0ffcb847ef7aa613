"""An import confirmed before it is read goes in one pass
(importing.batch_import): it leaves what a plan followed by an apply
leaves, chunk boundaries or not, and goes in two steps when a row cannot be
written."""

import io
import re
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from publications.ingest import planning
from publications.ingest.importing import batch_import, plans_ahead
from publications.ingest.models import ImportBatch
from publications.ingest.services import batch_apply, batch_create, batch_plan
from publications.models import DocumentType, Person, Publication
from publications.services import publication_create
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

HEAD = (
    "title,publication_date,document_type,doi,author1_fname,author1_lname,department\n"
)
TITLE = "Ferritin thresholds in adult haemophagocytic syndrome"
LINES = (
    f"{TITLE},2021,Article,10.5555/one.1,Jan,Novak,Department of Pediatrics\n",
    "Serum markers of sepsis in children,2020,Article,10.5555/one.2,Anna,Horne,\n",
    # The same title but for a letter, in the next chunk: the catalogue
    # did not hold the first one when the batch began, so no match.
    f"{TITLE}s,2021,Article,,Jan,Novak,Department of Pediatrics\n",
    # Already in the catalogue.
    "An older record,2019,Article,10.5555/one.old,Omar,Haddad,\n",
    # A repeat of the first row's DOI.
    "Something else,2022,Article,10.5555/one.1,Lena,Berg,\n",
    "Ward rounds at night,2023,Article,10.5555/one.6,Kofi,Mensah,"
    "Department of Nowhere\n",
)


@pytest.fixture
def catalogue(monkeypatch):
    # Chunks of two rows: the third row is planned after the first is written.
    monkeypatch.setattr(planning, "CHUNK", 2)
    DepartmentFactory(name="Department of Pediatrics")
    publication_create(
        title="An older record",
        pub_year=2019,
        doi="10.5555/one.old",
        document_type=DocumentType.objects.get(name="Article"),
        status="published",
    )


def sheet(*lines, mode=ImportBatch.Mode.ALL_OR_NOTHING) -> ImportBatch:
    return batch_create(
        file=io.BytesIO((HEAD + "".join(lines)).encode()),
        filename="sheet.csv",
        user=None,
        mode=mode,
    )


def left_by(batch: ImportBatch):
    """What an import left, record ids aside: the batch's status and counts,
    its rows, and the records and people of the catalogue."""
    batch.refresh_from_db()

    def plain(text):
        return re.sub(r"#\d+", "#N", str(text))

    rows = [
        tuple(plain(value) for value in row)
        for row in batch.rows.order_by("row_number").values_list(
            "row_number", "action", "outcome", "message", "issues", "match_kind"
        )
    ]
    return (
        batch.status,
        batch.counts,
        rows,
        sorted(Publication.objects.values_list("title", "doi", "pub_year")),
        sorted(Person.objects.values_list("family_name", "given_names")),
    )


def test_one_pass_leaves_what_a_plan_and_an_apply_leave(catalogue):
    with transaction.atomic():
        batch = sheet(*LINES)
        imported = batch_import(batch=batch, user=None)
        assert imported is not None, "the batch went in two steps"
        one_pass = left_by(imported)
        transaction.set_rollback(True)

    batch = sheet(*LINES)
    batch_plan(batch=batch)
    batch_apply(batch=batch, user=None)
    assert one_pass == left_by(batch)

    status, counts, rows, records, _ = one_pass
    assert status == "applied"
    assert (counts["created"], counts["skipped"]) == (4, 2)
    assert rows[0][3] == "Created record #N."
    assert rows[2][1:3] == ("create", "created")
    assert (rows[3][2], rows[3][5]) == ("skipped", "doi")
    assert "Row 6 has the same DOI as row 2" in rows[4][4]
    assert "“Department of Nowhere” is not a department" in rows[5][4]
    assert (TITLE + "s", None, 2021) in records
    assert rows[2][5] == rows[4][5] == ""  # no match in the catalogue


def test_a_row_that_cannot_be_written_sends_the_batch_through_two_steps(catalogue):
    batch = sheet(LINES[0], LINES[1], "A record without a date,,Article,,,,\n")
    assert batch_import(batch=batch, user=None) is None
    batch.refresh_from_db()
    # The first chunk, written before the third row was read, is gone.
    assert (batch.status, batch.rows.count()) == ("queued", 0)
    assert Publication.objects.count() == 1

    batch_plan(batch=batch)
    assert batch.status == "planned"
    assert batch.rows.get(row_number=3).action == "create"


def test_the_command_reports_a_row_that_cannot_be_written_as_before(
    catalogue, tmp_path
):
    path = tmp_path / "sheet.csv"
    path.write_text(HEAD + LINES[0] + "A record without a date,,Article,,,,\n")
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_records", str(path), stdout=out, stderr=io.StringIO())
    assert "Nothing was applied: 1 problem(s)" in str(raised.value)
    assert "Row 3, publication_date: The record has no publication year." in str(
        raised.value
    )
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows.count()) == ("planned", 2)
    assert Publication.objects.count() == 1


def test_a_batch_applied_row_by_row_goes_in_two_steps(catalogue):
    batch = sheet(LINES[0], mode=ImportBatch.Mode.PER_ROW)
    assert batch_import(batch=batch, user=None) is None
    batch.refresh_from_db()
    assert batch.status == "queued"


# Outside a caller's transaction, on PostgreSQL, each chunk is planned on a
# connection of its own while the one before is written (ahead.py).
planned_ahead = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="chunks are planned ahead on PostgreSQL only",
)
on_its_own = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def planners_running() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "import-plan"]


def connections_open() -> int:
    """Sessions connected to the test database, this one included."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


@planned_ahead
@on_its_own
def test_planned_ahead_the_pass_leaves_what_a_plan_and_an_apply_leave(catalogue):
    with transaction.atomic():
        batch = sheet(*LINES)
        batch_plan(batch=batch)
        batch_apply(batch=batch, user=None)
        two_steps = left_by(batch)
        transaction.set_rollback(True)

    assert plans_ahead()
    before = connections_open()
    batch = sheet(*LINES)
    imported = batch_import(batch=batch, user=None)
    assert imported is not None, "the batch went in two steps"
    assert left_by(imported) == two_steps
    assert not planners_running()
    # The planning thread closed its connection.
    assert connections_open() == before


@planned_ahead
@on_its_own
def test_planned_ahead_a_row_that_cannot_be_written_stops_the_planning(catalogue):
    # Row 5, in the second chunk, is found while the third is planned.
    lines = (*LINES[:3], "A record without a date,,Article,,,,\n", *LINES[3:])
    batch = sheet(*lines)
    assert plans_ahead()
    assert batch_import(batch=batch, user=None) is None
    batch.refresh_from_db()
    assert (batch.status, batch.rows.count()) == ("queued", 0)
    assert Publication.objects.count() == 1
    assert not planners_running()

    batch_plan(batch=batch)
    assert batch.rows.get(row_number=5).issues[0]["field"] == "publication_date"


@planned_ahead
@on_its_own
def test_planned_ahead_a_write_that_fails_rolls_the_pass_back(catalogue, caplog):
    # After the first chunk is written, a record in the same transaction takes
    # the DOI of row 4, in the second chunk: that chunk was planned on the
    # other connection, which cannot see it, so its write fails, not its plan.
    def take_the_doi(done, total):
        if done == 2:
            publication_create(
                title="Taken meanwhile",
                pub_year=2020,
                doi="10.5555/one.3",
                document_type=DocumentType.objects.get(name="Article"),
            )

    lines = (
        LINES[0],
        LINES[1],
        "Another ward round,2022,Article,10.5555/one.3,Lena,Berg,\n",
    )
    batch = sheet(*lines)
    assert plans_ahead()
    with caplog.at_level("WARNING", logger="publications.ingest.importing"):
        assert batch_import(batch=batch, user=None, progress=take_the_doi) is None
    assert f"Import batch {batch.pk} goes in two steps" in caplog.text
    batch.refresh_from_db()
    assert (batch.status, batch.rows.count()) == ("queued", 0)
    # Nothing the pass wrote stays, the records of its first chunk included.
    assert list(Publication.objects.values_list("title", flat=True)) == [
        "An older record"
    ]
    assert not planners_running()

    batch_plan(batch=batch)
    batch_apply(batch=batch, user=None)
    assert batch.status == "applied"
    assert batch.counts["created"] == 3


def test_a_field_the_write_refuses_sends_the_batch_through_two_steps(catalogue):
    # The pass's plan leaves fields to the check of the records to write,
    # which checks them all; the plan made after the rollback names the field.
    batch = too_long_a_volume()
    assert batch_import(batch=batch, user=None) is None
    refused_in_two_steps(batch)


@planned_ahead
@on_its_own
def test_planned_ahead_a_field_the_check_refuses_sends_the_batch_through_two_steps(
    catalogue, caplog
):
    # Checked by the planning thread, ahead of the write: its error reaches
    # the pass, which rolls back.
    batch = too_long_a_volume()
    assert plans_ahead()
    with caplog.at_level("WARNING", logger="publications.ingest.importing"):
        assert batch_import(batch=batch, user=None) is None
    assert f"Import batch {batch.pk} goes in two steps" in caplog.text
    assert "Ensure this value has at most 50 characters" in caplog.text
    assert not planners_running()
    refused_in_two_steps(batch)


def too_long_a_volume() -> ImportBatch:
    head = HEAD.rstrip("\n") + ",volnum\n"
    return batch_create(
        file=io.BytesIO(
            (
                head
                + LINES[0].rstrip("\n")
                + ",12\n"
                + LINES[1].rstrip("\n")
                + ","
                + "9" * 60
                + "\n"
            ).encode()
        ),
        filename="sheet.csv",
        user=None,
        mode=ImportBatch.Mode.ALL_OR_NOTHING,
    )


def refused_in_two_steps(batch: ImportBatch) -> None:
    batch.refresh_from_db()
    assert (batch.status, batch.rows.count()) == ("queued", 0)
    assert Publication.objects.count() == 1

    batch_plan(batch=batch)
    issues = batch.rows.get(row_number=3).issues
    assert [(i["field"], i["blocking"]) for i in issues] == [("volume", True)]
    assert "at most 50 characters" in issues[0]["message"]
