"""A parser's stream as input rows: each record with the issues that came
just before it, and rows that could not be read (an error with no record
after it) as rows of their own. Issues about the whole file are kept apart.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from publications.importers import ImportIssue, NormalisedRecord, Severity


@dataclass
class InputRow:
    number: int
    record: NormalisedRecord | None
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def unreadable(self) -> bool:
        return self.record is None


@dataclass
class FileIssues:
    """Issues with no row (or a header row without a record), in file order."""

    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity == Severity.ERROR]


def input_rows(
    items: Iterable[NormalisedRecord | ImportIssue], file_issues: FileIssues
) -> Iterator[InputRow]:
    """Rows in input order. Issues without a row go to `file_issues`, as do
    rows holding only warnings and no record (a spreadsheet's header row:
    "Unknown column ..."); a row with an error and no record is a row that
    could not be read."""
    pending: dict[int, list[ImportIssue]] = {}
    for item in items:
        if isinstance(item, ImportIssue):
            if item.row is None:
                file_issues.issues.append(item)
            else:
                pending.setdefault(item.row, []).append(item)
            continue
        own = pending.pop(item.source_row, [])
        yield from _unread(pending, file_issues)
        yield InputRow(item.source_row, item, own)
    yield from _unread(pending, file_issues)


def _unread(
    pending: dict[int, list[ImportIssue]], file_issues: FileIssues
) -> Iterator[InputRow]:
    for number in sorted(pending):
        issues = pending[number]
        if any(i.severity == Severity.ERROR for i in issues):
            yield InputRow(number, None, issues)
        else:
            file_issues.issues.extend(issues)
    pending.clear()
