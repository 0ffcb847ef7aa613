"""Planning (the dry run) and applying import batches: within the request
for small batches, so the curator sees the preview at once, and in a
background thread for large ones, whose page refreshes until they are done.

Threads are enough here: the work is database and network waiting, and all
the state a job needs lives in the database, not in the process. A server
restart kills a running thread; its batch keeps the status "planning" or
"applying" with a heartbeat that stops moving, which
`services.batch_is_interrupted` reads as failed, and `retry` runs the step
again: planning plans again; applying resumes the rows still pending (row by
row), or applies everything again (all or nothing, whose transaction was
rolled back with the process).

A job that raises records the reason on its batch (status failed, `failure`
the exception's message; the traceback goes to the log, not the curator).
A refusal (the services' ValidationError: the batch is being applied
already, rows set to be written have problems) changes nothing and is
reported to whoever asked.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from . import services
from .models import HarvestSource, ImportBatch

logger = logging.getLogger(__name__)

# The file a lookup batch keeps its identifiers in, so a retry asks again.
LOOKUP_FILENAME = "identifiers.txt"

_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


@dataclass(frozen=True)
class Started:
    """What became of a request to plan or apply: whether it went to the
    background, and why it was refused if it was."""

    background: bool = False
    refused: str = ""


def failure_message(error: Exception) -> str:
    """What the curator reads: the reason, never a traceback (that is logged)."""
    return str(error) or type(error).__name__


def _record_failure(batch_id: int, step: str, error: Exception) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    now = timezone.now()
    batch.status = ImportBatch.Status.FAILED
    batch.failure = failure_message(error)
    batch.finished_at = batch.heartbeat_at = now
    if step == "plan":
        # As the services mark a plan that failed: retrying plans again.
        batch.counts = {**batch.counts, "plan_failed": True}
    batch.save(
        update_fields=["status", "failure", "finished_at", "heartbeat_at", "counts"]
    )


def _execute(step: str, batch_id: int, work: Callable[[], object]) -> str:
    """Run one step; the refusal's message, or ""."""
    try:
        work()
    except ValidationError as refusal:
        logger.info("Import batch %s: %s refused: %s", batch_id, step, refusal)
        return " ".join(refusal.messages)
    except Exception as error:
        logger.exception("Import batch %s: %s failed", batch_id, step)
        _record_failure(batch_id, step, error)
    return ""


def _in_thread(step: str, batch_id: int, work: Callable[[], object]) -> None:
    try:
        _execute(step, batch_id, work)
    finally:
        # The thread's own database connection; nobody else would close it.
        connection.close()


def _start(step: str, batch: ImportBatch, work, *, background: bool) -> Started:
    if not background:
        return Started(refused=_execute(step, batch.pk, work))
    thread = threading.Thread(
        target=_in_thread,
        args=(step, batch.pk, work),
        name=f"import-{batch.pk}-{step}",
        # A restart does not wait for it: the batch is left interrupted.
        daemon=True,
    )
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()
    return Started(background=True)


def wait(timeout: float | None = None) -> None:
    """Wait for the jobs this process started (tests; a clean shutdown)."""
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(timeout)


# The dry run ------------------------------------------------------------------


def _file_size(batch: ImportBatch) -> int:
    try:
        return batch.file.size if batch.file else 0
    except OSError:
        return 0


def plan_file(batch: ImportBatch) -> Started:
    """Check an uploaded file. A bulk-edit spreadsheet proposes to update
    the records its ids name; other files propose to skip matches, which the
    curator may set to update row by row."""

    def work():
        services.batch_plan(
            batch=ImportBatch.objects.get(pk=batch.pk),
            update_matched=batch.source == ImportBatch.Source.BULK_EDIT,
        )

    background = _file_size(batch) > settings.INGEST_BACKGROUND_BYTES
    return _start("plan", batch, work, background=background)


def lookup_create(*, identifiers: list[str], user, mode: str) -> ImportBatch:
    """A lookup batch, keeping its identifiers (one a line, so row numbers
    are lines) for a retry to ask again."""
    batch = services.batch_create(
        file=None,
        filename=f"{len(identifiers)} identifier{'s' if len(identifiers) != 1 else ''}",
        user=user,
        mode=mode,
        source=ImportBatch.Source.LOOKUP,
    )
    batch.file.save(LOOKUP_FILENAME, ContentFile("\n".join(identifiers).encode()))
    return batch


