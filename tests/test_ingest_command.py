"""manage.py import_records: real files of every format, the report, the
progress bar, and bad input reported clearly with nothing written."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from publications.ingest.models import ImportBatch
from publications.models import Department, Keyword, Person, Publication
from publications.services import publication_create
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
INGEST = FIXTURES / "ingest"
IMPORTERS = FIXTURES / "importers"


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(path, *args) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_records", str(path), *args, stdout=out, stderr=io.StringIO()
        )
    return out.getvalue() + "\n" + str(raised.value)


def catalogue_size():
    return (
        Publication.objects.count(),
        Person.objects.count(),
        Keyword.objects.count(),
    )


def test_pubmed_sample_is_imported_then_found_unchanged(shared_data):
    path = shared_data("pubmed_sample_2019.xml")
    out, err = run(path)
    batch = ImportBatch.objects.get()
    assert batch.status == "applied"
    assert batch.format == "pubmed"
    created = batch.counts["created"]
    assert created > 150
    assert f"created {created}," in out
    # The sample repeats a DOI: reported, and the repeat skipped.
    assert "Row 44, doi: Row 44 has the same DOI as row 39" in out
    assert Publication.objects.count() == created
    assert Publication.objects.filter(status="published").count() == created

    out, _ = run(path)
    assert f"created 0, updated 0, unchanged {created}, skipped 1, failed 0." in out
    assert Publication.objects.count() == created


def test_progress_is_shown_while_importing_in_one_pass():
    _, err = run(IMPORTERS / "pubmed_two_articles.xml")
    assert "Importing: 2 rows" in err
    assert "Checking" not in err


def test_progress_is_shown_while_checking_and_importing_in_two_steps():
    _, err = run(IMPORTERS / "pubmed_two_articles.xml", "--mode", "per-row")
    assert "Checking: 2 rows" in err
    assert "Importing" in err
    assert "2/2" in err


def test_progress_is_shown_while_checking_a_dry_run():
    _, err = run(IMPORTERS / "pubmed_two_articles.xml", "--dry-run")
    assert "Checking: 2 rows" in err
    assert "Importing" not in err


def test_dry_run_reports_and_writes_nothing_but_the_batch():
    before = catalogue_size()
    out, _ = run(IMPORTERS / "pubmed_two_articles.xml", "--dry-run")
    assert "(dry run, nothing written): 2 rows; would create 2" in out
    assert catalogue_size() == before
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows.count()) == ("planned", 2)


@pytest.mark.parametrize(
    "name", ["two_records.ris", "two_records.bib", "zotero.ris", "mendeley.bib"]
)
def test_reference_manager_files_are_imported(name):
    path = INGEST / name if (INGEST / name).exists() else IMPORTERS / name
    out, _ = run(path)
    batch = ImportBatch.objects.get()
    assert batch.status == "applied", batch.failure
    assert batch.counts["created"] >= 1
    assert Publication.objects.count() == batch.counts["created"]


def test_ris_authors_and_keywords_are_created_once():
    run(INGEST / "two_records.ris")
    ferritin = Publication.objects.get(doi="10.5555/ingest.ris.0001")
    assert [a.person.family_name for a in ferritin.authorships.all()] == [
        "Novak",
        "Horne",
    ]
    assert sorted(k.term for k in ferritin.keywords.all()) == [
        "ferritin",
        "lymphohistiocytosis",
    ]
    assert ferritin.venue.title == "Journal of Clinical Examples"
    assert (
        Publication.objects.get(doi="10.5555/ingest.ris.0002").venue == ferritin.venue
    )


def test_bulk_edit_spreadsheet_updates_by_record_id_with_update(tmp_path):
    DepartmentFactory(name="Department of Pediatrics", slug="pediatrics")
    run(INGEST / "two_records.ris")
    record = Publication.objects.get(doi="10.5555/ingest.ris.0001")
    sheet = tmp_path / "edit.csv"
    text = (INGEST / "bulk_edit.csv").read_text()
    sheet.write_text(text.format(id=record.pk, volume="13"))

    out, _ = run(sheet, "--dry-run")
    assert "would create 1, update 0" in out
    out, _ = run(sheet, "--update")
    assert "created 1, updated 1," in out
    record.refresh_from_db()
    assert record.volume == "13"
    assert record.title == "Ferritin thresholds in adult HLH"
    # Authors the sheet lists replace the old list; the rest is kept.
    assert [a.person.family_name for a in record.authorships.all()] == ["Novak"]
    assert list(record.departments.values_list("name", flat=True)) == [
        "Department of Pediatrics"
    ]
    assert record.keywords.count() == 2

    out, _ = run(sheet, "--update")
    assert "created 0, updated 0, unchanged 2" in out


def test_unknown_record_id_in_a_bulk_edit_sheet_is_reported(tmp_path):
    sheet = tmp_path / "edit.csv"
    sheet.write_text((INGEST / "bulk_edit.csv").read_text().format(id=424242, volume=1))
    out, _ = run(sheet)
    assert "Row 2, id: There is no record #424242 in this repository." in out
    assert Publication.objects.count() == 1


def test_per_row_mode_applies_what_it_can(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text(
        "title,publication_date,doi\n"
        "Good row,2020,10.5555/good\n"
        "Row without a year,,10.5555/noyear\n"
    )
    text = failing(path)
    assert "Row 3, publication_date: The record has no publication year." in text
    assert Publication.objects.count() == 0

    out, _ = run(path, "--mode", "per-row")
    assert "created 1, updated 0, unchanged 0, skipped 0, failed 1." in out
    assert "Row 3: failed: publication_date: The record has no publication year." in out


def test_user_and_draft_options(django_user_model):
    user = django_user_model.objects.create_user("librarian")
    run(IMPORTERS / "pubmed_two_articles.xml", "--user", "librarian", "--draft")
    batch = ImportBatch.objects.get()
    assert (batch.created_by, batch.applied_by) == (user, user)
    assert set(Publication.objects.values_list("status", flat=True)) == {"draft"}
    assert Publication.history.filter(history_user=user).count() == 2
    assert "There is no user “nobody”." in failing(
        IMPORTERS / "pubmed_two_articles.xml", "--user", "nobody"
    )


def test_format_option_overrides_the_guess(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes((INGEST / "two_records.ris").read_bytes())
    run(path, "--format", "ris")
    assert ImportBatch.objects.get().format == "ris"


# Bad input: a clear report, nothing in the catalogue.


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (IMPORTERS / "xxe_file.xml", "declares XML entities"),
        (IMPORTERS / "xxe_parameter_entity.xml", "declares XML entities"),
        (IMPORTERS / "billion_laughs.xml", "declares XML entities"),
        (IMPORTERS / "not_pubmed.xml", "is not a PubMed export"),
        (
            INGEST / "misspelt_column.csv",
            "Did you mean “title” for the column “titel”?",
        ),
        (INGEST / "bad_encoding.csv", "is not UTF-8 text"),
    ],
)
def test_unreadable_files_are_reported_and_nothing_is_written(path, message):
    text = failing(path)
    assert message in text
    assert catalogue_size() == (0, 0, 0)
    batch = ImportBatch.objects.get()
    assert batch.status == "failed"
    assert message in batch.failure


def test_truncated_xml_imports_what_came_before_and_reports_the_rest():
    out, _ = run(INGEST / "truncated.xml", "--mode", "per-row")
    assert "Row 2: The XML is not well-formed" in out
    assert "created 1," in out
    assert Publication.objects.count() == 1


def test_empty_file_and_unknown_format_are_refused_without_a_batch(tmp_path):
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    assert "“empty.xml” is empty." in failing(empty)
    notes = tmp_path / "notes.doc"
    notes.write_bytes(b"Dear colleague")
    assert "Cannot tell the format of “notes.doc”" in failing(notes)
    assert ImportBatch.objects.count() == 0


def test_file_over_the_size_limit_is_refused(settings):
    settings.INGEST_MAX_FILE_SIZE = 100
    text = failing(IMPORTERS / "pubmed_two_articles.xml")
    assert "files of up to 0.0 MB can be imported" in text
    assert ImportBatch.objects.count() == 0


def test_missing_file_is_reported(tmp_path):
    assert "is not a file" in failing(tmp_path / "nothing.xml")


def test_unknown_department_names_are_warnings_not_created(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text(
        "title,publication_date,department\nA record,2020,Department of Alchemy\n"
    )
    out, _ = run(path)
    assert "created 1," in out
    assert Department.objects.count() == 0
    row = ImportBatch.objects.get().rows.get()
    assert row.issues[0]["severity"] == "warning"


def test_dry_run_of_records_already_there_reports_them_unchanged():
    publication_create(
        title="A complete first record",
        pub_year=2020,
        document_type=Publication._meta.get_field(
            "document_type"
        ).related_model.objects.get(name="Article"),
        pmid="99100001",
    )
    # Row 1 matches by PubMed ID (and would change: it gains a journal), row 2
    # is cut off: nothing could be applied as it stands.
    text = failing(INGEST / "truncated.xml", "--dry-run")
    assert "2 rows; would create 0, update 0; unchanged 0; skip 2" in text
    assert "no row could be applied" in text


def test_digital_commons_sheet_with_bad_rows_all_or_nothing_then_row_by_row():
    path = IMPORTERS / "digital_commons.csv"
    text = failing(path)
    assert "Nothing was applied" in text
    assert "Row 5, publication_date: The record has no publication year." in text
    assert Publication.objects.count() == 0

    out, _ = run(path, "--mode", "per-row")
    assert "created 3, updated 0, unchanged 0, skipped 3, failed 1." in out
    assert "Row 6, title: The row has no title; skipped." in out
    assert "Row 8, doi: Row 8 has the same DOI as row 2 (10.5555/bjh.0001)." in out
    assert Publication.objects.count() == 3
    cytokine = Publication.objects.get(doi="10.5555/bjh.0001")
    assert "<script>" not in cytokine.abstract
