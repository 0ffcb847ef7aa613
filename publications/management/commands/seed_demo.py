"""manage.py seed_demo --count N --seed S: the seed record and N demo records."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from publications.demo.load import BATCH_SIZE, demo_load
from publications.management.progress import command_progress


class Command(BaseCommand):
    help = (
        "Load the seed record, then N generated records of a medical school's "
        "faculty publications, with authors, departments, disciplines, keywords "
        "and venues. The same --seed on the same starting database gives the same "
        "data. Run again, it adds N more records, numbered after the highest demo "
        "record already there (DOI 10.5555/demo.<number>), so identifiers never "
        "clash. Disciplines and MeSH headings are used when loaded "
        "(load_disciplines, load_mesh); otherwise built-in lists are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, default=1000, help="records to add (default 1000)"
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (default 1)"
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"records written per transaction (default {BATCH_SIZE})",
        )
        parser.add_argument(
            "--no-search-index",
            action="store_true",
            help="leave the search index as it is (run rebuild_search_index later); "
            "bulk writes bypass the service layer that keeps it current",
        )

    def handle(
        self, *args, count, seed, batch_size, no_search_index, verbosity, **options
    ):
        if count < 0:
            raise CommandError("--count must be 0 or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        report = demo_load(
            count=count,
            seed=seed,
            batch_size=batch_size,
            progress=command_progress(self, verbosity),
        )
        self.stdout.write(report.summary())
        if not no_search_index:
            call_command("rebuild_search_index", verbosity=verbosity)
