"""The "Curators" group: exactly the permissions a librarian needs to curate
records in the admin. Make a curator by giving a staff account this group.

Permissions (app "publications"):

- publication: view, add, change, publish_publication, withdraw_publication.
  Not delete: records are withdrawn (a tombstone stays), never deleted.
- authorship, publicationdepartment (a record's departments), relatedlink:
  view, add, change, delete (delete removes a row in the record's form).
- person, venue, keyword: view, add, change (new ones come up while curating;
  removing them is an administrator's job).
- department, subject, documenttype: view only (for the record form's choices
  and autocomplete); the taxonomy and the departments are maintained by
  administrators.

Reversing the migration removes the group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"

PERMISSIONS = {
    "publication": [
        "view",
        "add",
        "change",
        "publish_publication",
        "withdraw_publication",
    ],
    "authorship": ["view", "add", "change", "delete"],
    "publicationdepartment": ["view", "add", "change", "delete"],
    "relatedlink": ["view", "add", "change", "delete"],
    "person": ["view", "add", "change"],
    "venue": ["view", "add", "change"],
    "keyword": ["view", "add", "change"],
    "department": ["view"],
    "subject": ["view"],
    "documenttype": ["view"],
}


def codename(model: str, action: str) -> str:
    """'view' on 'person' is 'view_person'; custom codenames stand as given."""
    if action in ("view", "add", "change", "delete"):
        return f"{action}_{model}"
    return action


def create_curators_group(apps, schema_editor):
    # Permissions are made by a post_migrate signal, after every migration
    # has run: make this app's now, so the group can be given them.
    app_config = apps.get_app_config("publications")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = [
        (model, codename(model, action))
        for model, actions in PERMISSIONS.items()
        for action in actions
    ]
    permissions = []
    for model, name in wanted:
        permissions.append(
            Permission.objects.get(
                content_type__app_label="publications",
                content_type__model=model,
                codename=name,
            )
        )
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def remove_curators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0002_document_types"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_curators_group, remove_curators_group),
    ]
