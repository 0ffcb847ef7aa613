"""Foreign keys are indexed once: a single-column index on a column that
already leads a composite index only costs every insert.

An import writes about 27 such entries a record (its authors, departments and
keywords), to no reader's benefit: authorship_person_idx and pubdept_dept_idx
lead with the person and the department, and the unique pairs of the
many-to-many tables with the publication and the person.
"""

import django.db.models.deletion
from django.db import migrations, models

# Many-to-many tables Django made, whose field options cannot say so.
M2M_COLUMNS = (
    ("publications_publication_keywords", "publication_id"),
    ("publications_publication_subjects", "publication_id"),
    ("publications_person_departments", "person_id"),
)


def _drop_single_column_indexes(apps, schema_editor):
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        for table, column in M2M_COLUMNS:
            constraints = connection.introspection.get_constraints(cursor, table)
            for name, details in constraints.items():
                if (
                    details["index"]
                    and not details["unique"]
                    and not details["primary_key"]
                    and details["columns"] == [column]
                ):
                    schema_editor.execute(f"DROP INDEX {quote(name)}", params=None)


def _create_single_column_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in M2M_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX {quote(f'{table}_{column}_idx')} "
            f"ON {quote(table)} ({quote(column)})",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("publications", "0010_lz4_compression")]

    operations = [
        migrations.AlterField(
            model_name="authorship",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="authorships",
                to="publications.person",
            ),
        ),
        migrations.AlterField(
            model_name="publicationdepartment",
            name="department",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="publication_links",
                to="publications.department",
            ),
        ),
        migrations.AlterField(
            model_name="subject",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="children",
                to="publications.subject",
            ),
        ),
        migrations.RunPython(
            _drop_single_column_indexes, _create_single_column_indexes
        ),
    ]
