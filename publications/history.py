"""Audit history tables indexed only for the queries that read them.

django-simple-history copies every field of a tracked model into its history
table with an index, and indexes each row's date. Each index costs an entry
for every history row, and a batch import writes dozens of history rows a
record (an author, a department link, a keyword link each have theirs). The
history is read by a record's id (its versions), by publication (the changes
to its authors, departments and links: admin/history.py) and by version (a
version's keywords and subjects, through history_id). Those columns keep
their indexes, and so does who made each change, which is not a copied field.
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
