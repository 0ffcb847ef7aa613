"""The rows of a batch as its page shows them: filtered (errors, new,
updates, unchanged or skipped), counted per filter in one query, and a page
of them read with their matched and written records in one more."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from ..models import ImportBatch, ImportRow
from ..planning import UNCHANGED

ROWS_PER_PAGE = 50

Action, Outcome = ImportRow.Action, ImportRow.Outcome

# A row with an error: unreadable (no record), an issue of severity
# "error" (issues are a JSON list of objects, searched as text so the same
# lookup serves SQLite and PostgreSQL), or a write that failed.
HAS_ERROR = (
    Q(record__isnull=True)
    | Q(issues__icontains='"severity": "error"')
    | Q(outcome=Outcome.FAILED)
)


@dataclass(frozen=True)
class RowFilter:
    key: str
    label: str
    condition: Q


# A matched record the row would change (whether the row is set to update
# it yet or not: a file's matches are proposed as "skip").
CHANGES = Q(action=Action.UPDATE) | (Q(match__isnull=False) & ~Q(diff={}))

FILTERS = (
    RowFilter("all", "All rows", Q()),
    RowFilter("errors", "With errors", HAS_ERROR),
    RowFilter("new", "New records", Q(action=Action.CREATE)),
    RowFilter("updates", "Changes to existing records", CHANGES),
    RowFilter("unchanged", "Unchanged or skipped", Q(action=Action.SKIP) & ~CHANGES),
)
FILTERS_BY_KEY = {f.key: f for f in FILTERS}


def chosen_filter(key: str | None) -> RowFilter:
    return FILTERS_BY_KEY.get(key or "all", FILTERS[0])


def tallies(batch: ImportBatch) -> dict[str, int]:
    """Rows per filter, in one query."""
    return batch.rows.aggregate(
        **{f.key: Count("pk", filter=f.condition) for f in FILTERS}
    )


def rows_page(batch: ImportBatch, row_filter: RowFilter, number) -> Page:
    """A page of rows: one COUNT and one SELECT (with the matched and the
    written record), whatever the size of the batch."""
    rows: QuerySet = (
        batch.rows.filter(row_filter.condition)
        .select_related("match", "publication")
        .order_by("row_number")
    )
    return Paginator(rows, ROWS_PER_PAGE).get_page(number)


# What the page shows of a row ---------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Issue:
    row: int
    field: str
    message: str
    severity: str


@dataclass
class RowView:
    row: ImportRow
    state: str
    message: str
    summary: str
    changes: list[Change]
    issues: list[Issue]

    @property
    def matched_by(self) -> str:
        return MATCHED_BY.get(self.row.match_kind, "")

    @property
    def has_error(self) -> bool:
        return self.row.record is None or any(
            i.severity == "error" for i in self.issues
        )


def shown(value) -> str:
    """A stored value as a curator reads it: lists joined, nothing as "—"."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, list | tuple):
        return "; ".join(shown(item) for item in value)
    if isinstance(value, dict):
        name = value.get("name") or value.get("term") or value.get("title")
        if name:
            return str(name)
        return ", ".join(f"{k}: {shown(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def field_label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def row_state(row: ImportRow) -> str:
    """What became, or will become, of the row, in a word or two."""
    if row.outcome != Outcome.PENDING:
        return row.get_outcome_display()
    if row.record is None:
        return "Cannot be read"
    if row.action == Action.SKIP:
        return "Unchanged" if row.message == UNCHANGED else "Skip"
    if row.action == Action.UPDATE:
        return "Update"
    return "New record"


def row_message(row: ImportRow, state: str) -> str:
    """The plan's or the outcome's explanation, unless the state says it."""
    if row.message == UNCHANGED or row.message.startswith(state):
        return ""
    return row.message


MATCHED_BY = {
    ImportRow.Match.RECORD: "its record id",
    ImportRow.Match.SOURCE: "its identifier at the source",
    ImportRow.Match.DOI: "DOI",
    ImportRow.Match.PMID: "PubMed ID",
    ImportRow.Match.TITLE: "title and year",
}


def record_summary(record: dict | None) -> str:
    """Date, venue, first author and identifiers of a parsed record."""
    if not record:
        return ""
    parts = []
    if date := record.get("publication_date"):
        parts.append(
            "-".join(
                f"{part:02d}" if i else str(part) for i, part in enumerate(date) if part
            )
        )
    authors = record.get("authors") or []
    if authors:
        first = authors[0].get("family_name", "")
        parts.append(first + (" et al." if len(authors) > 1 else ""))
    if venue := record.get("venue_title"):
        parts.append(venue)
    for key, label in (("doi", "DOI"), ("pmid", "PMID")):
        if record.get(key):
            parts.append(f"{label} {record[key]}")
    return " · ".join(parts)


def row_view(row: ImportRow) -> RowView:
    changes = [
        Change(field_label(name), shown(change.get("old")), shown(change.get("new")))
        for name, change in (row.diff or {}).items()
        if isinstance(change, dict)
    ]
    issues = [
        Issue(
            row=issue.get("row") or row.row_number,
            field=issue.get("field") or "—",
            message=issue.get("message", ""),
            severity=issue.get("severity", "error"),
        )
        for issue in (row.issues or [])
    ]
    state = row_state(row)
    return RowView(
        row,
        state,
        row_message(row, state),
        record_summary(row.record),
        changes,
        issues,
    )
