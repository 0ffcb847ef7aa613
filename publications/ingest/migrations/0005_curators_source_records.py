"""Lets the "Curators" group see which records came from which records at
other repositories, and remove a wrong link (ingest 0004); imports alone
make links, so neither add nor change. Reversing takes both away again."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"
CODENAMES = ["view_sourcerecord", "delete_sourcerecord"]


def _permissions(apps):
    # As in 0002: permissions are otherwise made after every migration ran.
    app_config = apps.get_app_config("ingest")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(
            content_type__app_label="ingest", codename__in=CODENAMES
        )
    )


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
        ("ingest", "0004_source_record"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
