"""The import services: batch_create, batch_plan (the dry run),
batch_set_actions, batch_apply in both modes, retries."""

import datetime
import io
import json
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from publications import stats
from publications.dates import PartialDate
from publications.importers import NormalisedAuthor, NormalisedKeyword, NormalisedRecord
from publications.ingest import planning
from publications.ingest.models import ImportBatch, ImportRow
from publications.ingest.services import (
    batch_apply,
    batch_create,
    batch_is_interrupted,
    batch_plan,
    batch_set_actions,
)
from publications.models import (
    Authorship,
    DocumentType,
    Keyword,
    Person,
    Publication,
    Venue,
)
from publications.services import AuthorInput, publication_create
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PUBMED_HEAD = b'<?xml version="1.0"?>\n<PubmedArticleSet>\n'


def record(row=1, title="", year=2020, **fields):
    title = title or f"A study of things, part {row}"
    fields.setdefault("doi", f"10.5555/row{row}")
    return NormalisedRecord(
        source_row=row, title=title, publication_date=PartialDate(year), **fields
    )


def new_batch(mode=ImportBatch.Mode.ALL_OR_NOTHING):
    return batch_create(
        file=None, filename="", user=None, mode=mode, source=ImportBatch.Source.LOOKUP
    )


def planned(*records, mode=ImportBatch.Mode.ALL_OR_NOTHING, **options):
    batch = new_batch(mode)
    batch_plan(batch=batch, items=list(records), **options)
    return batch


def existing(title="A study of things", year=2020, **fields):
    return publication_create(
        title=title,
        pub_year=year,
        document_type=DocumentType.objects.get(name="Article"),
        status="published",
        **fields,
    )


def catalogue_size():
    return [
        model.objects.count()
        for model in (
            Publication,
            Publication.history.model,
            Person,
            Keyword,
            Venue,
            Authorship,
        )
    ]


def found_by_search(client, text) -> bytes:
    return client.get("/search/", {"q": text}).content


# batch_create


def test_batch_create_stores_the_file_and_guesses_its_format(user_file):
    batch = batch_create(file=user_file, filename="export.xml", user=None)
    assert batch.status == ImportBatch.Status.QUEUED
    assert batch.format == "pubmed"
    assert batch.file.read().startswith(PUBMED_HEAD)
    assert batch.rows.count() == 0


@pytest.fixture
def user_file():
    return io.BytesIO(PUBMED_HEAD + b"</PubmedArticleSet>\n")


def test_batch_create_refuses_a_file_over_the_size_limit(settings, user_file):
    settings.INGEST_MAX_FILE_SIZE = 10
    with pytest.raises(ValidationError, match="files of up to"):
        batch_create(file=user_file, filename="big.xml", user=None)
    assert ImportBatch.objects.count() == 0


def test_batch_create_refuses_an_empty_file_and_an_unknown_format():
    with pytest.raises(ValidationError, match="“empty.csv” is empty"):
        batch_create(file=io.BytesIO(b""), filename="empty.csv", user=None)
    with pytest.raises(ValidationError, match="Cannot tell the format"):
        batch_create(file=io.BytesIO(b"hello"), filename="notes.doc", user=None)
    with pytest.raises(ValidationError, match="is not an import format"):
        batch_create(file=io.BytesIO(b"x"), filename="a.xml", user=None, format="nope")
    assert ImportBatch.objects.count() == 0


# The dry run


def test_dry_run_writes_nothing_to_the_catalogue():
    existing(title="Known", doi="10.5555/known")
    before = catalogue_size()
    batch = planned(
        record(1, authors=(NormalisedAuthor(family_name="Novak"),)),
        record(2, title="Known", doi="10.5555/known", abstract="New abstract"),
        record(3, keywords=(NormalisedKeyword(term="brand new"),), venue_title="J"),
    )
    assert batch.status == ImportBatch.Status.PLANNED
    assert catalogue_size() == before
    assert batch.counts["rows"] == 3
    assert [r.action for r in batch.rows.order_by("row_number")] == [
        "create",
        "skip",
        "create",
    ]
    assert batch.rows.get(row_number=1).message == "New record; new people: 1."


