"""manage.py load_disciplines PATH: the three-tier discipline taxonomy."""

from django.core.management.base import BaseCommand, CommandError

from publications.loaders.base import LoadError
from publications.loaders.disciplines import disciplines_load
from publications.management.progress import command_progress


class Command(BaseCommand):
    help = (
        "Load the Digital Commons three-tier discipline taxonomy from a CSV with "
        "columns tier1,tier2,tier3,level,source. Safe to run again: existing "
        "disciplines are matched by their place in the tree, and a source of "
        "“renamed YYYY (was: X)” renames X. A bad row stops the load before "
        "anything is written; rows are numbered as in a spreadsheet (header = 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file")

    def handle(self, *args, path, verbosity, **options):
        try:
            report = disciplines_load(path, progress=command_progress(self, verbosity))
        except LoadError as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(report.summary())
        if verbosity >= 1:
            for note in report.notes:
                self.stdout.write(note)
