"""Full-text search: one interface (base.SearchBackend), an engine per
database vendor, chosen by the connection in use.

The service layer keeps the index current through `index_publications()`
and `index_publications_on_commit()`; `manage.py rebuild_search_index`
rewrites it whole.
"""

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager

from django.db import connection, transaction

from .. import stats
from .base import (
    DOCUMENTS_KNOWN,
    DocumentTexts,
    SearchBackend,
    SearchFilters,
    SearchPage,
)

__all__ = [
    "DocumentTexts",
    "SearchBackend",
    "SearchFilters",
    "SearchPage",
    "cached_counts_stale",
    "counts_deferred",
    "get_backend",
    "index_publications",
    "index_publications_on_commit",
    "documents_ahead",
    "documents_known",
]


def get_backend() -> SearchBackend:
    """The engine for the default database's vendor."""
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend()
    raise NotImplementedError(f"No search engine for {connection.vendor}.")


def index_publications(publication_ids: Iterable[int]) -> None:
    """Rewrite these records' search documents now (removing any that are no
    longer published)."""
    get_backend().index(list(publication_ids))
    # Summaries cached from the old documents are stale now. The services
    # drop cached counts at commit too, but that runs before this does, and
    # a reader in between may have cached what the old index said.
    cached_counts_stale()


def cached_counts_stale() -> None:
    """Drop the cached counts and summaries (stats), now and at commit, or
    under counts_deferred() only at commit: until then readers cannot see
    the changes, and dropping them at each chunk of a long import would
    only make every reader recount the same figures."""
    from .counts import deferring

    if not connection.in_atomic_block:
        stats.invalidate()
        return
    if not deferring():
        stats.invalidate()
    transaction.on_commit(stats.invalidate)


def index_publications_on_commit(publication_ids: Iterable[int]) -> None:
    """Reindex once the current transaction commits, when authors, subjects
    and the rest of the record are saved too. A failure is logged, not
    raised: the record is saved, and a rebuild repairs the index."""
    ids = list(publication_ids)
    if ids:
        transaction.on_commit(lambda: index_publications(ids), robust=True)


def counts_deferred() -> AbstractContextManager[None]:
    """Around many index writes in one all-or-nothing transaction: the
    collection's kept counts are written once, on leaving (counts.py), and
    cached counts dropped once, at commit (cached_counts_stale)."""
    from .counts import deferred

    return deferred()


def documents_ahead(texts: Iterable[DocumentTexts]) -> dict[DocumentTexts, tuple]:
    """The documents of records with these texts, computed now, on this
    thread's connection, for a later index write in `documents_known`: a
    one-pass import computes a chunk's while the chunk before is written.
    Empty where the engine stores none."""
    return get_backend().documents(texts)


@contextmanager
def documents_known(known: dict[DocumentTexts, tuple]) -> Iterator[None]:
    """Index writes inside use these documents for records whose texts are
    the very texts they were computed from, instead of parsing those texts
    again."""
    token = DOCUMENTS_KNOWN.set(known)
    try:
        yield
    finally:
        DOCUMENTS_KNOWN.reset(token)
