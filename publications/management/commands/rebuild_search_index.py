"""manage.py rebuild_search_index: rewrite the search index from the
published records (after a bulk load, an upgrade, or to repair it)."""

import time

from django.core.management.base import BaseCommand

from publications import stats
from publications.management.progress import command_progress
from publications.search import get_backend


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index from every published record. "
        "Search keeps answering from the old index until the new one is ready "
        "(PostgreSQL); records saved meanwhile are caught up at the end."
    )

    def handle(self, *args, verbosity, **options):
        backend = get_backend()
        started = time.monotonic()
        count = backend.rebuild(progress=command_progress(self, verbosity))
        stats.invalidate()  # cached summaries came from the old index
        self.stdout.write(
            f"Indexed {count:,} published record{'s' if count != 1 else ''} "
            f"({backend.vendor}) in {time.monotonic() - started:.1f} s."
        )
