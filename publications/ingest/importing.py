"""Importing a file in one pass, for a batch confirmed before it is read
(`manage.py import_records` without --dry-run): each chunk is planned and
written at once. A plan followed by an apply reads every row back, parses
its record again and resolves it again; here each record is read, matched
and resolved once.

The pass leaves what a plan followed by an apply would: the same rows,
actions, issues and outcomes, written with the catalogue in one
transaction, as an all-or-nothing apply writes it. It goes on only while
every row can be written: a row the plan would block, a write that fails,
or a file without a record rolls the pass back, and `batch_import` returns
None for the caller to plan and apply the batch in two steps, whose report
says what was wrong.

Others see nothing of the pass until it commits, so the batch reads as
being checked until then; cut off, it is checked again on retry.
"""

import logging
from dataclasses import dataclass, field
from functools import partial

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from publications import search
from publications.gcpace import bulk_gc
from publications.models import Publication
from publications.services import NewPublication, publications_check_bulk

from . import planning
from .ahead import PlannedAhead
from .applying import ChunkApplier, Heartbeat, finish, writes
from .building import document_texts, new_publication
from .models import ImportBatch, ImportRow
from .reading import FileIssues, input_rows
from .resolving import Resolver
from .rowwrites import json_values, rows_insert

logger = logging.getLogger(__name__)


class TwoSteps(Exception):
    """The batch cannot be imported in one pass: plan and apply it."""


def batch_import(
    *,
    batch: ImportBatch,
    user,
    progress: planning.Progress = None,
    status: str = Publication.Status.PUBLISHED,
    update_matched: bool = False,
) -> ImportBatch | None:
    """Plan and apply a new file batch of mode "all" in one pass; the batch,
    applied. None, with the batch queued as it came, when it must be planned
    and applied in two steps (batch_plan, batch_apply): a batch of another
    mode or source, or one whose pass was rolled back."""
    if (
        batch.mode != ImportBatch.Mode.ALL_OR_NOTHING
        or batch.source != ImportBatch.Source.FILE
        or not batch.file
        or not _start(batch)
    ):
        return None
    heartbeat = Heartbeat(batch)
    ahead = plans_ahead()
    try:
        with bulk_gc(), transaction.atomic(), search.counts_deferred():
            return _pass(
                batch, user, heartbeat, progress, status, update_matched, ahead
            )
    except TwoSteps:
        pass
    except Exception:
        # The two steps meet the same problem and report it row by row.
        logger.warning("Import batch %s goes in two steps", batch.pk, exc_info=True)
    finally:
        heartbeat.close()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.QUEUED, started_at=None, heartbeat_at=None
    )
    batch.refresh_from_db()
    return None


def _start(batch: ImportBatch) -> bool:
    """Mark a queued batch as being checked, under its row's lock."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatch.Status.QUEUED:
            return False
        batch.status = ImportBatch.Status.PLANNING
        batch.started_at = batch.heartbeat_at = timezone.now()
        batch.save(update_fields=["status", "started_at", "heartbeat_at"])
    return True


def _pass(
    batch, user, heartbeat, progress, status, update_matched, ahead
) -> ImportBatch:
    resolver = Resolver()
    # Rows are matched in the catalogue as it was before the pass, as a plan
    # made before an apply matches them; this pass's records have ids above
    # any written before it.
    last = Publication.objects.aggregate(last=Max("pk"))["last"]
    planner = planning.ChunkPlanner(
        batch,
        update_matched=update_matched,
        resolver=resolver,
        matching_below=(last or 0) + 1,
        check_fields=False,
    )
    applier = ChunkApplier(batch, user=user, status=status, resolver=resolver)
    file_issues = FileIssues()
    counts = planning.new_counts()
    chunks = planning.chunks(
        input_rows(planning.batch_items(batch, None), file_issues), planning.CHUNK
    )
    planned_chunks = (
        PlannedAhead(planner, chunks, partial(_prepared, status=status))
        if ahead
        else _PlannedInTurn(planner, chunks)
    )
    try:
        for chunk, planned, replaced, prepared in planned_chunks:
            rows = [row for row, _ in planned]
            if replaced or any(map(_blocked, rows)):
                raise TwoSteps
            with search.documents_known(prepared.documents):
                applier.write(
                    rows,
                    [
                        (row, given.record, resolution)
                        for (row, resolution), given in zip(planned, chunk, strict=True)
                        if writes(row)
                    ],
                    prepared.created,
                )
            rows_insert(rows, prepared.encoded)
            for row in rows:
                planning.count(counts, row)
            heartbeat.beat(counts["rows"])
            if progress:
                progress(counts["rows"], None)
    finally:
        planned_chunks.close()
    if not counts["records"]:
        raise TwoSteps
    planning.finish(batch, counts, file_issues, failure="")
    batch.applied_by = user if getattr(user, "pk", None) else None
    return finish(batch, failure="")


def plans_ahead() -> bool:
    """Whether a pass plans each chunk while the one before is written
    (ahead.py): on PostgreSQL, when the pass is a transaction of its own.
    Inside a caller's transaction, a second connection would not see what
    the caller wrote."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


@dataclass
class Prepared:
    """What the write of a planned chunk needs that can be made beforehand."""

    # The new records of the rows set to create, checked; None: made when
    # written.
    created: list[NewPublication] | None = None
    documents: dict = field(default_factory=dict)
    encoded: list | None = None  # the rows' JSON columns (rowwrites)


def _prepared(chunk, planned, *, status: str) -> Prepared:
    """Made by the planning thread, on its connection, while the chunk
    before is written: the records the chunk creates, checked (a record
    that fails its check ends the pass, for the two steps to name its
    field), their search documents (parsing their texts was over half the
    database's work in indexing them), and the rows' JSON."""
    if any(_blocked(row) for row, _ in planned):
        return Prepared()  # the pass ends at this chunk
    created = [
        new_publication(given.record, resolution, status=status)
        for (row, resolution), given in zip(planned, chunk, strict=True)
        if row.action == ImportRow.Action.CREATE and writes(row)
    ]
    publications_check_bulk(created)
    return Prepared(
        created=created,
        documents=search.documents_ahead(map(document_texts, created)),
        encoded=json_values([row for row, _ in planned]),
    )


class _PlannedInTurn:
    """Each chunk planned when it is wanted, in this thread; the search
    documents are left to the write, as there is no other connection to
    compute them on."""

    def __init__(self, planner, chunks):
        self._planner, self._chunks = planner, chunks

    def __iter__(self):
        for chunk in self._chunks:
            planned = self._planner.plan_resolved(chunk)
            yield chunk, planned, self._planner.take_replaced(), Prepared()

    def close(self) -> None:
        self._chunks.close()


def _blocked(row: ImportRow) -> bool:
    return writes(row) and any(i.get("blocking") for i in row.issues)
