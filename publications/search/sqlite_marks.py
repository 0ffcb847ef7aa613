"""Which of a few short texts hold a word of a query, by the rules of the
SQLite index: an FTS5 table in a private in-memory database, with the
tokenizer the index has (migration 0004), so "tumours" finds the keyword
"Tumour" here exactly when it finds the record.

Used for a page of hits' authors and keywords (reasons): a few hundred texts
at most. Each thread keeps its own connection.
"""

import sqlite3
import threading

from .base import MARK_START, MARK_STOP

TOKENIZER = "porter unicode61 remove_diacritics 2"

_local = threading.local()


def _texts_table() -> sqlite3.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(":memory:", check_same_thread=True)
        connection.execute(
            f"CREATE VIRTUAL TABLE texts USING fts5(text, tokenize = '{TOKENIZER}')"
        )
        _local.connection = connection
    return connection


def marked(texts: list[str], match: str) -> dict[int, str]:
    """{position in `texts`: the text with highlight sentinels} for the texts
    that `match` (FTS5 syntax) finds."""
    if not texts:
        return {}
    connection = _texts_table()
    with connection:
        connection.executemany(
            "INSERT INTO texts (rowid, text) VALUES (?, ?)",
            enumerate(texts, start=1),
        )
        rows = connection.execute(
            "SELECT rowid, highlight(texts, 0, ?, ?) FROM texts WHERE texts MATCH ?",
            (MARK_START, MARK_STOP, match),
        ).fetchall()
        connection.execute("DELETE FROM texts")
    return {rowid - 1: text for rowid, text in rows}
