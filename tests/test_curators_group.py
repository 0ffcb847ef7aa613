"""The Curators group made by migration 0003: exactly what curators need,
and what the admin lets its members and non-staff users do."""

import importlib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from publications.models import Publication
from tests.factories import (
    DepartmentFactory,
    DocumentTypeFactory,
    PersonFactory,
    PublicationFactory,
)
from tests.test_admin import record_post

CURATOR_PERMISSIONS = {
    "add_authorship",
    "change_authorship",
    "delete_authorship",
    "view_authorship",
    "add_publicationdepartment",
    "change_publicationdepartment",
    "delete_publicationdepartment",
    "view_publicationdepartment",
    "add_relatedlink",
    "change_relatedlink",
    "delete_relatedlink",
    "view_relatedlink",
    "add_publication",
    "change_publication",
    "view_publication",
    "publish_publication",
    "withdraw_publication",
    "add_person",
    "change_person",
    "view_person",
    "add_venue",
    "change_venue",
    "view_venue",
    "add_keyword",
    "change_keyword",
    "view_keyword",
    "view_department",
    "view_subject",
    "view_documenttype",
}


def group_permissions() -> set[str]:
    group = Group.objects.get(name="Curators")
    # The import app's migration adds its own (tests/test_ingest_admin_permissions.py).
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.filter(
            content_type__app_label="publications"
        ).select_related("content_type")
    }


@pytest.fixture
def curator(django_user_model, client):
    user = django_user_model.objects.create_user("curator", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_curators_group_has_exactly_the_permissions_curators_need():
    assert group_permissions() == {
        f"publications.{codename}" for codename in CURATOR_PERMISSIONS
    }


@pytest.mark.django_db
def test_reversing_the_migration_removes_the_group_and_reapplying_restores_it():
    migration = importlib.import_module("publications.migrations.0003_curators_group")
    state = MigrationLoader(connection).project_state(
        ("publications", "0003_curators_group")
    )
    migration.remove_curators_group(state.apps, None)
    assert not Group.objects.filter(name="Curators").exists()
    migration.create_curators_group(state.apps, None)
    assert group_permissions() == {
        f"publications.{codename}" for codename in CURATOR_PERMISSIONS
    }


@pytest.mark.django_db
def test_a_curator_adds_a_record(curator):
    response = curator.post(
        reverse("admin:publications_publication_add"),
        record_post(title="Added by a curator"),
    )
    assert response.status_code == 302
    assert Publication.objects.get().title == "Added by a curator"


@pytest.mark.django_db
def test_a_curator_changes_a_record(curator):
    publication = PublicationFactory()
    response = curator.post(
        reverse("admin:publications_publication_change", args=[publication.pk]),
        record_post(publication, title="Corrected by a curator"),
    )
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Corrected by a curator"


@pytest.mark.django_db
def test_a_curator_cannot_delete_a_record(curator):
    publication = PublicationFactory()
    url = reverse("admin:publications_publication_delete", args=[publication.pk])
    assert curator.get(url).status_code == 403
    assert curator.post(url, {"post": "yes"}).status_code == 403
    assert Publication.objects.filter(pk=publication.pk).exists()


@pytest.mark.django_db
def test_a_curator_is_offered_publish_and_withdraw_but_not_delete(curator):
    PublicationFactory()
    response = curator.get(reverse("admin:publications_publication_changelist"))
    choices = {
        name for name, _ in response.context["action_form"].fields["action"].choices
    }
    assert {"publish_selected", "withdraw_selected", "export_csv"} <= choices
    assert "delete_selected" not in choices


@pytest.mark.django_db
def test_a_curator_reads_but_does_not_change_the_taxonomy(curator):
    article = DocumentTypeFactory()
    url = reverse("admin:publications_documenttype_change", args=[article.pk])
    page = curator.get(url)
    assert page.status_code == 200
    assert "adminform" in page.context and not page.context["has_change_permission"]
    assert curator.post(url, {"name": "Renamed", "slug": "renamed"}).status_code == 403
    assert curator.get(reverse("admin:publications_subject_add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model_name", "field_name", "term", "expected"),
    [
        ("publicationdepartment", "department", "pediat", "Department of Pediatrics"),
        ("authorship", "person", "hent", "Jan-Inge Henter"),
    ],
)
def test_a_curator_finds_departments_and_people_in_the_autocomplete_boxes(
    curator, model_name, field_name, term, expected
):
    DepartmentFactory(name="Department of Pediatrics")
    DepartmentFactory(name="Department of Surgery")
    PersonFactory(given_names="Jan-Inge", family_name="Henter")
    PersonFactory(given_names="Ann", family_name="Other")
    response = curator.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "publications",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == [expected]


@pytest.mark.django_db
def test_a_logged_in_user_who_is_not_staff_is_sent_to_the_admin_login(
    django_user_model, client
):
    reader = django_user_model.objects.create_user("reader")
    reader.groups.add(Group.objects.get(name="Curators"))
    client.force_login(reader)
    publication = PublicationFactory()
    for url in [
        reverse("admin:index"),
        reverse("admin:publications_publication_changelist"),
        reverse("admin:publications_publication_change", args=[publication.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    response = client.post(
        reverse("admin:publications_publication_change", args=[publication.pk]),
        record_post(publication, title="Changed by a reader"),
    )
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title != "Changed by a reader"
