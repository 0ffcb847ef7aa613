"""Applying a plan: each row's chosen action written through
publications.services, its outcome recorded in the same transaction.

Rows are applied a chunk at a time: new records together through
publications_create_bulk, updates one by one through publication_save and
friends. References (people, keywords, venue) and identifiers are resolved
and checked again, since the catalogue may have changed since the plan.

- All or nothing: one transaction; the first row that fails rolls back
  everything, the batch is failed with that row's reason and every row
  stays pending, ready for a retry.
- Row by row: a transaction per chunk, with a savepoint around the chunk
  and, when it fails, around each of its rows, so a failure stays in its
  row. A retry goes on with the rows still pending.
"""

import logging
from collections.abc import Callable, Iterator, Sequence

from django.core.exceptions import ValidationError
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    connection,
    connections,
    transaction,
)
from django.db.models import Count
from django.utils import timezone

from publications import search
from publications.models import Authorship, Publication
from publications.services import (
    NewPublication,
    authorships_save,
    publication_links_save,
    publication_save,
    publications_create_bulk,
    references_create_bulk,
)

from . import diffs, sources
from .building import blocking_issues, new_publication
from .matching import lookup_chunk
from .models import ImportBatch, ImportRow
from .planning import CHUNK, UNCHANGED
from .records import issue_text, record_from_data
from .resolving import Resolver
from .rowwrites import outcomes_update

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], object] | None
# What a row's write may raise that says what was wrong with the row.
ROW_ERRORS = (ValidationError, DatabaseError)


class RowFailure(Exception):
    def __init__(self, row: ImportRow, reason: str):
        super().__init__(f"Row {row.row_number}: {reason}")
        self.row = row
        self.reason = reason


def pending_chunks(batch: ImportBatch, size: int) -> Iterator[list[ImportRow]]:
    """Pending rows in row order, by keyset: rows written on the way (their
    outcome) never shift the next chunk."""
    last = -1
    while True:
        chunk = list(
            batch.rows.filter(
                outcome=ImportRow.Outcome.PENDING, row_number__gt=last
            ).order_by("row_number")[:size]
        )
        if not chunk:
            return
        last = chunk[-1].row_number
        yield chunk


