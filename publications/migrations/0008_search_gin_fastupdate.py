"""PostgreSQL: the two GIN indexes of the search table take new entries
through their pending list (`fastupdate = on`).

With `fastupdate = off` every indexed record inserts each of its ~150
lexemes and ids into the GIN tree one by one; an import of 1,000 records
spent about 2 s of every 2.2 s of its search indexing there. With the
pending list on, new entries are appended and merged into the tree in
sorted bulk when the list passes `gin_pending_list_limit` (4 MB by default)
or when (auto)vacuum runs: the same 1,000 records index in about 0.6 s.
A search reads the pending list too, sequentially; at 4 MB at most that
costs a search a few milliseconds at worst, and only until the next merge.
Rebuilds keep the setting (they copy the index definitions). SQLite's FTS5
index has no such setting: nothing changes there.
"""

from django.db import migrations

INDEXES = ("publications_search_gin_idx", "publications_search_sample_gin_idx")


def _fastupdate(value: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in INDEXES:
            schema_editor.execute(
                f"ALTER INDEX {name} SET (fastupdate = {value})", params=None
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("publications", "0007_search_authors_and_dates")]

    operations = [migrations.RunPython(_fastupdate("on"), _fastupdate("off"))]
