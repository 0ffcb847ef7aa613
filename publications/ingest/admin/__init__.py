"""The import screens of the admin: upload a file or look up identifiers,
review the dry run row by row, apply, read the report; the batch list as the
audit of every import; harvest sources, the records harvested from them, and
affiliation rules."""

from . import batches, harvest_sources, rules, source_records

__all__ = ["batches", "harvest_sources", "rules", "source_records"]