def lookup_identifiers(batch: ImportBatch) -> list[str]:
    with batch.file.open("rb") as file:
        return file.read().decode().splitlines()


def plan_lookup(batch: ImportBatch) -> Started:
    """Look the identifiers up at Crossref and NCBI and check the records;
    in the background past INGEST_BACKGROUND_ROWS identifiers (each DOI is
    a request of its own)."""
    from .fetchers import fetch_records

    try:
        identifiers = lookup_identifiers(batch)
    except (OSError, ValueError):
        logger.exception("Import batch %s: its identifiers cannot be read", batch.pk)
        _record_failure(
            batch.pk,
            "plan",
            ValueError(
                "The list of identifiers is no longer stored; look them up again."
            ),
        )
        return Started()

    def work():
        services.batch_plan(
            batch=ImportBatch.objects.get(pk=batch.pk),
            items=fetch_records(identifiers),
        )

    background = len(identifiers) > settings.INGEST_BACKGROUND_ROWS
    return _start("plan", batch, work, background=background)


def harvest_create(*, source: HarvestSource, user) -> ImportBatch:
    batch = services.batch_create(
        file=None,
        filename=source.name,
        user=user,
        source=ImportBatch.Source.HARVEST,
    )
    batch.harvest_source = source
    batch.save(update_fields=["harvest_source"])
    return batch


def plan_harvest(batch: ImportBatch) -> Started:
    """Harvest what changed at the source since its last harvest and check
    it; always in the background, since its size is not known beforehand.
    Only a harvest that read the whole list remembers where the next one
    starts."""
    from .harvest import harvest

    def work():
        current = ImportBatch.objects.select_related("harvest_source").get(pk=batch.pk)
        source = current.harvest_source
        if source is None:
            raise ValueError("The harvest source of this batch has been deleted.")
        records = harvest(
            source.base_url,
            metadata_prefix=source.metadata_prefix,
            set_spec=source.set_spec,
            from_=source.harvested_until,
        )
        current = services.batch_plan(batch=current, items=records, update_matched=True)
        # Only a harvest that read the whole list may move its source on; a
        # replanned batch forgets what an earlier harvest reached.
        current.harvested_until = records.response_date if records.succeeded else None
        current.save(update_fields=["harvested_until"])

    return _start("plan", batch, work, background=True)


def plan(batch: ImportBatch) -> Started:
    """The dry run of a batch of any source."""
    if batch.source == ImportBatch.Source.HARVEST:
        return plan_harvest(batch)
    if batch.source == ImportBatch.Source.LOOKUP:
        return plan_lookup(batch)
    return plan_file(batch)


# Applying ---------------------------------------------------------------------


def pending_rows(batch: ImportBatch) -> int:
    return batch.rows.filter(outcome=batch.rows.model.Outcome.PENDING).count()


def apply(batch: ImportBatch, *, user) -> Started:
    """Write the batch's rows to the catalogue. A harvest applied in full
    moves its source's `harvested_until` to the harvest's responseDate."""

    def work():
        current = ImportBatch.objects.get(pk=batch.pk)
        applied = services.batch_apply(batch=current, user=user)
        if (
            applied.status == ImportBatch.Status.APPLIED
            and applied.harvest_source_id
            and applied.harvested_until
        ):
            HarvestSource.objects.filter(pk=applied.harvest_source_id).update(
                harvested_until=applied.harvested_until
            )

    background = pending_rows(batch) > settings.INGEST_BACKGROUND_ROWS
    return _start("apply", batch, work, background=background)


# Retrying ---------------------------------------------------------------------


def failed_step(batch: ImportBatch) -> str:
    """The step a failed or interrupted batch was in: "plan" or "apply"."""
    if batch.status == ImportBatch.Status.APPLYING:
        return "apply"
    if batch.status == ImportBatch.Status.FAILED and not batch.counts.get(
        "plan_failed"
    ):
        return "apply"
    return "plan"


def retry(batch: ImportBatch, *, user) -> Started:
    if failed_step(batch) == "plan":
        return plan(batch)
    return apply(batch, user=user)
