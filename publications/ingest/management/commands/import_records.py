"""manage.py import_records PATH: check a file of records and import it, as
the admin's import screen does, keeping the run as an ImportBatch."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from tqdm import tqdm

from publications.importers import PARSERS
from publications.ingest.importing import batch_import
from publications.ingest.models import ImportBatch, ImportRow
from publications.ingest.records import issue_text
from publications.ingest.services import batch_apply, batch_create, batch_plan
from publications.models import Publication

MODES = {"all": ImportBatch.Mode.ALL_OR_NOTHING, "per-row": ImportBatch.Mode.PER_ROW}
ERRORS_SHOWN = 200
PLAN_COUNTS = ("rows", "create", "update", "unchanged", "skip", "errors")
OUTCOME_COUNTS = ("created", "updated", "unchanged", "skipped", "failed")


class Command(BaseCommand):
    help = (
        "Import publications from a file: PubMed XML, RIS, BibTeX, Crossref JSON "
        "or a Digital Commons batch spreadsheet (CSV/XLSX). Each record is matched "
        "against the catalogue (record id, DOI, PubMed ID, title and year); new "
        "ones are created, matches skipped (or updated with --update). With "
        "--dry-run nothing is written to the catalogue: the report says what would "
        "happen. Every run is kept as an import batch."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to import")
        parser.add_argument(
            "--format",
            choices=sorted(PARSERS),
            help="the file's format (default: guessed from its name and content)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--mode",
            choices=sorted(MODES),
            default="all",
            help="all: one failing row leaves the catalogue as it was (default); "
            "per-row: apply what can be applied and report the rest",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="update records that match (by record id, identifier or exact "
            "title) instead of skipping them",
        )
        parser.add_argument("--user", help="the username the import is recorded for")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="create new records as drafts instead of published",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        user = self._user(options["user"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        verbosity = options["verbosity"]
        with path.open("rb") as stream:
            try:
                batch = batch_create(
                    file=File(stream, name=path.name),
                    filename=path.name,
                    user=user,
                    mode=MODES[options["mode"]],
                    format=options["format"] or "",
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None

        draft = options["draft"]
        status = Publication.Status.DRAFT if draft else Publication.Status.PUBLISHED
        if not options["dry_run"]:
            with self._bar("Importing", None, verbosity) as bar:
                imported = batch_import(
                    batch=batch,
                    user=user,
                    progress=_updater(bar),
                    update_matched=options["update"],
                    status=status,
                )
            if imported is not None:
                self._applied(imported)
                return

        with self._bar("Checking", None, verbosity) as bar:
            batch = batch_plan(
                batch=batch,
                progress=_updater(bar),
                update_matched=options["update"],
            )
        if batch.status == ImportBatch.Status.FAILED:
            self._file_issues(batch)
            raise CommandError(f"Import #{batch.pk}: {batch.failure}")

        if options["dry_run"]:
            self._report(batch, planned=True)
            keys = ("create", "update", "unchanged")
            applicable = sum(batch.counts.get(k, 0) for k in keys)
            if not applicable and batch.counts.get("errors"):
                raise CommandError(
                    f"Import #{batch.pk} (dry run): no row could be applied."
                )
            return

        pending = batch.rows.filter(outcome=ImportRow.Outcome.PENDING).count()
        with self._bar("Importing", pending, verbosity) as bar:
            try:
                batch = batch_apply(
                    batch=batch, user=user, progress=_updater(bar), status=status
                )
            except ValidationError as error:
                self._report(batch, planned=True)
                raise CommandError(
                    f"Import #{batch.pk}: " + "\n".join(error.messages)
                ) from None
        self._applied(batch)

    def _applied(self, batch: ImportBatch) -> None:
        self._report(batch, planned=False)
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(f"Import #{batch.pk}: {batch.failure}")
        written = sum(batch.counts.get(k, 0) for k in ("created", "updated"))
        if (
            not written
            and not batch.counts.get("unchanged")
            and (batch.counts.get("failed") or batch.counts.get("errors"))
        ):
            raise CommandError(f"Import #{batch.pk}: no row could be applied.")

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user “{username}”.") from None

    def _bar(self, desc: str, total, verbosity: int):
        return tqdm(
            total=total,
            desc=desc,
            unit=" rows",
            file=getattr(self.stderr, "_out", sys.stderr),
            disable=verbosity < 1,
            mininterval=0.5,
        )

    def _file_issues(self, batch: ImportBatch) -> None:
        for issue in batch.issues:
            self.stdout.write(issue_text(issue.get("row"), issue))

    def _report(self, batch: ImportBatch, *, planned: bool) -> None:
        counts = batch.counts
        title = f"Import #{batch.pk} of {batch.filename}"
        if planned:
            n = {k: f"{counts.get(k, 0):,}" for k in PLAN_COUNTS}
            self.stdout.write(
                f"{title} (dry run, nothing written): {n['rows']} rows; would "
                f"create {n['create']}, update {n['update']}; unchanged "
                f"{n['unchanged']}; skip {n['skip']}; rows with errors {n['errors']}."
            )
        else:
            n = {k: f"{counts.get(k, 0):,}" for k in OUTCOME_COUNTS}
            self.stdout.write(
                f"{title}: created {n['created']}, updated {n['updated']}, "
                f"unchanged {n['unchanged']}, skipped {n['skipped']}, "
                f"failed {n['failed']}."
            )
        self._file_issues(batch)
        shown = 0
        rows = (
            batch.rows.filter(~Q(issues=[]) | Q(outcome=ImportRow.Outcome.FAILED))
            .order_by("row_number")
            .values_list("row_number", "issues", "outcome", "message")
        )
        for number, issues, outcome, message in rows.iterator(chunk_size=1000):
            lines = [
                issue_text(number, issue)
                for issue in issues
                if issue.get("severity") == "error"
            ]
            if outcome == ImportRow.Outcome.FAILED:
                lines.append(f"Row {number}: failed: {message}")
            for line in lines:
                if shown < ERRORS_SHOWN:
                    self.stdout.write(line)
                shown += 1
        if shown > ERRORS_SHOWN:
            self.stdout.write(f"... and {shown - ERRORS_SHOWN:,} more errors.")


def _updater(bar):
    state = {"done": 0}

    def progress(done: int, total: int | None) -> None:
        bar.update(done - state["done"])
        state["done"] = done

    return progress
