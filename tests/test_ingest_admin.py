"""Importing through the admin: upload a file, read the dry run, choose per
row, apply, read the report; bad uploads; the pages' query budgets and HTML."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publications.ingest.models import ImportBatch, ImportRow
from publications.models import Publication
from tests.factories import PublicationFactory, VenueFactory
from tests.html import parse_valid_html, text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest_admin"
UPLOAD_URL = "admin:ingest_importbatch_add"
CHANGELIST_URL = "admin:ingest_importbatch_changelist"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upload(client, name: str, content: bytes | None = None, **fields):
    """Post the upload form with a file (a fixture's content by default)."""
    if content is None:
        content = fixture(name)
    data = {"mode": "all", "source": "file", "format": "", **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(reverse(UPLOAD_URL), data)


def latest_batch() -> ImportBatch:
    return ImportBatch.objects.latest("pk")


def batch_url(batch: ImportBatch, **query) -> str:
    url = reverse("admin:ingest_importbatch_change", args=[batch.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def choose(client, batch: ImportBatch, actions: dict[int, str], *, apply=False):
    data = {f"action-{number}": action for number, action in actions.items()}
    data["apply" if apply else "save"] = "yes"
    return client.post(
        reverse("admin:ingest_importbatch_choose", args=[batch.pk]), data
    )


def row(batch: ImportBatch, number: int) -> ImportRow:
    return batch.rows.get(row_number=number)


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def existing_ferritin_record() -> Publication:
    """The record row 3 of records.csv updates: the same but the volume."""
    return PublicationFactory(
        title="Ferritin thresholds in secondary haemophagocytic syndromes",
        pub_year=2014,
        pub_month=2,
        venue=VenueFactory(title="Blood"),
        volume="123",
        issue="3",
        pages="100-110",
        doi="10.5555/ingest.0002",
    )


@pytest.mark.django_db
def test_the_upload_page_asks_for_the_file_its_format_and_the_mode(admin_client):
    response = admin_client.get(reverse(UPLOAD_URL))
    assert response.status_code == 200
    page = parse_valid_html(response.content)
    form = page.find(".//form[@enctype='multipart/form-data']")
    assert form.find(".//input[@type='file'][@name='file']") is not None
    assert {
        o.get("value") for o in form.iterfind(".//select[@name='format']/option")
    } >= {
        "",
        "pubmed",
        "dc-csv",
        "dc-xlsx",
        "ris",
        "bibtex",
    }
    modes = {i.get("value") for i in form.iterfind(".//input[@name='mode']")}
    assert modes == {"all", "per_row"}
    # Every input has a label (or its group a legend).
    for control in form.iterfind(".//input[@id]"):
        assert page.find(f".//label[@for='{control.get('id')}']") is not None


@pytest.mark.django_db
def test_an_uploaded_spreadsheet_is_checked_at_once_and_nothing_is_written(
    admin_client, admin_user
):
    existing = existing_ferritin_record()
    response = upload(admin_client, "records.csv")
    batch = latest_batch()
    assert response.status_code == 302
    assert response.url == batch_url(batch)
    assert (batch.status, batch.created_by, batch.format) == (
        ImportBatch.Status.PLANNED,
        admin_user,
        "dc-csv",
    )
    assert Publication.objects.count() == 1  # the dry run wrote nothing
    assert row(batch, 2).action == ImportRow.Action.CREATE
    # A match is proposed as "skip", with what an update would change.
    update = row(batch, 3)
    assert (update.action, update.match_id) == (ImportRow.Action.SKIP, existing.pk)
    assert update.diff["volume"] == {"old": "123", "new": "124"}
    assert any(i["field"] == "doi" for i in row(batch, 4).issues)


@pytest.mark.django_db
def test_the_batch_page_shows_each_row_its_match_its_changes_and_issues(
    admin_client,
):
    existing = existing_ferritin_record()
    upload(admin_client, "records.csv")
    batch = latest_batch()
    response = admin_client.get(batch_url(batch))
    assert response.status_code == 200
    page = parse_valid_html(response.content)
    assert page.find(".//meta[@http-equiv='refresh']") is None  # not running
    assert page.find(".//progress") is None

    new = page.find(".//section[@id='row-2']")
    assert "Cytokine storm" in text(new.find(".//h3"))
    assert "New record" in text(new)
    assert (
        new.find(".//select[@name='action-2']/option[@selected]").get("value")
        == "create"
    )
    # A row without a match cannot be an update.
    assert "update" not in {
        o.get("value") for o in new.iterfind(".//select[@name='action-2']/option")
    }

    update = page.find(".//section[@id='row-3']")
    link = update.find(".//a[@href]")
    assert link.get("href") == reverse(
        "admin:publications_publication_change", args=[existing.pk]
    )
    assert "found by DOI" in text(update)
    diff = update.find(".//table[@class='import-diff']")
    assert text(diff.find("caption")) == f"Changes to record #{existing.pk}"
    changes = {
        text(tr.find("th")): [text(td) for td in tr.iterfind("td")]
        for tr in diff.iterfind("tbody/tr")
    }
    assert changes["Volume"] == ["123", "124"]
    assert [text(th) for th in diff.iterfind("thead/tr/th")] == [
        "Field",
        "Now",
        "From the import",
    ]

    issues = page.find(".//section[@id='row-4']//table[@class='import-issues']")
    cells = [text(td) for td in issues.iterfind("tbody/tr/td")]
    assert cells[:2] == ["4", "doi"]
    assert "not a DOI" in cells[2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("show", "rows"),
    [
        ("all", [2, 3, 4]),
        ("errors", [4]),
        ("new", [2, 4]),
        ("updates", [3]),
        ("unchanged", []),
    ],
)
def test_the_rows_can_be_filtered(admin_client, show, rows):
    existing_ferritin_record()
    upload(admin_client, "records.csv")
    response = admin_client.get(batch_url(latest_batch(), show=show))
    page = parse_valid_html(response.content)
    shown = [
        int(s.get("id").removeprefix("row-"))
        for s in page.iterfind(".//section[@class='import-row']")
    ]
    assert shown == rows
    current = page.find(".//nav[@class='import-filters']//a[@aria-current='page']")
    assert current.get("href") == f"?show={show}"


@pytest.mark.django_db
def test_applying_writes_the_chosen_rows_and_reports_each_outcome(
    admin_client, admin_user
):
    existing = existing_ferritin_record()
    upload(admin_client, "records.csv")
    batch = latest_batch()
    response = choose(
        admin_client, batch, {2: "create", 3: "update", 4: "skip"}, apply=True
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.applied_by) == (ImportBatch.Status.APPLIED, admin_user)

    created = Publication.objects.get(doi="10.5555/ingest.0001")
    assert created.title.startswith("Cytokine storm")
    existing.refresh_from_db()
    assert existing.volume == "124"
    assert existing.history.latest().history_user == admin_user
    assert not Publication.objects.filter(title__contains="cannot be read").exists()

    report = admin_client.get(batch_url(batch))
    page = parse_valid_html(report.content)
    table = page.find(".//table[@id='import-report']")
    outcomes = {
        text(tr.find("td")): [text(td) for td in tr.iterfind("td")][2]
        for tr in table.iterfind("tbody/tr")
    }
    assert outcomes == {"2": "Created", "3": "Updated", "4": "Skipped"}
    links = {a.get("href") for a in table.iterfind(".//a")}
    assert links == {
        reverse("admin:publications_publication_change", args=[created.pk]),
        reverse("admin:publications_publication_change", args=[existing.pk]),
    }
    assert page.find(".//select") is None  # nothing left to choose


@pytest.mark.django_db
def test_saved_choices_are_kept_without_applying(admin_client):
    existing_ferritin_record()
    upload(admin_client, "records.csv")
    batch = latest_batch()
    response = choose(admin_client, batch, {3: "skip"})
    assert response.status_code == 302
    assert "Your choices were saved." in shown_messages(response)
    assert row(batch, 3).action == ImportRow.Action.SKIP
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PLANNED


@pytest.mark.django_db
def test_an_impossible_choice_is_refused_naming_the_row(admin_client):
    existing_ferritin_record()
    upload(admin_client, "records.csv")
    batch = latest_batch()
    response = choose(admin_client, batch, {2: "update", 3: "skip"}, apply=True)
    assert response.status_code == 302
    [message] = shown_messages(response)
    assert message.startswith("Nothing was saved:") and "2" in message
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PLANNED
    assert row(batch, 2).action == ImportRow.Action.CREATE
    assert Publication.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", None, "The submitted file is empty."),
        ("paper.pdf", None, "Cannot tell the format"),
    ],
)
def test_a_bad_upload_is_a_form_error(admin_client, name, content, message):
    response = upload(admin_client, name, content)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors
    assert not ImportBatch.objects.exists()
    parse_valid_html(response.content)


@pytest.mark.django_db
def test_an_upload_without_a_file_is_a_form_error(admin_client):
    response = admin_client.post(reverse(UPLOAD_URL), {"mode": "all", "source": "file"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["This field is required."]


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_a_form_error(admin_client, settings):
    settings.INGEST_MAX_FILE_SIZE = 100
    response = upload(admin_client, "records.csv")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_encoding.csv", "not UTF-8"),
        ("no_title.csv", "The required column “title” is missing."),
    ],
)
def test_a_file_that_cannot_be_read_gives_a_clear_report(admin_client, name, message):
    response = upload(admin_client, name)
    batch = latest_batch()
    assert response.status_code == 302
    page = admin_client.get(batch_url(batch))
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Publication.objects.exists()
    parse_valid_html(page.content)


@pytest.mark.django_db
def test_a_windows_encoded_file_is_read_with_a_warning(admin_client):
    upload(admin_client, "latin1.csv")
    batch = latest_batch()
    assert batch.status == ImportBatch.Status.PLANNED
    assert row(batch, 2).title == "Café society and the gut microbiome"
    page = admin_client.get(batch_url(batch)).content.decode()
    assert "read as Windows-1252" in page


def csv_of(count: int) -> bytes:
    lines = ["title,publication_date,doi,author1_fname,author1_lname"]
    lines += [
        f"Generated record number {n},2019-0{n % 9 + 1},10.5555/gen.{n},Ann,Lee{n}"
        for n in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 120])
def test_the_batch_page_makes_the_same_queries_for_few_or_many_rows(
    admin_client, django_assert_max_num_queries, count
):
    upload(admin_client, "generated.csv", csv_of(count))
    batch = latest_batch()
    assert batch.rows.count() == count
    # session, user; the batch with its users and source; the rows per
    # filter; COUNT of the page's filter; the page of rows with their records.
    with django_assert_max_num_queries(6):
        response = admin_client.get(batch_url(batch, page=2 if count > 50 else 1))
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count, 50)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 30])
def test_the_batch_list_makes_the_same_queries_for_few_or_many_batches(
    admin_client, admin_user, django_assert_max_num_queries, count
):
    for n in range(count):
        ImportBatch.objects.create(filename=f"file{n}.csv", created_by=admin_user)
    # session, user; the status/source/mode filters need none; COUNT; the page.
    with django_assert_max_num_queries(5):
        response = admin_client.get(reverse(CHANGELIST_URL))
    assert response.status_code == 200
    assert response.context["cl"].result_count == count


