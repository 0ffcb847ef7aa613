"""The audit trail of a record's rows: authors, departments and related links.

Each of those models keeps its own history table; a record's history page
lists their changes too, each with who, when, what and the old and new
values. One query per table, whatever the number of changes.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Model
from django.utils.text import capfirst

from ..models import Authorship, PublicationDepartment, RelatedLink

# A record's page shows the latest changes; older ones stay in the tables.
MAX_CHANGES = 300
ACTIONS = {"+": "Added", "~": "Changed", "-": "Removed"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class RowChange:
    when: datetime
    user: object
    kind: str
    action: str
    row: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True)
class Tracked:
    model: type[Model]
    kind: str
    fields: tuple[str, ...]
    related: tuple[str, ...] = ()

    def describe(self, version) -> str:
        if self.model is Authorship:
            name = version.name_as_printed or _shown(version, "person")
            return f"{name} (position {version.position})"
        if self.model is PublicationDepartment:
            return _shown(version, "department")
        return version.label


TRACKED = (
    Tracked(
        Authorship,
        "Author",
        ("person", "position", "name_as_printed", "affiliation", "corresponding"),
        related=("person",),
    ),
    Tracked(
        PublicationDepartment,
        "Department",
        ("department", "position"),
        related=("department",),
    ),
    Tracked(RelatedLink, "Related link", ("label", "url", "kind", "position")),
)


def _shown(version, name: str) -> str:
    """A field of a historical row as a curator reads it."""
    model_field = version._meta.get_field(name)
    if model_field.is_relation:
        related_id = getattr(version, model_field.attname)
        if related_id is None:
            return "—"
        # The related row may since have been deleted (history keeps no
        # database constraint); fall back to its id.
        try:
            related = getattr(version, name)
        except model_field.related_model.DoesNotExist:
            related = None
        return str(related) if related is not None else f"#{related_id}"
    value = getattr(version, name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _label(model: type[Model], name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _changes_of(tracked: Tracked, versions) -> list[RowChange]:
    """Every version of every row, with its differences from the version of
    the same row before it."""
    previous_by_row = {}
    changes = []
    for version in versions:
        previous = previous_by_row.get(version.id)
        previous_by_row[version.id] = version
        field_changes = []
        for name in tracked.fields:
            new = _shown(version, name)
            old = _shown(previous, name) if previous is not None else ""
            if version.history_type == "+" or old != new:
                field_changes.append(FieldChange(_label(tracked.model, name), old, new))
        if version.history_type == "~" and not field_changes:
            # Saving a whole author list re-saves unchanged rows; skip them.
            continue
        if version.history_type == "-":
            field_changes = []
        changes.append(
            RowChange(
                when=version.history_date,
                user=version.history_user,
                kind=tracked.kind,
                action=ACTIONS.get(version.history_type, version.history_type),
                row=tracked.describe(version),
                reason=version.history_change_reason or "",
                changes=field_changes,
            )
        )
    return changes


def related_changes(publication_id: int) -> list[RowChange]:
    """The changes to a record's authors, departments and related links,
    newest first."""
    changes = []
    for tracked in TRACKED:
        versions = (
            tracked.model.history.filter(publication_id=publication_id)
            .select_related("history_user", *tracked.related)
            .order_by("history_date", "history_id")
        )
        changes += _changes_of(tracked, versions)
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:MAX_CHANGES]
