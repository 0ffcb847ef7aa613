"""Duplicate checks of the import's dry run: record id, DOI, PubMed ID, title
and year, each found in one query per chunk of records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.dates import PartialDate
from publications.importers import NormalisedAuthor, NormalisedKeyword, NormalisedRecord
from publications.ingest.models import ImportBatch, ImportRow
from publications.ingest.services import batch_create, batch_plan
from publications.models import DocumentType
from publications.services import publication_create

pytestmark = pytest.mark.django_db


def record(row=1, title="A study of things", year=2020, **fields):
    return NormalisedRecord(
        source_row=row, title=title, publication_date=PartialDate(year), **fields
    )


def existing(title="A study of things", year=2020, **fields):
    return publication_create(
        title=title,
        pub_year=year,
        document_type=DocumentType.objects.get(name="Article"),
        status="published",
        **fields,
    )


def plan(*records) -> list[ImportRow]:
    batch = batch_create(
        file=None, filename="", user=None, source=ImportBatch.Source.LOOKUP
    )
    batch_plan(batch=batch, items=list(records))
    return list(batch.rows.order_by("row_number"))


def test_record_id_matches_first_even_when_the_doi_is_another_records():
    target = existing(title="Target")
    existing(title="Other", doi="10.5555/other")
    (row,) = plan(record(title="Target", record_id=target.pk, doi="10.5555/other"))
    assert row.match_kind == ImportRow.Match.RECORD
    assert row.match_id == target.pk


def test_unknown_record_id_is_an_error_on_its_row():
    (row,) = plan(record(record_id=999999))
    assert row.match_id is None
    assert row.action == ImportRow.Action.SKIP
    assert any(
        i["field"] == "id" and i["severity"] == "error" and "999999" in i["message"]
        for i in row.issues
    )


def test_doi_matches_before_pubmed_id():
    by_doi = existing(title="One", doi="10.5555/one")
    existing(title="Two", pmid="123")
    (row,) = plan(record(title="Something else", doi="10.5555/one", pmid="123"))
    assert (row.match_kind, row.match_id) == (ImportRow.Match.DOI, by_doi.pk)


def test_pubmed_id_matches_when_the_doi_does_not():
    by_pmid = existing(title="Two", pmid="123")
    (row,) = plan(record(title="Something else", doi="10.5555/new", pmid="123"))
    assert (row.match_kind, row.match_id) == (ImportRow.Match.PMID, by_pmid.pk)


def test_exact_title_key_matches_a_year_apart_ignoring_case_accents_and_marks():
    target = existing(title="Ménière’s disease: a review.", year=2019)
    (row,) = plan(record(title="MENIERE'S DISEASE - A REVIEW", year=2020))
    assert (row.match_kind, row.match_id) == (ImportRow.Match.TITLE, target.pk)
    assert row.similarity == 1.0


def test_title_two_years_apart_is_not_a_match():
    existing(title="A study of things", year=2017)
    (row,) = plan(record(year=2020))
    assert row.match_id is None
    assert row.action == ImportRow.Action.CREATE


def test_near_title_in_the_same_year_matches_with_its_similarity():
    target = existing(title="Management of sepsis in paediatric intensive care")
    (row,) = plan(record(title="Management of sepsis in pediatric intensive care"))
    assert (row.match_kind, row.match_id) == (ImportRow.Match.TITLE, target.pk)
    assert 0.9 <= row.similarity < 1
    assert row.action == ImportRow.Action.SKIP
    assert "similarity" in row.message


def test_near_title_in_another_year_is_not_a_match():
    existing(title="Management of sepsis in paediatric intensive care", year=2019)
    (row,) = plan(record(title="Management of sepsis in pediatric intensive care"))
    assert row.match_id is None


def test_a_record_with_another_doi_is_another_work_however_alike_the_title():
    existing(title="Editorial", doi="10.5555/ed-2020-1")
    (row,) = plan(record(title="Editorial", doi="10.5555/ed-2020-2"))
    assert row.match_id is None
    assert row.action == ImportRow.Action.CREATE


def test_repeats_within_the_file_keep_their_issue_and_are_skipped():
    rows = plan(
        record(1, title="First", doi="10.5555/same"),
        record(2, title="Second", doi="10.5555/same"),
    )
    assert [r.action for r in rows] == ["create", "skip"]
    assert any("same DOI as row 1" in i["message"] for i in rows[1].issues)
    assert rows[1].message == "Repeats row 1 of the file."


def test_planning_queries_do_not_grow_with_the_rows_of_a_chunk():
    for n in range(5):
        existing(title=f"Known record {n}", doi=f"10.5555/known{n}", pmid=str(100 + n))

    def records(count):
        return [
            record(
                n + 1,
                title=f"Incoming record number {n}",
                doi=f"10.5555/known{n}" if n < 5 else f"10.5555/in{n}",
                pmid=str(500 + n),
                authors=(NormalisedAuthor(family_name=f"Author{n}", given_names="A"),),
                keywords=(NormalisedKeyword(term=f"Term {n}"),),
            )
            for n in range(count)
        ]

    def queries(count) -> list[str]:
        batch = batch_create(
            file=None, filename="", user=None, source=ImportBatch.Source.LOOKUP
        )
        with CaptureQueriesContext(connection) as context:
            batch_plan(batch=batch, items=records(count))
        assert batch.rows.count() == count
        assert batch.rows.filter(match_kind="doi").count() == 5
        # SQLite splits a long INSERT of the rows into statements of 999
        # parameters; every other query is once per chunk.
        return [
            q["sql"]
            for q in context.captured_queries
            if not q["sql"].startswith('INSERT INTO "ingest_importrow"')
        ]

    few, many = queries(8), queries(600)
    # Per chunk: 4 identifier and 1 title lookup, people by ORCID, keywords,
    # 5 for the matched records' snapshots, the progress update, savepoints;
    # once: the batch's own writes and the vocabularies (departments, rules,
    # subjects, document types, venues).
    assert len(few) <= 30
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("known", "incoming"),
    [
        (
            "Management of sepsis in paediatric intensive care",
            "The management of sepsis in paediatric intensive care",
        ),
        (
            "Paediatric sepsis: management in intensive care",
            "Pediatric sepsis: management in intensive care",
        ),
    ],
)
def test_a_near_title_that_differs_at_its_start_still_matches(known, incoming):
    target = existing(title=known)
    (row,) = plan(record(title=incoming))
    assert row.match_id == target.pk
    assert row.match_kind == ImportRow.Match.TITLE
    assert 0.9 <= row.similarity < 1