@pytest.mark.django_db
def test_the_batch_list_is_the_audit_of_who_imported_what(admin_client, admin_user):
    upload(admin_client, "records.csv", mode="per_row")
    batch = latest_batch()
    response = admin_client.get(reverse(CHANGELIST_URL))
    page = parse_valid_html(response.content)
    headers = [
        text(th) for th in page.iterfind(".//table[@id='result_list']/thead//th")
    ]
    for name in (
        "Batch",
        "Created at",
        "Created by",
        "Source",
        "File",
        "Format",
        "Status",
        "Rows",
    ):
        assert name in headers
    cells = [
        text(td) for td in page.iterfind(".//table[@id='result_list']/tbody/tr/td")
    ]
    assert "admin" in cells and "records.csv" in cells and "dc-csv" in cells
    assert "Ready to review" in cells
    download = page.find(".//table[@id='result_list']//td[@class='field-file_link']/a")
    assert download.get("href") == reverse(
        "admin:ingest_importbatch_file", args=[batch.pk]
    )
    # The list offers imports, never deletion.
    assert "delete_selected" not in response.content.decode()
    assert page.find(f".//a[@href='{reverse(UPLOAD_URL)}']") is not None


@pytest.mark.django_db
def test_staff_download_the_original_file(admin_client):
    upload(admin_client, "records.csv")
    batch = latest_batch()
    response = admin_client.get(
        reverse("admin:ingest_importbatch_file", args=[batch.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == fixture("records.csv")
    assert 'filename="records.csv"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_an_unknown_batch_is_not_found(admin_client):
    for name in ("change", "file"):
        url = reverse(f"admin:ingest_importbatch_{name}", args=["12345"])
        assert admin_client.get(url).status_code in (302, 404)
    url = reverse("admin:ingest_importbatch_change", args=["not-a-number"])
    assert admin_client.get(url).status_code in (302, 404)


@pytest.mark.django_db
def test_a_pubmed_export_is_imported_row_by_row(admin_client, settings, shared_data):
    # Checked within the request whatever its size (the thread path has its
    # own tests).
    settings.INGEST_BACKGROUND_BYTES = 10**9
    settings.INGEST_BACKGROUND_ROWS = 10**6
    path = shared_data("pubmed_sample_2019.xml")
    response = upload(admin_client, path.name, path.read_bytes(), mode="per_row")
    assert response.status_code == 302
    batch = latest_batch()
    assert (batch.status, batch.format) == (ImportBatch.Status.PLANNED, "pubmed")
    readable = batch.rows.exclude(record__isnull=True)
    assert readable.count() > 150
    page = admin_client.get(batch_url(batch))
    assert len(page.context["rows"]) == 50
    parse_valid_html(page.content)

    choose(admin_client, batch, {}, apply=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    created = batch.rows.filter(outcome=ImportRow.Outcome.CREATED)
    assert created.count() == Publication.objects.count() > 150
    sample = created.select_related("publication").first()
    assert sample.publication.pmid == sample.record["pmid"]