def test_diff_shows_only_the_fields_that_change():
    person = PersonFactory(family_name="Henter", given_names="Jan-Inge")
    known = existing(
        title="Known",
        doi="10.5555/known",
        pages="1-10",
        volume="3",
        authors=[AuthorInput(person=person)],
    )
    batch = planned(
        record(
            title="Known",
            doi="10.5555/known",
            volume="4",
            pages="1-10",
            authors=(
                NormalisedAuthor(family_name="Henter", given_names="Jan-Inge"),
                NormalisedAuthor(family_name="Horne", given_names="AnnaCarin"),
            ),
        ),
        update_matched=True,
    )
    row = batch.rows.get()
    assert (row.match_id, row.action) == (known.pk, "update")
    assert row.diff == {
        "volume": {"old": "3", "new": "4"},
        "authors": {
            "old": ["Henter, Jan-Inge"],
            "new": ["Henter, Jan-Inge", "Horne, AnnaCarin"],
        },
    }


def test_a_matched_record_that_would_not_change_is_skipped_as_unchanged():
    existing(title="Known", doi="10.5555/known", volume="3")
    batch = planned(
        record(title="Known", doi="10.5555/known", volume="3"), update_matched=True
    )
    row = batch.rows.get()
    assert (row.action, row.message, row.diff) == ("skip", "unchanged", {})
    batch_apply(batch=batch, user=None)
    row.refresh_from_db()
    assert row.outcome == ImportRow.Outcome.UNCHANGED
    assert batch.counts["unchanged"] == 1


def test_rows_that_would_fail_validation_are_errors_at_plan_time():
    existing(title="Holder", pmid="555")
    batch = planned(
        NormalisedRecord(source_row=1, title="No year", doi="10.5555/a"),
        record(2, title="Taken", pmid="555", doi="10.5555/taken"),
        record(3, title="x" * 10, pages="1" * 60),
    )
    blocking = {
        r.row_number: [
            (i["field"], i["message"]) for i in r.issues if i.get("blocking")
        ]
        for r in batch.rows.all()
    }
    assert blocking[1] == [("publication_date", "The record has no publication year.")]
    assert blocking[2] == []  # matched by its PubMed ID, so proposed "skip"
    assert blocking[3][0][0] == "pages"
    assert batch.counts["errors"] == 2


def test_replanning_replaces_the_rows():
    batch = planned(record(1), record(2))
    batch_plan(batch=batch, items=[record(1)])
    assert batch.rows.count() == 1


# Choosing actions


def test_set_actions_names_each_impossible_choice_and_changes_nothing():
    existing(title="Known", doi="10.5555/known")
    batch = planned(record(1), record(2, title="Known", doi="10.5555/known"))
    with pytest.raises(ValidationError) as raised:
        batch_set_actions(
            batch=batch, actions={1: "update", 2: "create", 3: "skip", 1.5: "x"}
        )
    messages = raised.value.messages
    assert "Row 1: no record matches it, so there is nothing to update." in messages
    assert "Row 3: the batch has no such row." in messages
    assert any(
        m.startswith("Row 2: its DOI 10.5555/known is already record #")
        for m in messages
    )
    assert [r.action for r in batch.rows.order_by("row_number")] == ["create", "skip"]


def test_set_actions_then_apply_updates_the_matched_record_with_history():
    known = existing(title="Known", doi="10.5555/known", volume="3")
    batch = planned(
        record(
            title="Known",
            doi="10.5555/known",
            volume="4",
            keywords=(NormalisedKeyword(term="Sepsis"),),
        )
    )
    batch_set_actions(batch=batch, actions={1: "update"})
    batch_apply(batch=batch, user=None)
    assert batch.status == "applied", batch.failure
    known.refresh_from_db()
    row = batch.rows.get()
    assert (row.outcome, row.publication_id) == ("updated", known.pk)
    assert known.volume == "4"
    assert [k.term for k in known.keywords.all()] == ["Sepsis"]
    assert known.history.first().history_change_reason == f"Import #{batch.pk}"


# Applying


