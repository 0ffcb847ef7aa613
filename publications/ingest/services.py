"""Imports, as the admin screens, background jobs and `manage.py
import_records` drive them: create a batch from a file, plan it (the dry
run), let the curator choose per row, apply it.

    batch = batch_create(file=upload, filename=upload.name, user=request.user)
    batch_plan(batch=batch)                      # nothing written to the catalogue
    batch_set_actions(batch=batch, actions={7: "update", 9: "skip"})
    batch_apply(batch=batch, user=request.user)

Matching, resolution, diffs, planning and applying live in their own modules
(matching.py, resolving.py, diffs.py, planning.py, applying.py).
"""

import datetime
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from publications.gcpace import bulk_gc
from publications.importers import (
    HEAD_SIZE,
    ImportIssue,
    NormalisedRecord,
    UnknownFormatError,
    get_parser,
    guess_format,
)
from publications.models import Publication

from . import applying, planning
from .models import ImportBatch, ImportRow
from .records import record_from_data

Progress = Callable[[int, int | None], object] | None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def batch_create(
    *,
    file,
    filename: str,
    user,
    mode: str = ImportBatch.Mode.ALL_OR_NOTHING,
    format: str = "",  # noqa: A002 - the contract's name
    source: str = ImportBatch.Source.FILE,
) -> ImportBatch:
    """Store an uploaded file as a new batch, status "queued"; nothing is
    parsed yet.

    `file` is a Django File / UploadedFile or a binary file object. Raises
    ValidationError, storing nothing, when the file is larger than
    INGEST_MAX_FILE_SIZE, empty, or of no known format (`format` names a
    parser of publications.importers; when empty it is guessed from the
    name and the first bytes). For a harvest or a lookup, pass file=None
    and a `source` other than "file": the batch is then planned from items.
    """
    if mode not in ImportBatch.Mode.values:
        raise ValidationError(f"“{mode}” is not an import mode.")
    batch = ImportBatch(
        source=source,
        filename=(filename or "")[:255],
        mode=mode,
        created_by=user if getattr(user, "pk", None) else None,
    )
    if file is None:
        if source == ImportBatch.Source.FILE:
            raise ValidationError("Choose a file to import.")
        batch.format = format
        batch.save()
        return batch
    if not isinstance(file, File):
        file = File(file, name=filename)
    size = file.size
    limit = settings.INGEST_MAX_FILE_SIZE
    if size is not None and size > limit:
        raise ValidationError(
            f"“{filename}” is {_megabytes(size)}; files of up to "
            f"{_megabytes(limit)} can be imported. Split it into smaller files."
        )
    file.seek(0)
    head = file.read(HEAD_SIZE)
    file.seek(0)
    if not size or not head:
        raise ValidationError(f"“{filename}” is empty.")
    try:
        parser = get_parser(format) if format else guess_format(filename, head)
    except UnknownFormatError as error:
        raise ValidationError(str(error)) from None
    batch.format = parser.name
    batch.file.save(filename or "import", file, save=False)
    batch.save()
    return batch


def batch_plan(
    *,
    batch: ImportBatch,
    items: Iterable[NormalisedRecord | ImportIssue] | None = None,
    progress: Progress = None,
    update_matched: bool = False,
) -> ImportBatch:
    """The dry run: read the batch's file (or `items`, from a harvest or a
    lookup) a chunk at a time, match each record against the catalogue
    (record id, DOI, PubMed ID, title and year), resolve its people,
    departments, keywords, subjects, venue and type without writing, check it
    could be saved, and write one ImportRow per input row with the proposed
    action: "create" for a new record, "skip" for a match (with message
    "unchanged" when nothing would change, or the diff otherwise) and for
    repeats within the file and rows that could not be read.
    `update_matched` proposes "update" for rows matched by id, identifier or
    exact title that would change.

    Status planning -> planned, or failed (with `failure`) when the file
    cannot be read at all. Replanning replaces the batch's rows. Never writes
    to the catalogue. `progress(done, None)` is called after each chunk.
    """
    if (
        batch.status == ImportBatch.Status.APPLIED
        or batch.rows.exclude(outcome=ImportRow.Outcome.PENDING)
        .exclude(outcome=ImportRow.Outcome.FAILED)
        .exists()
    ):
        raise ValidationError(
            "The batch has been applied (in part at least); start a new one."
        )
    if batch.status == ImportBatch.Status.APPLYING and not batch_is_interrupted(batch):
        raise ValidationError("The batch is being applied now.")
    if items is None and not batch.file:
        raise ValidationError("The batch has no file to read.")
    with bulk_gc():
        batch = planning.plan(
            batch=batch, items=items, progress=progress, update_matched=update_matched
        )
    if batch.failure:
        batch.counts["plan_failed"] = True
        ImportBatch.objects.filter(pk=batch.pk).update(counts=batch.counts)
    return batch


