"""The dry run: every input row matched, resolved and checked, written as an
ImportRow with what applying it would do. Nothing in the catalogue changes.

Rows are read from the parser's stream and planned a chunk at a time, so
memory does not grow with the file and the number of queries grows with the
number of chunks, not rows (matching.py, resolving.py, diffs.py each read a
chunk's worth in a query per kind).
"""

import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from publications.importers import (
    ImportIssue,
    NormalisedRecord,
    Severity,
    get_parser,
)
from publications.importers.base import flag_duplicates
from publications.importers.readahead import read_ahead

from . import diffs, sources
from .building import blocking_issues
from .matching import lookup_chunk
from .models import ImportBatch, ImportRow
from .reading import FileIssues, InputRow, input_rows
from .records import issue_to_data, record_to_data
from .resolving import Resolution, Resolver
from .rowwrites import rows_insert

logger = logging.getLogger(__name__)

CHUNK = 1000
HEARTBEAT_SECONDS = 10  # well inside INGEST_STALE_SECONDS
# flag_duplicates' words for a record that repeats an earlier row.
REPEAT = re.compile(r"has the same .+ as row (\d+)")
Progress = Callable[[int, int | None], object] | None


def chunks(rows: Iterable[InputRow], size: int) -> Iterator[list[InputRow]]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def batch_items(batch: ImportBatch, items) -> Iterator:
    """The parsed stream: `items` when given (a harvest, a lookup), else the
    batch's file through its format's parser."""
    if items is not None:
        # Repeats within a harvest are flagged as in a file, and a record
        # listed again replaces its earlier copy; an issue flagged twice is
        # kept once (input_rows' callers dedupe).
        yield from flag_duplicates(_beating(batch, items))
        return
    path = _local_path(batch.file)
    if path and batch.file.size >= settings.INGEST_READ_AHEAD_BYTES:
        yield from read_ahead(batch.format, path)
        return
    parser = get_parser(batch.format)
    with batch.file.open("rb") as stream:
        yield from parser.parse(stream)


def _beating(batch: ImportBatch, items: Iterable) -> Iterator:
    """The items, the batch's heartbeat moved on at least every
    HEARTBEAT_SECONDS while they come. A harvest or a lookup asks a server
    for each page or identifier, and a thousand of them can take longer than
    INGEST_STALE_SECONDS to fill the first chunk: without this the batch
    would look cut off while it runs, and be offered for a retry."""
    last = time.monotonic()
    for item in items:
        if time.monotonic() - last >= HEARTBEAT_SECONDS:
            batch.heartbeat_at = timezone.now()
            ImportBatch.objects.filter(pk=batch.pk).update(
                heartbeat_at=batch.heartbeat_at
            )
            last = time.monotonic()
        yield item


def _local_path(file) -> str | None:
    """The file's path when its storage keeps it on this machine's disk."""
    try:
        return file.path
    except NotImplementedError:
        return None


def plan(
    *,
    batch: ImportBatch,
    items=None,
    progress: Progress = None,
    update_matched: bool = False,
    chunk_size: int = CHUNK,
) -> ImportBatch:
    from .services import batch_is_interrupted

    now = timezone.now()
    with transaction.atomic():
        # Under the row's lock: of two plans of one batch (a retry clicked
        # twice), the second sees the first under way and is refused.
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == ImportBatch.Status.PLANNING and not batch_is_interrupted(
            locked
        ):
            raise ValidationError("The batch is being checked now.")
        batch.status = ImportBatch.Status.PLANNING
        batch.started_at = batch.heartbeat_at = now
        batch.finished_at = None
        batch.progress_done, batch.progress_total = 0, None
        batch.counts, batch.failure, batch.issues = {}, "", []
        batch.rows.all().delete()
        batch.save()

    file_issues = FileIssues()
    counts = new_counts()
    planner = ChunkPlanner(batch, update_matched=update_matched)
    noted = 0  # file issues read for the rows they replace
    try:
        for chunk in chunks(
            input_rows(batch_items(batch, items), file_issues), chunk_size
        ):
            with transaction.atomic():
                rows = planner.plan(chunk)
                # A deletion notice has no record: it is among the file's issues.
                planner.note_replaced(file_issues.issues[noted:])
                noted = len(file_issues.issues)
                _skip_replaced(batch, rows, planner.take_replaced(), counts)
                rows_insert(rows)
                for row in rows:
                    count(counts, row)
                batch.progress_done = counts["rows"]
                batch.heartbeat_at = timezone.now()
                ImportBatch.objects.filter(pk=batch.pk).update(
                    progress_done=batch.progress_done, heartbeat_at=batch.heartbeat_at
                )
            if progress:
                progress(batch.progress_done, None)
        # Issues held back until the input ended.
        planner.note_replaced(file_issues.issues[noted:])
        with transaction.atomic():
            _skip_replaced(batch, [], planner.take_replaced(), counts)
        file_issues.issues += _deleted_at_source(file_issues.issues)
    except Exception as error:
        logger.exception("Planning import batch %s failed", batch.pk)
        return finish(
            batch,
            counts,
            file_issues,
            failure=f"The file could not be read: {error}",
        )
    failure = ""
    if not counts["records"]:
        # Nothing could be read: the file's problems are the batch's.
        errors = [i.message for i in file_issues.errors]
        for row in batch.rows.order_by("row_number"):
            errors += [i["message"] for i in row.issues if i["severity"] == "error"]
        if errors or batch.source != ImportBatch.Source.HARVEST:
            failure = " ".join(errors) or "The file holds no records."
        else:
            # A harvest that found nothing new has done its work.
            file_issues.issues.append(
                ImportIssue(
                    None,
                    "",
                    "The source lists no new or changed records since the last "
                    "harvest: there is nothing to import.",
                    Severity.WARNING,
                )
            )
    return finish(batch, counts, file_issues, failure=failure)


