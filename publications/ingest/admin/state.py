"""How a batch's state reads to a curator: still running, or failed (which
includes a batch whose job was cut off by a server restart)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import ImportBatch
from ..services import batch_is_interrupted

Status = ImportBatch.Status
RUNNING = (Status.QUEUED, Status.PLANNING, Status.APPLYING)


def never_started(batch: ImportBatch) -> bool:
    """Queued, and the job that was to pick it up never did (the server
    stopped in between)."""
    if batch.status != Status.QUEUED or batch.heartbeat_at is not None:
        return False
    stale = timedelta(seconds=settings.INGEST_STALE_SECONDS)
    return batch.created_at < timezone.now() - stale


def is_interrupted(batch: ImportBatch) -> bool:
    return never_started(batch) or (
        batch.status in RUNNING and batch_is_interrupted(batch)
    )


def is_failed(batch: ImportBatch) -> bool:
    return batch.status == Status.FAILED or is_interrupted(batch)


def is_running(batch: ImportBatch) -> bool:
    return batch.status in RUNNING and not is_interrupted(batch)


def status_label(batch: ImportBatch) -> str:
    if is_interrupted(batch):
        return f"Failed (interrupted while {batch.get_status_display().lower()})"
    return batch.get_status_display()


PLAN_COUNTS = (
    ("rows", "rows"),
    ("create", "new"),
    ("update", "to update"),
    ("unchanged", "unchanged"),
    ("skip", "to skip"),
    ("errors", "with errors"),
    ("warnings", "with warnings"),
)
OUTCOME_COUNTS = (
    ("created", "created"),
    ("updated", "updated"),
    ("unchanged", "unchanged"),
    ("skipped", "skipped"),
    ("failed", "failed"),
    ("pending", "pending"),
)


def count_items(batch: ImportBatch) -> list[tuple[str, int]]:
    """(label, number) of the batch's counts worth showing: what applying
    did once it has run, else what the plan found."""
    counts = batch.counts or {}
    labels = OUTCOME_COUNTS if "created" in counts else PLAN_COUNTS
    return [
        (label, counts[key])
        for key, label in labels
        if isinstance(counts.get(key), int) and (counts[key] or key == "rows")
    ]
