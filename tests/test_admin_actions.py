"""Batch actions of the record changelist: publish, withdraw with a note, and
CSV export, and who may use them."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from publications.models import Publication
from tests.factories import (
    DepartmentFactory,
    KeywordFactory,
    PersonFactory,
    PublicationFactory,
    SubjectFactory,
)

CHANGELIST = "admin:publications_publication_changelist"


def run_action(client, action: str, publications, **extra):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": action,
            ACTION_CHECKBOX_NAME: [str(p.pk) for p in publications],
            **extra,
        },
    )


def statuses(*publications) -> list[str]:
    return [Publication.objects.get(pk=p.pk).status for p in publications]


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.mark.django_db
def test_the_publish_action_publishes_drafts_and_records_who_did_it(
    admin_client, admin_user
):
    drafts = PublicationFactory.create_batch(2, status=Publication.Status.DRAFT)
    untouched = PublicationFactory(status=Publication.Status.DRAFT)
    response = run_action(admin_client, "publish_selected", drafts)
    assert response.status_code == 302
    assert statuses(*drafts, untouched) == ["published", "published", "draft"]
    latest = drafts[0].history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        admin_user,
        "Published",
    )


@pytest.mark.django_db
def test_the_withdraw_action_first_asks_for_a_note(admin_client):
    publications = PublicationFactory.create_batch(2)
    response = run_action(admin_client, "withdraw_selected", publications)
    assert response.status_code == 200
    assert "admin/publications/publication/withdraw_confirmation.html" in [
        t.name for t in response.templates
    ]
    html = response.content.decode()
    assert all(p.title in html for p in publications)
    assert 'name="withdrawal_note"' in html
    assert statuses(*publications) == ["published", "published"]


@pytest.mark.django_db
@pytest.mark.parametrize("note", ["", "   "])
def test_the_withdraw_action_refuses_an_empty_note(admin_client, note):
    publication = PublicationFactory()
    response = run_action(
        admin_client,
        "withdraw_selected",
        [publication],
        confirm_withdraw="yes",
        withdrawal_note=note,
    )
    assert response.status_code == 200
    assert response.context["form"].errors["withdrawal_note"] == [
        "Say why the records are withdrawn; readers see this note."
    ]
    assert "Nothing was withdrawn: a withdrawal note is required." in (
        shown_messages(response)
    )
    assert statuses(publication) == ["published"]


@pytest.mark.django_db
def test_the_withdraw_action_withdraws_with_the_note_and_its_reason(
    admin_client, admin_user
):
    publications = PublicationFactory.create_batch(2)
    kept = PublicationFactory()
    response = run_action(
        admin_client,
        "withdraw_selected",
        publications,
        confirm_withdraw="yes",
        withdrawal_note="  Retracted by the journal.  ",
    )
    assert response.status_code == 302
    assert statuses(*publications, kept) == ["withdrawn", "withdrawn", "published"]
    withdrawn = Publication.objects.get(pk=publications[0].pk)
    assert withdrawn.withdrawal_note == "Retracted by the journal."
    latest = withdrawn.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        admin_user,
        "Withdrawn",
    )


def exported(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.django_db
def test_the_csv_export_has_one_row_per_record_with_every_column(admin_client):
    pediatrics = DepartmentFactory(name="Department of Pediatrics")
    henter = PersonFactory(given_names="Jan-Inge", family_name="Henter")
    horne = PersonFactory(given_names="AnnaCarin", family_name="Horne")
    publication = PublicationFactory(
        title="Hemophagocytic lymphohistiocytosis",
        pub_year=2013,
        pub_month=6,
        volume="161",
        issue="5",
        pages="609-22",
        doi="10.1111/bjh.12293",
        pmid="23573877",
        pmcid="PMC3456789",
        authors=[henter, horne],
        departments=[pediatrics],
    )
    publication.subjects.add(SubjectFactory(name="Pediatrics"))
    publication.keywords.add(KeywordFactory(term="Child"), KeywordFactory(term="Adult"))
    rows = exported(run_action(admin_client, "export_csv", [publication]))
    assert rows == [
        {
            "id": str(publication.pk),
            "title": "Hemophagocytic lymphohistiocytosis",
            "authors": "Henter J; Horne A",
            "date": "2013 Jun",
            "type": "Article",
            "venue": str(publication.venue),
            "volume": "161",
            "issue": "5",
            "pages": "609-22",
            "doi": "10.1111/bjh.12293",
            "pmid": "23573877",
            "pmcid": "PMC3456789",
            "status": "published",
            "departments": "Department of Pediatrics",
            "subjects": "Pediatrics",
            "keywords": "Adult; Child",
            "url": f"http://testserver/publications/{publication.pk}/",
        }
    ]


@pytest.mark.django_db
def test_the_csv_export_defuses_cells_a_spreadsheet_would_run_as_formulas(
    admin_client,
):
    publication = PublicationFactory(
        title='=HYPERLINK("http://evil.example","click")',
        volume="+1",
        issue="-2",
        pages="@SUM(A1)",
        authors=[PersonFactory(family_name="\tTab", given_names="X")],
    )
    publication.keywords.add(KeywordFactory(term="\rReturn"))
    row = exported(run_action(admin_client, "export_csv", [publication]))[0]
    assert row["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert (row["volume"], row["issue"], row["pages"]) == ("'+1", "'-2", "'@SUM(A1)")
    assert row["authors"] == "'\tTab X"
    assert row["keywords"] == "'\rReturn"


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 25])
def test_the_csv_export_makes_the_same_queries_for_any_selection(
    admin_client, django_assert_num_queries, count
):
    department, subject, keyword = (
        DepartmentFactory(),
        SubjectFactory(),
        KeywordFactory(),
    )
    publications = []
    for _ in range(count):
        publication = PublicationFactory(authors=3, departments=[department])
        publication.subjects.add(subject)
        publication.keywords.add(keyword)
        publications.append(publication)
    # session, user; the changelist behind the action: filter choices (type,
    # department, subject, two for years) and COUNT; the action's queryset
    # builds the filters again (type, department, subject; the years are
    # cached by now); the export: the records, their authors, departments,
    # subjects, keywords and related links.
    with django_assert_num_queries(17):
        rows = exported(run_action(admin_client, "export_csv", publications))
    assert len(rows) == count


@pytest.fixture
def editor(django_user_model, client):
    """Staff who may edit records but neither publish nor withdraw them."""
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="publications",
            codename__in=["view_publication", "change_publication"],
        )
    )
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_publish_and_withdraw_are_hidden_from_staff_without_their_permissions(
    editor,
):
    PublicationFactory()
    response = editor.get(reverse(CHANGELIST))
    choices = [
        name for name, _ in response.context["action_form"].fields["action"].choices
    ]
    assert "export_csv" in choices
    assert "publish_selected" not in choices
    assert "withdraw_selected" not in choices


@pytest.mark.django_db
def test_staff_without_the_permissions_cannot_publish_or_withdraw_by_posting(
    editor,
):
    draft = PublicationFactory(status=Publication.Status.DRAFT)
    published = PublicationFactory()
    run_action(editor, "publish_selected", [draft])
    run_action(
        editor,
        "withdraw_selected",
        [published],
        confirm_withdraw="yes",
        withdrawal_note="Retracted.",
    )
    assert statuses(draft, published) == ["draft", "published"]


@pytest.mark.django_db
def test_staff_without_the_permissions_see_the_status_but_cannot_set_it(editor):
    draft = PublicationFactory(status=Publication.Status.DRAFT)
    url = reverse("admin:publications_publication_change", args=[draft.pk])
    form = editor.get(url).context["adminform"].form
    assert "status" not in form.fields
