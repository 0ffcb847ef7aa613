"""The curators' admin at /admin/: records with their authors, departments and
links, batch actions, CSV export and audit history; and the people, venues,
keywords and taxonomy records point to."""

from . import catalogue, publication

__all__ = ["catalogue", "publication"]
