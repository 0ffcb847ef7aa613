"""The first row of a file that had each key, for the check that flags rows
repeating an earlier one (base.flag_duplicates).

The keys live in a private temporary SQLite database, not in a dict: a file
of 100,000 records has some 300,000 keys (identifiers, titles), about 60 MB
as Python objects, and an import's memory is to stay the same whatever the
size of its file. SQLite keeps a small page cache and deletes the database
when it is closed.
"""

import sqlite3
from collections.abc import Sequence

CACHE_KIB = 2048


class FirstRows:
    def __init__(self) -> None:
        # "" names a temporary database on disk, private to this connection.
        self._db = sqlite3.connect("")
        self._db.executescript(
            f"""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -{CACHE_KIB};
            CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID;
            """
        )

    def claim(self, keys: Sequence[str], row: int) -> dict[str, int]:
        """Record `row` as the first row of each key not seen before; return
        the keys seen before, each with its first row."""
        if not keys:
            return {}
        marks = ", ".join("?" * len(keys))
        earlier = dict(
            self._db.execute(
                f"SELECT key, row FROM seen WHERE key IN ({marks})",  # noqa: S608 - marks only
                keys,
            )
        )
        new = [(key, row) for key in dict.fromkeys(keys) if key not in earlier]
        self._db.executemany("INSERT INTO seen (key, row) VALUES (?, ?)", new)
        return earlier

    def reassign(self, keys: Sequence[str], row: int) -> None:
        """Make `row` the first row of each of `keys`."""
        self._db.executemany(
            "INSERT OR REPLACE INTO seen (key, row) VALUES (?, ?)",
            [(key, row) for key in dict.fromkeys(keys)],
        )

    def close(self) -> None:
        self._db.close()
