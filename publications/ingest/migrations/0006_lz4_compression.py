"""PostgreSQL: each import row's record, issues and diff (JSON) are
compressed with LZ4 instead of pglz, as the catalogue's large values are
(publications migration 0010): several times faster to write."""

from django.db import migrations

COLUMNS = ("record", "issues", "diff")


def _compression(method: str):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
            if not cursor.fetchone()[0]:
                return
        changes = ", ".join(
            f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in COLUMNS
        )
        schema_editor.execute(f"ALTER TABLE ingest_importrow {changes}", params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("ingest", "0005_curators_source_records")]

    operations = [migrations.RunPython(_compression("lz4"), _compression("default"))]
