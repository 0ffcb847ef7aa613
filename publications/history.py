"""Audit history tables indexed only for the queries that read them.

django-simple-history copies every field of a tracked model into its history
table with an index, and indexes each row's date. Each index costs an entry
for every history row, and a batch import writes dozens of history rows a
record (an author, a department link, a keyword link each have theirs), while
the history is read in two ways only: a record's versions by its id, and the
changes to its authors, departments and links by their publication
(admin/history.py). The keywords and subjects of a version are read through
the version (history_id, indexed as a foreign key).
"""

from simple_history.models import HistoricalRecords


class AuditHistory(HistoricalRecords):
    """HistoricalRecords whose copied fields are indexed only where named in
    `indexed`; the copies of a many-to-many table are not indexed."""

    def __init__(self, *args, indexed: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.indexed = indexed

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        # An auto-created model is a many-to-many table's (m2m_fields).
        kept = () if model._meta.auto_created else self.indexed
        for name, field in fields.items():
            if name not in kept:
                field.db_index = False
        return fields