class Heartbeat:
    """Keeps heartbeat_at and progress_done current. Inside the one long
    transaction of an all-or-nothing apply, writes on PostgreSQL go through a
    connection of their own, or other sessions would not see them until the
    end and would think the batch was cut off."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.side = None
        long_transaction = batch.mode == ImportBatch.Mode.ALL_OR_NOTHING
        if long_transaction and connection.vendor == "postgresql":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)

    def beat(self, done: int) -> None:
        now = timezone.now()
        self.batch.heartbeat_at, self.batch.progress_done = now, done
        if self.side is not None and connection.in_atomic_block:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportBatch._meta.db_table} "  # noqa: S608 - a constant
                    "SET heartbeat_at = %s, progress_done = %s WHERE id = %s",
                    [now, done, self.batch.pk],
                )
        else:
            ImportBatch.objects.filter(pk=self.batch.pk).update(
                heartbeat_at=now, progress_done=done
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


class ChunkApplier:
    def __init__(
        self, batch: ImportBatch, *, user, status: str, resolver: Resolver | None = None
    ):
        self.batch = batch
        self.user = user
        self.status = status
        self.reason = f"Import #{batch.pk}"
        self.resolver = resolver or Resolver(for_writing=True)

    def apply(self, rows: list[ImportRow]) -> None:
        """Write `rows`, as read back from the plan, and save their outcomes.
        References and identifiers are resolved and checked again, since the
        catalogue may have changed since the plan. RowFailure (or a write's
        error) leaves the caller to roll back."""
        todo = [(row, record_from_data(row.record)) for row in rows if writes(row)]
        records = [record for _, record in todo]
        lookup = lookup_chunk(records, match=False)
        self.resolver.prefetch(records)
        resolved = []
        for row, record in todo:
            resolution = self.resolver.resolve(record)
            self._check(row, record, resolution, lookup)
            resolved.append((row, record, resolution))
        self.write(rows, resolved)
        outcomes_update(rows)

    def _check(self, row, record, resolution, lookup) -> None:
        match_id = row.match_id if row.action == ImportRow.Action.UPDATE else None
        if row.action == ImportRow.Action.UPDATE and match_id is None:
            raise RowFailure(row, "The record it was to update no longer exists.")
        problems = blocking_issues(
            record, resolution, lookup, publication_id=match_id, fields=False
        )
        if problems:
            raise RowFailure(
                row,
                "; ".join(
                    f"{p.field}: {p.message}" if p.field else p.message
                    for p in problems
                ),
            )

    def write(
        self,
        rows: list[ImportRow],
        resolved,
        created: Sequence[NewPublication] | None = None,
    ) -> None:
        """Write the rows set to create or update, given in `resolved` as
        (row, record, resolution), checked; set every row's outcome, unsaved.
        `created`, where made ahead: the new record of each row set to
        create, in order, checked by publications_check_bulk."""
        made = iter(created) if created is not None else None
        for row in rows:
            if not writes(row):
                unchanged = row.message == UNCHANGED and row.match_id
                row.outcome = (
                    ImportRow.Outcome.UNCHANGED
                    if unchanged
                    else ImportRow.Outcome.SKIPPED
                )
        creates, updates = [], []
        for row, record, resolution in resolved:
            if row.action == ImportRow.Action.CREATE:
                new = (
                    next(made)
                    if made is not None
                    else new_publication(record, resolution, status=self.status)
                )
                creates.append((row, record, new))
            else:
                updates.append((row, record, resolution))
        if creates:
            publications_create_bulk(
                records=[new for _, _, new in creates],
                user=self.user,
                reason=self.reason,
                checked=created is not None,
            )
            for row, _, new in creates:
                row.outcome = ImportRow.Outcome.CREATED
                row.publication = new.publication
                row.message = f"Created record #{new.publication.pk}."
        olds = diffs.snapshots(row.match_id for row, _, _ in updates)
        for row, record, resolution in updates:
            self._update(row, record, resolution, olds[row.match_id])
        # The next harvest finds these records by their source identifiers.
        sources.link(
            (record.source_id, row.publication_id)
            for row, record, *_ in (*creates, *updates)
        )

    def _update(self, row, record, resolution, old) -> None:
        changes = diffs.diff(old, diffs.incoming(record, resolution))
        row.publication_id = row.match_id
        if not changes:
            row.outcome, row.message = ImportRow.Outcome.UNCHANGED, UNCHANGED
            return
        publication = Publication.objects.select_for_update().get(pk=row.match_id)
        references_create_bulk(
            people=[a.person for a in resolution.authors]
            if "authors" in changes
            else (),
            person_departments=[
                (a.person, d) for a in resolution.authors for d in a.departments
            ],
            keywords=resolution.keywords if "keywords" in changes else (),
            venues=[resolution.venue] if "venue" in changes else (),
        )
        _set_fields(publication, record, resolution, changes)
        if "authors" in changes:
            authorships_save(
                publication=publication,
                authorships=[
                    Authorship(
                        person=a.person,
                        name_as_printed=a.name_as_printed,
                        affiliation=a.affiliation,
                        corresponding=a.corresponding,
                    )
                    for a in resolution.authors
                ],
                deleted=list(publication.authorships.all()),
                user=self.user,
            )
        publication_links_save(
            publication=publication,
            departments=resolution.departments if "departments" in changes else None,
            subjects=resolution.subjects if "subjects" in changes else None,
            keywords=resolution.keywords if "keywords" in changes else None,
            full_text=changes["full_text"]["new"] if "full_text" in changes else None,
            user=self.user,
        )
        publication_save(publication=publication, user=self.user, reason=self.reason)
        row.outcome = ImportRow.Outcome.UPDATED
        row.message = "Updated: " + ", ".join(changes) + "."


def writes(row: ImportRow) -> bool:
    """Whether the row is set to create or update a record."""
    return row.action != ImportRow.Action.SKIP and bool(row.record)


def _set_fields(publication, record, resolution, changes) -> None:
    for name in changes:
        if name == "publication_date":
            date = record.publication_date
            publication.pub_year, publication.pub_month, publication.pub_day = (
                date.year,
                date.month,
                date.day,
            )
        elif name == "document_type":
            publication.document_type = resolution.document_type
        elif name == "venue":
            publication.venue = resolution.venue
        elif name in diffs.SCALARS:
            setattr(publication, name, getattr(record, name))


def start(batch: ImportBatch, user) -> ImportBatch:
    """Check the batch can be applied and mark it applying, under a row lock
    so two applies of one batch cannot both start."""
    from .services import batch_is_interrupted

    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.counts.get("plan_failed") or locked.status in (
            ImportBatch.Status.QUEUED,
            ImportBatch.Status.PLANNING,
        ):
            raise ValidationError("The batch has no complete plan: check it first.")
        if locked.status == ImportBatch.Status.APPLIED:
            raise ValidationError("The batch is already applied.")
        if locked.status == ImportBatch.Status.APPLYING and not batch_is_interrupted(
            locked
        ):
            raise ValidationError("The batch is being applied now.")
        if locked.mode == ImportBatch.Mode.ALL_OR_NOTHING:
            _refuse_blocked(locked)
        locked.status = ImportBatch.Status.APPLYING
        locked.applied_by = user if getattr(user, "pk", None) else None
        locked.started_at = locked.heartbeat_at = timezone.now()
        locked.finished_at = None
        locked.failure = ""
        locked.progress_done = 0
        locked.progress_total = locked.rows.filter(
            outcome=ImportRow.Outcome.PENDING
        ).count()
        locked.save()
    # The caller's instance follows the batch, as with batch_plan.
    batch.refresh_from_db()
    return batch


def _refuse_blocked(batch: ImportBatch) -> None:
    blocked = []
    rows = (
        batch.rows.filter(
            outcome=ImportRow.Outcome.PENDING,
            action__in=[ImportRow.Action.CREATE, ImportRow.Action.UPDATE],
        )
        .order_by("row_number")
        .values_list("row_number", "issues")
    )
    for number, issues in rows.iterator(chunk_size=2000):
        blocked += [issue_text(number, i) for i in issues if i.get("blocking")]
    if blocked:
        shown = "\n".join(blocked[:20])
        more = f"\n... and {len(blocked) - 20} more." if len(blocked) > 20 else ""
        raise ValidationError(
            f"Nothing was applied: {len(blocked)} problem(s) in rows set to be "
            f"written would fail the whole batch. Set those rows to skip, or apply "
            f"row by row.\n{shown}{more}"
        )


def apply(
    *,
    batch: ImportBatch,
    user,
    progress: Progress = None,
    status: str = Publication.Status.PUBLISHED,
    chunk_size: int = CHUNK,
) -> ImportBatch:
    batch = start(batch, user)
    applier = ChunkApplier(batch, user=user, status=status)
    heartbeat = Heartbeat(batch)
    try:
        if batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
            failure = _apply_all(batch, applier, heartbeat, progress, chunk_size)
        else:
            failure = _apply_per_row(batch, applier, heartbeat, progress, chunk_size)
    except Exception as error:
        logger.exception("Applying import batch %s failed", batch.pk)
        failure = f"The batch could not be applied: {error}"
    finally:
        heartbeat.close()
    return finish(batch, failure)


def _apply_all(batch, applier, heartbeat, progress, chunk_size) -> str:
    done = 0
    try:
        with transaction.atomic(), search.counts_deferred():
            for chunk in pending_chunks(batch, chunk_size):
                applier.apply(chunk)
                # A failure later rolls back the whole batch and this
                # applier with it: what it created need not be remembered
                # (a list that would otherwise grow with the file).
                applier.resolver.forget_saved()
                done += len(chunk)
                heartbeat.beat(done)
                if progress:
                    progress(done, batch.progress_total)
    except RowFailure as failure:
        ImportRow.objects.filter(pk=failure.row.pk).update(
            message=f"Failed, so nothing was applied: {failure.reason}"
        )
        return (
            f"Nothing was applied: row {failure.row.row_number} failed: "
            f"{failure.reason}"
        )
    except ROW_ERRORS as error:
        return f"Nothing was applied: {_reason(error)}"
    return ""


def _apply_per_row(batch, applier, heartbeat, progress, chunk_size) -> str:
    done = 0
    for chunk in pending_chunks(batch, chunk_size):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    applier.apply(chunk)
            except (RowFailure, *ROW_ERRORS):
                applier.resolver.forget_rolled_back()
                for row in chunk:
                    _apply_one(applier, row)
            applier.resolver.forget_saved()
            done += len(chunk)
            heartbeat.beat(done)
        if progress:
            progress(done, batch.progress_total)
    return ""


def _apply_one(applier: ChunkApplier, row: ImportRow) -> None:
    row.outcome, row.publication = ImportRow.Outcome.PENDING, None
    try:
        with transaction.atomic():
            applier.apply([row])
    except RowFailure as failure:
        reason = failure.reason
    except ROW_ERRORS as error:
        reason = _reason(error)
    else:
        applier.resolver.forget_saved()
        return
    applier.resolver.forget_rolled_back()
    row.outcome, row.message, row.publication = ImportRow.Outcome.FAILED, reason, None
    row.save(update_fields=["outcome", "message", "publication"])


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def outcome_counts(batch: ImportBatch) -> dict[str, int]:
    counts = dict.fromkeys(ImportRow.Outcome.values, 0)
    for outcome, n in (
        batch.rows.order_by().values_list("outcome").annotate(n=Count("pk"))
    ):
        counts[outcome] = n
    return counts


def finish(batch: ImportBatch, failure: str) -> ImportBatch:
    batch.counts = {**batch.counts, **outcome_counts(batch)}
    batch.failure = failure
    batch.status = ImportBatch.Status.FAILED if failure else ImportBatch.Status.APPLIED
    batch.finished_at = batch.heartbeat_at = timezone.now()
    batch.save()
    return batch