@transaction.atomic
def batch_set_actions(*, batch: ImportBatch, actions: Mapping[int, str]) -> None:
    """Record the curator's choice per row (keys are row numbers): "create",
    "update" or "skip". Raises ValidationError naming every impossible choice
    (an unknown row or action, a row that could not be read, "update" without
    a match, "create" of a record whose DOI or PubMed ID the catalogue
    already holds, a row already applied) and changes nothing then."""
    if batch.status not in (ImportBatch.Status.PLANNED, ImportBatch.Status.FAILED):
        raise ValidationError("Actions can be chosen once the batch is checked.")
    errors = []
    rows = {
        row.row_number: row
        for row in batch.rows.filter(row_number__in=list(actions)).select_for_update()
    }
    creates: dict[int, NormalisedRecord] = {}
    for number, action in sorted(actions.items()):
        row = rows.get(number)
        if row is None:
            errors.append(f"Row {number}: the batch has no such row.")
        elif action not in ImportRow.Action.values:
            errors.append(f"Row {number}: “{action}” is not create, update or skip.")
        elif row.outcome != ImportRow.Outcome.PENDING:
            errors.append(f"Row {number}: already {row.get_outcome_display().lower()}.")
        elif action != ImportRow.Action.SKIP and not row.record:
            errors.append(
                f"Row {number}: the row could not be read; it can only be skipped."
            )
        elif action == ImportRow.Action.UPDATE and row.match_id is None:
            errors.append(
                f"Row {number}: no record matches it, so there is nothing to update."
            )
        elif action == ImportRow.Action.CREATE:
            creates[number] = record_from_data(row.record)
    for number, message in _identifiers_held(creates):
        errors.append(f"Row {number}: {message}")
    if errors:
        raise ValidationError(errors)
    changed = []
    for number, action in actions.items():
        row = rows[number]
        if row.action != action:
            row.action = action
            changed.append(row)
    ImportRow.objects.bulk_update(changed, ["action"], batch_size=1000)
    if changed:
        counts = dict(batch.counts)
        for name in ("create", "update", "skip"):
            counts[name] = batch.rows.filter(action=name).count()
        batch.counts = counts
        ImportBatch.objects.filter(pk=batch.pk).update(counts=counts)


def _identifiers_held(records: Mapping[int, NormalisedRecord]):
    """(row, message) for records whose DOI or PubMed ID is in the catalogue."""
    for name, label in (("doi", "DOI"), ("pmid", "PubMed ID")):
        values = {getattr(r, name): n for n, r in records.items() if getattr(r, name)}
        if not values:
            continue
        for value, pk in Publication.objects.filter(
            **{f"{name}__in": list(values)}
        ).values_list(name, "pk"):
            yield (
                values[value],
                (
                    f"its {label} {value} is already record #{pk}; it cannot be "
                    "created again (update it or skip)."
                ),
            )


def batch_apply(
    *,
    batch: ImportBatch,
    user,
    progress: Progress = None,
    status: str = Publication.Status.PUBLISHED,
) -> ImportBatch:
    """Write the planned batch to the catalogue through
    publications.services: "create" rows become new records (with `status`,
    published by default), "update" rows change the fields their diff shows,
    "skip" rows are left.

    Mode "all": one transaction; a failing row rolls everything back and the
    batch is failed with its reason, rows left pending for a retry. Refuses
    (ValidationError, nothing changed) while a row set to create or update
    has a problem the plan found. Mode "per_row": each row's write and its
    outcome in one savepoint; failures are recorded on their rows and a
    retry resumes with the rows still pending. Status applying -> applied
    (or failed). Raises ValidationError when the batch cannot be applied
    now (no plan, already applied, being applied). `progress(done, total)`
    is called after each chunk.
    """
    with bulk_gc():
        return applying.apply(batch=batch, user=user, progress=progress, status=status)


def batch_is_interrupted(batch: ImportBatch) -> bool:
    """Whether a batch still "checking" or "applying" has had no heartbeat
    for INGEST_STALE_SECONDS: its process was cut off. Show it as failed;
    planning or applying it again resumes."""
    if batch.status not in (ImportBatch.Status.PLANNING, ImportBatch.Status.APPLYING):
        return False
    last = batch.heartbeat_at or batch.started_at or batch.created_at
    stale = datetime.timedelta(seconds=settings.INGEST_STALE_SECONDS)
    return last is None or timezone.now() - last > stale
