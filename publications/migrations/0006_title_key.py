"""Publication.title_key, the import's duplicate check, filled in for the
records already there."""

import django.db.models.functions.text
from django.db import migrations, models

# The running code's rule: keys written here must equal the ones the
# services write from now on, or existing records would not be found.
from publications.titles import title_key

CHUNK = 10_000


def fill_title_keys(apps, schema_editor):
    """Key every record, reading and writing 10,000 at a time so memory stays
    flat on a catalogue of millions."""
    connection = schema_editor.connection
    table = connection.ops.quote_name("publications_publication")
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, title FROM {table} WHERE id > %s ORDER BY id LIMIT %s",
                [last, CHUNK],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            ids = [pk for pk, _ in rows]
            keys = [title_key(title) for _, title in rows]
            if connection.vendor == "postgresql":
                # One statement per chunk instead of one per row.
                cursor.execute(
                    f"UPDATE {table} AS p SET title_key = k.key "
                    "FROM unnest(%s::bigint[], %s::text[]) AS k(id, key) "
                    "WHERE p.id = k.id",
                    [ids, keys],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET title_key = %s WHERE id = %s",
                    list(zip(keys, ids, strict=True)),
                )


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0005_lean_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpublication',
            name='title_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name='publication',
            name='title_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=255),
        ),
        migrations.RunPython(fill_title_keys, migrations.RunPython.noop, elidable=True),
        # Built after the keys are in: one pass instead of an update per row.
        migrations.AddIndex(
            model_name='publication',
            index=models.Index(django.db.models.functions.text.Substr('title_key', 1, 12), models.F('pub_year'), name='pub_title_key_idx'),
        ),
    ]
