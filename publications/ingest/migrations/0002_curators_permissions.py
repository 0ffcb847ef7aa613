"""Gives the "Curators" group (publications 0003) what importing needs.

Permissions (app "ingest"):

- importbatch: view, add (upload a file, look up identifiers, harvest) and
  apply_importbatch (confirm a dry run and write it to the catalogue). Not
  change or delete: batches are the audit of what was imported.
- importrow: view (a batch's rows; the admin shows them on its page).
- affiliationrule, harvestsource: view, add, change, delete (curators keep
  the rules that place authors in departments, and the sources they harvest).

Reversing the migration takes these permissions away from the group again.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"

PERMISSIONS = {
    "importbatch": ["view", "add", "apply_importbatch"],
    "importrow": ["view"],
    "affiliationrule": ["view", "add", "change", "delete"],
    "harvestsource": ["view", "add", "change", "delete"],
}


def codename(model: str, action: str) -> str:
    if action in ("view", "add", "change", "delete"):
        return f"{action}_{model}"
    return action


def _permissions(apps):
    # Permissions are made by a post_migrate signal, after every migration
    # has run: make this app's now, so the group can be given them.
    app_config = apps.get_app_config("ingest")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(
            content_type__app_label="ingest",
            content_type__model=model,
            codename=codename(model, action),
        )
        for model, actions in PERMISSIONS.items()
        for action in actions
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0001_initial"),
        ("publications", "0003_curators_group"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
