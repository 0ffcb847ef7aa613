"""Who may import: the Curators group's import permissions (migration ingest
0002), staff without the apply permission, non-staff users; and that no one
edits or deletes a batch through the admin."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import NoReverseMatch, reverse

from publications.ingest.models import ImportBatch
from publications.models import Publication
from tests.test_ingest_admin import (
    UPLOAD_URL,
    batch_url,
    choose,
    latest_batch,
    parse_valid_html,
    upload,
)

CURATOR_IMPORT_PERMISSIONS = {
    "ingest.view_importbatch",
    "ingest.add_importbatch",
    "ingest.apply_importbatch",
    "ingest.view_importrow",
    "ingest.view_affiliationrule",
    "ingest.add_affiliationrule",
    "ingest.change_affiliationrule",
    "ingest.delete_affiliationrule",
    "ingest.view_harvestsource",
    "ingest.add_harvestsource",
    "ingest.change_harvestsource",
    "ingest.delete_harvestsource",
    # Migration 0005: harvested records, seen and unlinked.
    "ingest.view_sourcerecord",
    "ingest.delete_sourcerecord",
}


def import_permissions() -> set[str]:
    group = Group.objects.get(name="Curators")
    return {
        f"ingest.{p.codename}"
        for p in group.permissions.filter(content_type__app_label="ingest")
    }


@pytest.fixture
def curator(django_user_model, client):
    user = django_user_model.objects.create_user("curator", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return client


def log_in_uploader(django_user_model, client):
    """Staff who may start imports and read them, but not apply them."""
    user = django_user_model.objects.create_user("uploader", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="ingest",
            codename__in=["view_importbatch", "add_importbatch"],
        )
    )
    client.force_login(user)
    return client


@pytest.fixture
def uploader(django_user_model, client):
    return log_in_uploader(django_user_model, client)


@pytest.mark.django_db
def test_the_curators_group_has_exactly_the_import_permissions():
    assert import_permissions() == CURATOR_IMPORT_PERMISSIONS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kept"),
    [
        (
            "0002_curators_permissions",
            {"ingest.view_sourcerecord", "ingest.delete_sourcerecord"},
        ),
        (
            "0005_curators_source_records",
            CURATOR_IMPORT_PERMISSIONS
            - {"ingest.view_sourcerecord", "ingest.delete_sourcerecord"},
        ),
    ],
)
def test_reversing_a_migration_takes_its_permissions_away(name, kept):
    migration = importlib.import_module(f"publications.ingest.migrations.{name}")
    state = MigrationLoader(connection).project_state(("ingest", name))
    migration.revoke(state.apps, None)
    assert import_permissions() == kept
    assert Group.objects.get(name="Curators").permissions.exists()  # the rest stays
    migration.grant(state.apps, None)
    assert import_permissions() == CURATOR_IMPORT_PERMISSIONS


@pytest.mark.django_db
def test_a_curator_uploads_checks_and_applies(curator):
    response = upload(curator, "records.csv")
    assert response.status_code == 302
    batch = latest_batch()
    page = curator.get(batch_url(batch))
    assert page.status_code == 200
    assert b'name="apply"' in page.content
    choose(curator, batch, {4: "skip"}, apply=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert Publication.objects.count() == 2


@pytest.mark.django_db
def test_staff_without_the_apply_permission_cannot_apply(uploader):
    assert upload(uploader, "records.csv").status_code == 302
    batch = latest_batch()
    page = uploader.get(batch_url(batch))
    assert page.status_code == 200
    assert b'name="apply"' not in page.content
    assert b'name="save"' in page.content  # choices may still be prepared
    response = choose(uploader, batch, {4: "skip"}, apply=True)
    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PLANNED
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_staff_who_may_only_view_batches_cannot_start_one(django_user_model, client):
    user = django_user_model.objects.create_user("reader", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_importbatch"))
    client.force_login(user)
    assert client.get(reverse(UPLOAD_URL)).status_code == 403
    assert upload(client, "records.csv").status_code == 403
    lookup = reverse("admin:ingest_importbatch_lookup")
    assert (
        client.post(lookup, {"identifiers": "23573877", "mode": "all"}).status_code
        == 403
    )
    assert not ImportBatch.objects.exists()
    changelist = client.get(reverse("admin:ingest_importbatch_changelist"))
    assert changelist.status_code == 200
    assert reverse(UPLOAD_URL).encode() not in changelist.content


@pytest.mark.django_db
def test_users_who_are_not_staff_are_sent_to_the_login(
    django_user_model, client, admin_client
):
    upload(admin_client, "records.csv")
    batch = latest_batch()
    reader = django_user_model.objects.create_user("reader")
    reader.groups.add(Group.objects.get(name="Curators"))
    client.force_login(reader)
    for url in [
        reverse(UPLOAD_URL),
        reverse("admin:ingest_importbatch_lookup"),
        reverse("admin:ingest_importbatch_changelist"),
        batch_url(batch),
        reverse("admin:ingest_importbatch_file", args=[batch.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    response = choose(client, batch, {4: "skip"}, apply=True)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PLANNED


@pytest.mark.django_db
def test_nobody_edits_or_deletes_a_batch_through_the_admin(admin_client):
    upload(admin_client, "records.csv")
    batch = latest_batch()
    delete = reverse("admin:ingest_importbatch_delete", args=[batch.pk])
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    # The batch's page only shows; a post to it changes nothing.
    assert admin_client.post(batch_url(batch), {"status": "applied"}).status_code == 405
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PLANNED
    changelist = admin_client.get(reverse("admin:ingest_importbatch_changelist"))
    assert changelist.context["action_form"] is None  # no "delete selected"
    # Rows have no admin of their own.
    with pytest.raises(NoReverseMatch):
        reverse("admin:ingest_importrow_changelist")


@pytest.mark.django_db
def test_the_import_pages_are_valid_html(curator):
    for url in [reverse(UPLOAD_URL), reverse("admin:ingest_importbatch_lookup")]:
        parse_valid_html(curator.get(url).content)