def new_counts() -> dict[str, int]:
    """A plan's tallies, each 0."""
    names = ("rows", "records", "create", "update", "skip", "unchanged")
    return dict.fromkeys((*names, "errors", "warnings"), 0)


def count(counts: dict, row: ImportRow) -> None:
    """Add a planned row to the plan's tallies."""
    counts["rows"] += 1
    counts["records"] += row.record is not None
    counts[_tally(row.action, row.message)] += 1
    severities = {issue["severity"] for issue in row.issues}
    if Severity.ERROR in severities:
        counts["errors"] += 1
    elif Severity.WARNING in severities:
        counts["warnings"] += 1


def _deleted_at_source(issues: list[ImportIssue]) -> list[ImportIssue]:
    """For each deletion notice of a record an earlier harvest brought in,
    a warning naming the catalogue record: withdrawing it is the curator's
    call."""
    deleted = {i.source_id: i.row for i in issues if i.source_id}
    linked = {}
    for part in chunks(deleted, CHUNK):
        linked.update(sources.records_by_identifier(part))
    return [
        ImportIssue(
            deleted[identifier],
            "",
            f"Record #{pk}, “{title}”, came from {identifier} in an earlier "
            "harvest, and the source has deleted it: withdraw it here too if "
            "it should go.",
            Severity.WARNING,
        )
        for identifier, (pk, title) in linked.items()
    ]


def finish(batch, counts, file_issues, *, failure: str) -> ImportBatch:
    batch.counts = counts
    # In row order, the file's own issues first; as they came within a row.
    batch.issues = [
        issue_to_data(issue, row=issue.row)
        for issue in sorted(
            dict.fromkeys(file_issues.issues),
            key=lambda issue: (issue.row is not None, issue.row or 0),
        )
    ]
    batch.failure = failure
    batch.status = ImportBatch.Status.FAILED if failure else ImportBatch.Status.PLANNED
    batch.progress_total = counts["rows"]
    batch.finished_at = batch.heartbeat_at = timezone.now()
    batch.save()
    return batch


def _tally(action: str, message: str) -> str:
    """The count a row's proposed action goes to."""
    if action == ImportRow.Action.SKIP and message == UNCHANGED:
        return "unchanged"
    return action


def _skip_replaced(batch, rows, replaced: dict[int, int], counts: dict) -> None:
    """Set to skip the rows that a later row replaces (`replaced`: earlier
    row number -> later), in this chunk or in one already written."""
    if not replaced:
        return
    for row in rows:
        if row.row_number in replaced:
            row.action = ImportRow.Action.SKIP
            row.message = _replaced_message(replaced.pop(row.row_number))
    if not replaced:
        return
    written = batch.rows.filter(row_number__in=replaced).values_list(
        "row_number", "action", "message"
    )
    for number, action, message in written:
        counts[_tally(action, message)] -= 1
        counts[ImportRow.Action.SKIP] += 1
        batch.rows.filter(row_number=number).update(
            action=ImportRow.Action.SKIP, message=_replaced_message(replaced[number])
        )


def _replaced_message(newer: int) -> str:
    return f"Superseded by row {newer}, later in the source's list."


UNCHANGED = "unchanged"


