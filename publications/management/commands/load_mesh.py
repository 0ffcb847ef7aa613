"""manage.py load_mesh PATH: MeSH headings as controlled keywords."""

from django.core.management.base import BaseCommand, CommandError

from publications.loaders.base import LoadError
from publications.loaders.mesh import BATCH_SIZE, mesh_load
from publications.management.progress import command_progress


class Command(BaseCommand):
    help = (
        "Load MeSH headings as keywords (vocabulary “mesh”) from a CSV with columns "
        "name and descriptor_ui_2017 (other columns are ignored). Safe to run "
        "again: headings are matched by descriptor UI, else by name. A bad row "
        "stops the load before anything is written; rows are numbered as in a "
        "spreadsheet (header = 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"rows per bulk insert or update (default {BATCH_SIZE})",
        )

    def handle(self, *args, path, batch_size, verbosity, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            report = mesh_load(
                path, progress=command_progress(self, verbosity), batch_size=batch_size
            )
        except LoadError as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(report.summary())
