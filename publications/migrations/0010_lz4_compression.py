"""PostgreSQL: the large values an import writes are compressed with LZ4
instead of PostgreSQL's own pglz.

pglz took about a tenth of the database's work in an import: the search
table keeps its rows small (`toast_tuple_target = 128`), so every document
vector, title key and id array is compressed, and so is each abstract. LZ4
compresses several times faster and decompresses faster too, for searches
that read the vectors back. Values already stored keep their method until
rewritten; both are read alike. A server built without LZ4 keeps pglz.
"""

from django.db import migrations

COLUMNS = {
    "publications_search": (
        "document",
        "title_document",
        "title_sort",
        "department_ids",
        "subject_ids",
        "keyword_ids",
        "author_ids",
    ),
    "publications_publication": ("abstract",),
    "publications_historicalpublication": ("abstract",),
}


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
        for table, columns in COLUMNS.items():
            changes = ", ".join(
                f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in columns
            )
            schema_editor.execute(f"ALTER TABLE {table} {changes}", params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("publications", "0009_title_key_end")]

    operations = [migrations.RunPython(_compression("lz4"), _compression("default"))]