def test_apply_creates_records_with_history_and_search_index(client):
    batch = planned(
        record(
            1,
            title="Ferritin in adult haemophagocytic syndrome",
            authors=(
                NormalisedAuthor(family_name="Novak", given_names="Jan"),
                NormalisedAuthor(family_name="Horne", given_names="Anna"),
            ),
        ),
        record(2, title="Another record"),
    )
    batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.Status.APPLIED, batch.failure
    assert batch.counts["created"] == 2
    publication = batch.rows.get(row_number=1).publication
    assert publication.status == "published"
    assert publication.title_key == "ferritininadulthaemophagocyticsyndrome"
    assert [a.person.family_name for a in publication.authorships.all()] == [
        "Novak",
        "Horne",
    ]
    history = publication.history.get()
    assert (history.history_type, history.history_change_reason) == (
        "+",
        f"Import #{batch.pk}",
    )
    assert Authorship.history.filter(publication_id=publication.pk).count() == 2
    page = found_by_search(client, "haemophagocytic")
    assert f'href="/publications/{publication.pk}/'.encode() in page


def test_an_all_or_nothing_apply_drops_cached_counts_once_at_its_commit(
    django_capture_on_commit_callbacks,
):
    existing()
    batch = planned(record(1), record(2))
    assert stats.published_count() == 1  # and cached
    during = []

    with django_capture_on_commit_callbacks(execute=True):
        batch_apply(
            batch=batch,
            user=None,
            progress=lambda done, total: during.append(stats.published_count()),
        )

    # Before the commit no reader can see the new records: the cached count
    # stands (dropping it at each chunk would only make every reader recount).
    assert during == [1]
    assert stats.published_count() == 3


def test_all_or_nothing_refuses_to_start_while_a_bad_row_is_to_be_written():
    batch = planned(record(1), NormalisedRecord(source_row=2, title="No year"))
    with pytest.raises(ValidationError, match="Row 2, publication_date: The record"):
        batch_apply(batch=batch, user=None)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PLANNED
    assert Publication.objects.count() == 0
    batch_set_actions(batch=batch, actions={2: "skip"})
    batch_apply(batch=batch, user=None)
    assert batch.counts["created"] == 1


def test_all_or_nothing_rolls_back_when_a_doi_is_taken_between_plan_and_apply():
    batch = planned(record(1), record(2), record(3))
    taken = existing(title="Arrived meanwhile", doi="10.5555/row3")
    before = catalogue_size()
    batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.failure.startswith(
        "Nothing was applied: row 3 failed: doi: DOI 10.5555/row3"
    )
    assert f"record #{taken.pk}" in batch.failure
    assert catalogue_size() == before
    assert set(batch.rows.values_list("outcome", flat=True)) == {"pending"}
    # Once the row is skipped, a retry applies the rest.
    batch_set_actions(batch=batch, actions={3: "skip"})
    batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.Status.APPLIED, batch.failure
    assert batch.counts["created"] == 2


def test_per_row_apply_isolates_the_failing_row():
    batch = planned(record(1), record(2), record(3), mode=ImportBatch.Mode.PER_ROW)
    existing(title="Arrived meanwhile", doi="10.5555/row2")
    batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.Status.APPLIED, batch.failure
    outcomes = dict(batch.rows.values_list("row_number", "outcome"))
    assert outcomes == {1: "created", 2: "failed", 3: "created"}
    failed = batch.rows.get(row_number=2)
    assert "DOI 10.5555/row2 is already used by record #" in failed.message
    assert failed.publication is None
    assert Publication.objects.filter(doi__startswith="10.5555/row").count() == 3


def test_per_row_apply_marks_invalid_rows_failed_with_the_reason():
    batch = planned(
        record(1), NormalisedRecord(source_row=2, title="No year"), mode="per_row"
    )
    batch_apply(batch=batch, user=None)
    failed = batch.rows.get(row_number=2)
    assert failed.outcome == "failed"
    assert failed.message == "publication_date: The record has no publication year."
    assert batch.counts["created"] == 1


def test_an_interrupted_apply_is_shown_as_failed_and_a_retry_resumes(settings):
    batch = planned(record(1), record(2), record(3), mode=ImportBatch.Mode.PER_ROW)
    # A run cut off after row 1: its chunk committed, the rest still pending.
    first = batch.rows.get(row_number=1)
    batch_set_actions(batch=batch, actions={2: "skip", 3: "skip"})
    batch_apply(batch=batch, user=None)
    ImportRow.objects.filter(row_number__in=[2, 3], batch=batch).update(
        outcome="pending", action="create"
    )
    long_ago = timezone.now() - datetime.timedelta(
        seconds=settings.INGEST_STALE_SECONDS + 5
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="applying", heartbeat_at=long_ago
    )
    batch.refresh_from_db()
    assert batch_is_interrupted(batch)

    batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.Status.APPLIED, batch.failure
    assert batch.counts["created"] == 3
    first.refresh_from_db()
    assert Publication.objects.filter(doi="10.5555/row1").count() == 1