class ChunkPlanner:
    """Plans chunks of one batch, keeping what later chunks need: the
    resolver's caches and the record ids seen so far."""

    def __init__(
        self,
        batch: ImportBatch,
        *,
        update_matched: bool,
        resolver: Resolver | None = None,
        matching_below: int | None = None,
        check_fields: bool = True,
    ):
        self.batch = batch
        self.update_matched = update_matched
        self.resolver = resolver or Resolver()
        # Given when the batch is written as it is planned (importing.py):
        # its own new records are not the catalogue its rows are matched in.
        self.matching_below = matching_below
        # False when the records are written at once, checked on the way
        # (importing.py): a record the check refuses rolls the pass back,
        # and the plan made then names the field.
        self.check_fields = check_fields
        self.record_ids: dict[int, int] = {}
        self.replaced: dict[int, int] = {}

    def note_replaced(self, issues) -> None:
        """Remember the earlier rows that `issues` say their rows replace."""
        for issue in issues:
            if issue.replaces is not None:
                self.replaced[issue.replaces] = issue.row

    def take_replaced(self) -> dict[int, int]:
        """The replaced rows noted since the last call: earlier row number
        -> the row that replaces it."""
        replaced, self.replaced = self.replaced, {}
        return replaced

    def plan(self, chunk: list[InputRow]) -> list[ImportRow]:
        return [row for row, _ in self.plan_resolved(chunk)]

    def plan_resolved(
        self, chunk: list[InputRow]
    ) -> list[tuple[ImportRow, Resolution | None]]:
        """Each planned row with its record's references (None for a row
        that could not be read)."""
        records = [row.record for row in chunk if row.record is not None]
        lookup = lookup_chunk(records, below=self.matching_below)
        self.resolver.prefetch(records)
        olds = diffs.snapshots(m.publication_id for m in lookup.matches.values())
        planned = []
        for row in chunk:
            if row.record is None:
                planned.append((self._unreadable(row), None))
            else:
                resolution = self.resolver.resolve(row.record)
                planned.append((self._row(row, resolution, lookup, olds), resolution))
        return planned

    def _unreadable(self, row: InputRow) -> ImportRow:
        return ImportRow(
            batch=self.batch,
            row_number=row.number,
            record=None,
            issues=[issue_to_data(i) for i in dict.fromkeys(row.issues)],
            action=ImportRow.Action.SKIP,
            message="The row could not be read.",
        )

    def _row(self, row: InputRow, resolution: Resolution, lookup, olds) -> ImportRow:
        record: NormalisedRecord = row.record
        issues = [issue_to_data(i) for i in dict.fromkeys(row.issues)]
        issues += [issue_to_data(i) for i in resolution.issues]
        self.note_replaced(row.issues)
        match = lookup.matches.get(record.source_row)
        planned = ImportRow(
            batch=self.batch,
            row_number=row.number,
            title=record.title[:1000],
            record=record_to_data(record),
            issues=issues,
        )
        if match is not None:
            planned.match_kind = match.kind
            planned.match_id = match.publication_id
            planned.similarity = match.similarity
        publication_id = match.publication_id if match else None
        for issue in blocking_issues(
            record,
            resolution,
            lookup,
            publication_id=publication_id,
            fields=self.check_fields,
        ):
            issues.append(issue_to_data(issue, blocking=True))

        # A repeated identifier is a repeat; a repeated title and year only
        # where no identifier tells the two apart (two editorials may share
        # a title).
        distinct = bool(record.doi or record.pmid)
        repeats = [
            int(found.group(1))
            for i in row.issues
            if (found := REPEAT.search(i.message))
            and (i.field != "title" or not distinct)
        ]
        if record.record_id:
            earlier = self.record_ids.setdefault(record.record_id, row.number)
            if earlier != row.number:
                repeats.append(earlier)
                issues.append(
                    _error(row.number, "id", f"Row {earlier} has the same record id.")
                )
        if record.record_id in lookup.unknown_record_ids:
            issues.append(
                _error(
                    row.number,
                    "id",
                    f"There is no record #{record.record_id} in this repository.",
                )
            )
            return _decide(planned, ImportRow.Action.SKIP, "The record id is unknown.")
        if any(i["field"] == "id" and i["severity"] == Severity.ERROR for i in issues):
            return _decide(
                planned, ImportRow.Action.SKIP, "The record id is not valid."
            )
        if repeats:
            return _decide(
                planned,
                ImportRow.Action.SKIP,
                f"Repeats row {min(repeats)} of the file.",
            )
        if match is None:
            new = resolution.new_counts()
            message = "New record"
            if new:
                message += "; new " + ", ".join(f"{k}: {n}" for k, n in new.items())
            return _decide(planned, ImportRow.Action.CREATE, message + ".")

        planned.diff = diffs.diff(
            olds[match.publication_id], diffs.incoming(record, resolution)
        )
        if not planned.diff:
            return _decide(planned, ImportRow.Action.SKIP, UNCHANGED)
        how = dict(ImportRow.Match.choices)[match.kind]
        if match.similarity is not None and match.similarity < 1:
            how += f" (similarity {match.similarity:.2f})"
        sure = match.kind != ImportRow.Match.TITLE or match.similarity == 1
        if self.update_matched and sure:
            return _decide(
                planned,
                ImportRow.Action.UPDATE,
                f"Updates record #{match.publication_id}, found by {how}.",
            )
        return _decide(
            planned,
            ImportRow.Action.SKIP,
            f"Matches record #{match.publication_id} by {how}; set to update to "
            "apply the changes.",
        )


def _error(row: int, field: str, message: str) -> dict:
    return issue_to_data(ImportIssue(row, field, message), blocking=True)


def _decide(row: ImportRow, action: str, message: str) -> ImportRow:
    row.action, row.message = action, message
    return row
