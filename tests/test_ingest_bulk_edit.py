"""The bulk-edit round trip: records exported from the changelist as a
Digital Commons spreadsheet with their ids, corrected in a spreadsheet
program and uploaded back, update exactly what was changed."""

import csv
import io
import zipfile

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from openpyxl import load_workbook

from publications import services
from publications.importers import PARSERS, NormalisedRecord, ParseResult
from publications.ingest.models import ImportBatch, ImportRow
from publications.models import Keyword, Publication
from tests.factories import (
    DepartmentFactory,
    KeywordFactory,
    PersonFactory,
    PublicationFactory,
    SubjectFactory,
)
from tests.html import parse_valid_html, text
from tests.test_ingest_admin import batch_url, choose, latest_batch, row, upload

CHANGELIST = "admin:publications_publication_changelist"
XLSX = "export_bulk_edit_xlsx"
CSV = "export_bulk_edit_csv"
FORMULA_TITLE = '=HYPERLINK("https://attacker.example/","Click me")'


def export(client, action: str, publications) -> bytes:
    response = client.post(
        reverse(CHANGELIST),
        {"action": action, ACTION_CHECKBOX_NAME: [str(p.pk) for p in publications]},
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def sheet_rows(data: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_back(name: str, data: bytes) -> list[NormalisedRecord]:
    """The spreadsheet as the import's own parser reads it."""
    parser = PARSERS["dc-xlsx" if name.endswith(".xlsx") else "dc-csv"]
    return ParseResult.collect(parser.parse(io.BytesIO(data))).records


@pytest.fixture
def catalogue():
    """Three records with everything the spreadsheet carries."""
    pediatrics = DepartmentFactory(name="Department of Pediatrics")
    surgery = DepartmentFactory(name="Department of Surgery")
    hemic = SubjectFactory(name="Hemic and Lymphatic Diseases")
    mesh = KeywordFactory(
        term="Lymphohistiocytosis, Hemophagocytic",
        vocabulary=Keyword.Vocabulary.MESH,
        identifier="D051359",
    )
    ferritin = KeywordFactory(term="ferritin")
    henter = PersonFactory(given_names="Jan-Inge", family_name="Henter")
    records = [
        PublicationFactory(
            title="Cytokine storm in haemophagocytic lymphohistiocytosis",
            pub_year=2013,
            pub_month=6,
            doi="10.5555/bulk.0001",
            pmid="99000001",
            source_citation="Br J Haematol. 2013 Jun;161(5):609-22.",
            authors=[henter, PersonFactory()],
            departments=[pediatrics, surgery],
        ),
        PublicationFactory(
            title="Ferritin thresholds in secondary HLH",
            pub_year=2014,
            abstract="Ferritin &gt; 10 000 µg/L &amp; fever.",
            source_citation="Blood. 2014;12(3):45-67.",
            authors=[henter],
            departments=[pediatrics],
        ),
        PublicationFactory(
            title="A third record, with no authors",
            pub_year=2015,
            pub_month=1,
            pub_day=9,
            source_citation="Journal of Examples. 2015 Jan 9;12(3):45-67.",
        ),
    ]
    records[0].subjects.add(hemic)
    records[0].keywords.add(mesh)
    records[1].keywords.add(mesh, ferritin)
    return records


@pytest.mark.django_db
def test_the_excel_export_has_the_id_then_the_digital_commons_columns(
    admin_client, catalogue
):
    first = catalogue[0]
    data = export(admin_client, XLSX, catalogue)
    rows = sheet_rows(data)
    header = list(rows[0])
    assert header[:3] == ["id", "title", "abstract"]
    assert header[-7:] == [
        "author2_fname",
        "author2_mname",
        "author2_lname",
        "author2_suffix",
        "author2_email",
        "author2_institution",
        "author2_is_corporate",
    ]
    assert [r["id"] for r in rows] == [str(p.pk) for p in catalogue]
    values = rows[0]
    assert values["title"] == first.title
    assert values["publication_date"] == "2013-06"
    assert values["doi"] == "10.5555/bulk.0001"
    assert values["pmid"] == "99000001"
    assert values["department"] == "Department of Pediatrics; Department of Surgery"
    assert values["disciplines"] == "Hemic and Lymphatic Diseases"
    # A lone MeSH heading keeps its comma.
    assert values["keywords"] == "Lymphohistiocytosis, Hemophagocytic;"
    assert (values["author1_fname"], values["author1_lname"]) == ("Jan-Inge", "Henter")
    assert values["fpage"] == "45-67"
    assert rows[2]["author1_lname"] is None


@pytest.mark.django_db
def test_the_exports_read_back_as_the_same_records(admin_client, catalogue):
    for action, name in ((XLSX, "sheet.xlsx"), (CSV, "sheet.csv")):
        records = read_back(name, export(admin_client, action, catalogue))
        assert [r.record_id for r in records] == [p.pk for p in catalogue]
        second = records[1]
        assert second.abstract == catalogue[1].abstract
        assert {k.term for k in second.keywords} == {
            "Lymphohistiocytosis, Hemophagocytic",
            "ferritin",
        }
        assert str(records[2].publication_date) == "2015 Jan 9"


@pytest.mark.django_db
def test_a_cell_that_looks_like_a_formula_stays_text(admin_client, catalogue):
    record = catalogue[0]
    record.title = FORMULA_TITLE
    services.publication_save(publication=record)

    data = export(admin_client, XLSX, [record])
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        sheet_xml = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula cells
    cell = load_workbook(io.BytesIO(data)).active["B2"]
    assert (cell.value, cell.data_type) == (FORMULA_TITLE, "s")

    [values] = csv_rows(export(admin_client, CSV, [record]))
    assert values["title"] == "'" + FORMULA_TITLE


@pytest.mark.django_db
@pytest.mark.parametrize("action", [XLSX, CSV])
@pytest.mark.parametrize("count", [3, 30])
def test_the_export_makes_the_same_queries_for_any_selection(
    admin_client, django_assert_num_queries, action, count
):
    department, subject = DepartmentFactory(), SubjectFactory()
    publications = []
    for _ in range(count):
        publication = PublicationFactory(authors=2, departments=[department])
        publication.subjects.add(subject)
        publications.append(publication)
    # session, user; the changelist behind the action: filter choices (type,
    # department, subject, two for years) and COUNT; the action's queryset
    # builds the filters again (type, department, subject); the export: the
    # longest author list, the records, their authors, departments,
    # subjects, keywords and related links.
    with django_assert_num_queries(18):
        data = export(admin_client, action, publications)
    rows = sheet_rows(data) if action == XLSX else csv_rows(data)
    assert len(rows) == count


def edited(data: bytes, record: Publication, column: str, value: str) -> bytes:
    """The workbook with one cell changed, as a curator saves it."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value == str(record.pk):
            cells[header.index(column)].value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_edited_cell_updates_that_field_of_that_record_only(
    admin_client, admin_user, catalogue
):
    target = catalogue[1]
    data = edited(export(admin_client, XLSX, catalogue), target, "volnum", "13")
    response = upload(admin_client, "corrected.xlsx", data, source="bulk_edit")
    assert response.status_code == 302
    batch = latest_batch()
    assert (batch.source, batch.status) == ("bulk_edit", ImportBatch.Status.PLANNED)

    changed = batch.rows.get(match=target)
    assert changed.action == ImportRow.Action.UPDATE
    assert changed.match_kind == ImportRow.Match.RECORD
    assert changed.diff == {"volume": {"old": "12", "new": "13"}}
    others = batch.rows.exclude(pk=changed.pk)
    assert [r.action for r in others] == [ImportRow.Action.SKIP] * 2
    assert all(not r.diff for r in others)

    page = parse_valid_html(admin_client.get(batch_url(batch)).content)
    plans = {
        section.get("id"): text(section.find(".//dl/dd"))
        for section in page.iterfind(".//section[@class='import-row']")
    }
    assert plans["row-2"] == plans["row-4"] == "Unchanged"
    diff = page.find(".//section[@id='row-3']//table[@class='import-diff']")
    assert [[text(cell) for cell in tr] for tr in diff.iterfind("tbody/tr")] == [
        ["Volume", "12", "13"]
    ]

    choose(admin_client, batch, {}, apply=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert row(batch, 3).outcome == ImportRow.Outcome.UPDATED
    assert {row(batch, n).outcome for n in (2, 4)} == {ImportRow.Outcome.UNCHANGED}
    target.refresh_from_db()
    assert target.volume == "13"
    assert Publication.objects.get(pk=catalogue[0].pk).volume == "12"

    latest = target.history.latest()
    assert latest.history_user == admin_user
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("volume", "12", "13")]
    history = admin_client.get(
        reverse("admin:publications_publication_history", args=[target.pk])
    )
    table = parse_valid_html(history.content).find(".//table[@id='change-history']")
    assert "12 → 13" in text(table)


@pytest.mark.django_db
def test_a_csv_exported_and_read_back_unchanged_changes_nothing(
    admin_client, catalogue
):
    data = export(admin_client, CSV, catalogue)
    upload(admin_client, "unchanged.csv", data, source="bulk_edit")
    batch = latest_batch()
    assert batch.status == ImportBatch.Status.PLANNED
    assert [r.diff for r in batch.rows.all()] == [{}, {}, {}]
    assert batch.counts["unchanged"] == 3


@pytest.mark.django_db
def test_a_defused_csv_cell_reads_back_as_it_was_exported(admin_client, catalogue):
    record = catalogue[0]
    record.title = FORMULA_TITLE
    services.publication_save(publication=record)
    [read] = read_back("sheet.csv", export(admin_client, CSV, [record]))
    assert read.title == FORMULA_TITLE


@pytest.mark.django_db
def test_a_record_without_a_printed_citation_reads_back_unchanged(
    admin_client, catalogue
):
    """The sheet's other columns could make up a Source line; a bulk-edit row
    must not offer one as a change."""
    record = catalogue[0]
    record.source_citation = ""
    record.volume = "161"
    services.publication_save(publication=record)
    data = export(admin_client, XLSX, [record])
    upload(admin_client, "unchanged.xlsx", data, source="bulk_edit")
    [row] = latest_batch().rows.all()
    assert row.diff == {}
    assert row.action == ImportRow.Action.SKIP


def edited_cells(data: bytes, record: Publication, cells: dict[str, str | None]):
    for column, value in cells.items():
        data = edited(data, record, column, value)
    return data


@pytest.mark.django_db
def test_emptied_cells_clear_those_fields_of_that_record(admin_client, catalogue):
    target = catalogue[1]
    assert target.volume and target.keywords.count() == 2
    data = edited_cells(
        export(admin_client, XLSX, catalogue), target, {"volnum": None, "keywords": ""}
    )

    upload(admin_client, "cleared.xlsx", data, source="bulk_edit")
    batch = latest_batch()

    changed = batch.rows.get(match=target)
    assert changed.diff == {
        "volume": {"old": target.volume, "new": ""},
        "keywords": {
            "old": ["Lymphohistiocytosis, Hemophagocytic", "ferritin"],
            "new": [],
        },
    }
    assert [r.diff for r in batch.rows.exclude(pk=changed.pk)] == [{}, {}]

    choose(admin_client, batch, {}, apply=True)
    target.refresh_from_db()
    assert target.volume == ""
    assert list(target.keywords.all()) == []
    assert catalogue[0].keywords.count() == 1


@pytest.mark.django_db
def test_a_blank_cell_of_a_sheet_from_elsewhere_clears_nothing(admin_client, catalogue):
    """Without the id column the rows are new data matched by DOI: a blank
    means the source has no value, not that the record should lose one."""
    target = catalogue[0]
    data = edited_cells(
        export(admin_client, XLSX, [target]), target, {"volnum": None, "id": None}
    )

    upload(admin_client, "elsewhere.xlsx", data, source="file")

    [changed] = latest_batch().rows.all()
    assert changed.match_id == target.pk
    assert "volume" not in changed.diff


@pytest.mark.django_db
def test_the_full_text_link_is_added_changed_and_removed(admin_client, catalogue):
    target = catalogue[2]

    def round_trip(url):
        data = edited(export(admin_client, XLSX, [target]), target, "fulltext_url", url)
        upload(admin_client, "links.xlsx", data, source="bulk_edit")
        batch = latest_batch()
        choose(admin_client, batch, {}, apply=True)
        [applied] = batch.rows.all()
        return applied.diff, [
            (link.label, link.url) for link in target.related_links.all()
        ]

    assert round_trip("https://example.org/a.pdf") == (
        {"full_text": {"old": "", "new": "https://example.org/a.pdf"}},
        [("Full text", "https://example.org/a.pdf")],
    )
    assert round_trip("https://example.org/b.pdf") == (
        {
            "full_text": {
                "old": "https://example.org/a.pdf",
                "new": "https://example.org/b.pdf",
            }
        },
        [("Full text", "https://example.org/b.pdf")],
    )
    assert round_trip(None) == (
        {"full_text": {"old": "https://example.org/b.pdf", "new": ""}},
        [],
    )


@pytest.mark.django_db
def test_columns_this_repository_does_not_keep_are_reported_not_lost_silently(
    admin_client, catalogue
):
    target = catalogue[0]
    data = edited_cells(
        export(admin_client, XLSX, [target]),
        target,
        {"embargo_date": "2030-01-01", "comments": "Check the pages."},
    )

    upload(admin_client, "extra.xlsx", data, source="bulk_edit")

    [planned] = latest_batch().rows.all()
    assert [(i["field"], i["message"]) for i in planned.issues] == [
        (
            "embargo_date",
            "This repository keeps no embargo date: the value was not applied.",
        ),
        ("comments", "This repository keeps no comments: the value was not applied."),
    ]
    assert planned.diff == {}