def test_a_batch_being_applied_now_cannot_be_applied_again():
    batch = planned(record(1))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="applying", heartbeat_at=timezone.now()
    )
    batch.refresh_from_db()
    assert not batch_is_interrupted(batch)
    with pytest.raises(ValidationError, match="being applied now"):
        batch_apply(batch=batch, user=None)


def test_an_applied_batch_is_not_applied_or_planned_again():
    batch = planned(record(1))
    batch_apply(batch=batch, user=None)
    with pytest.raises(ValidationError, match="already applied"):
        batch_apply(batch=batch, user=None)
    with pytest.raises(ValidationError, match="has been applied"):
        batch_plan(batch=batch, items=[record(1)])
    assert Publication.objects.count() == 1


def test_records_exported_to_a_spreadsheet_and_read_back_are_unchanged(shared_data):
    from publications.ingest.spreadsheet_export import csv_lines

    batch = batch_create(
        file=shared_data("pubmed_sample_2019.xml").open("rb"),
        filename="pubmed_sample_2019.xml",
        user=None,
    )
    batch_plan(batch=batch)
    batch_apply(batch=batch, user=None)
    created = batch.counts["created"]
    sheet = "".join(csv_lines(Publication.objects.order_by("pk"))).encode()

    again = batch_create(file=io.BytesIO(sheet), filename="edit.csv", user=None)
    batch_plan(batch=again, update_matched=True)
    changed = {
        row.row_number: row.diff for row in again.rows.exclude(message="unchanged")
    }
    assert changed == {}, json.dumps(changed, indent=1)
    assert again.counts["unchanged"] == created
    assert set(again.rows.values_list("match_kind", flat=True)) == {"record"}


# Bad input through the services: the batch fails with the reason, the
# catalogue is untouched.

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("importers/xxe_file.xml", "declares XML entities"),
        ("importers/billion_laughs.xml", "declares XML entities"),
        ("importers/not_pubmed.xml", "is not a PubMed export"),
        ("ingest/misspelt_column.csv", "Did you mean “title” for the column “titel”?"),
        ("ingest/bad_encoding.csv", "is not UTF-8 text"),
    ],
)
def test_unreadable_files_fail_the_plan_with_the_reason(name, message):
    path = FIXTURES / name
    before = catalogue_size()
    batch = batch_create(file=path.open("rb"), filename=path.name, user=None)
    batch_plan(batch=batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert message in batch.failure
    with pytest.raises(ValidationError, match="no complete plan"):
        batch_apply(batch=batch, user=None)
    assert catalogue_size() == before


def test_a_slow_source_keeps_the_batch_heartbeat_moving(monkeypatch):
    """A lookup asks a server per identifier: while records come slowly the
    batch must not look cut off, though no chunk is full yet."""
    monkeypatch.setattr(planning, "HEARTBEAT_SECONDS", 0.05)
    batch = new_batch()
    beats = []

    def slowly():
        for n in range(1, 5):
            time.sleep(0.06)
            beats.append(ImportBatch.objects.get(pk=batch.pk).heartbeat_at)
            yield record(n)

    batch_plan(batch=batch, items=slowly())

    assert batch.rows.count() == 4
    assert len(set(beats)) >= 3  # moved on while the records came


def test_a_second_plan_of_a_batch_being_checked_is_refused():
    batch = planned(record(1))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.PLANNING, heartbeat_at=timezone.now()
    )

    with pytest.raises(ValidationError, match="being checked now"):
        batch_plan(batch=ImportBatch.objects.get(pk=batch.pk), items=[record(2)])
    assert [r.row_number for r in batch.rows.all()] == [1]

    # Once its heartbeat is old, the first plan was cut off: planning resumes.
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    batch_plan(batch=ImportBatch.objects.get(pk=batch.pk), items=[record(2)])
    assert [r.row_number for r in batch.rows.all()] == [2]
