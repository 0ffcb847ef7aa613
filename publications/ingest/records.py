"""Normalised records and issues as JSON, for ImportRow.record and .issues:
a plan is applied from what was stored, without reading the file again.

Empty values are left out, so a row costs what its record holds.
"""

import datetime
from typing import Any

from publications.dates import PartialDate
from publications.importers import (
    ImportIssue,
    NormalisedAuthor,
    NormalisedKeyword,
    NormalisedLink,
    NormalisedRecord,
)

NESTED = {
    "authors": NormalisedAuthor,
    "keywords": NormalisedKeyword,
    "related_links": NormalisedLink,
}
DATES = ("epub_date", "embargo_date")


def _compact(obj) -> dict[str, Any]:
    """A frozen dataclass's non-empty fields, tuples as lists."""
    data = {}
    for name in obj.__dataclass_fields__:
        value = getattr(obj, name)
        # Falsy is empty here: "", None, (), False (and 0, as before).
        if value:
            data[name] = list(value) if isinstance(value, tuple) else value
    return data


def record_to_data(record: NormalisedRecord) -> dict[str, Any]:
    data = _compact(record)
    for name in NESTED:
        if name in data:
            data[name] = [_compact(item) for item in data[name]]
    if record.publication_date is not None:
        date = record.publication_date
        data["publication_date"] = [date.year, date.month, date.day]
    for name in DATES:
        if name in data:
            data[name] = data[name].isoformat()
    return data


def record_from_data(data: dict[str, Any]) -> NormalisedRecord:
    values = dict(data)
    for name, cls in NESTED.items():
        if name in values:
            values[name] = tuple(
                cls(
                    **{
                        k: tuple(v) if isinstance(v, list) else v
                        for k, v in item.items()
                    }
                )
                for item in values[name]
            )
    for name in ("subjects", "departments", "cleared"):
        if name in values:
            values[name] = tuple(values[name])
    if "publication_date" in values:
        values["publication_date"] = PartialDate(*values["publication_date"])
    for name in DATES:
        if name in values:
            values[name] = datetime.date.fromisoformat(values[name])
    return NormalisedRecord(**values)


def issue_to_data(issue: ImportIssue, **extra) -> dict[str, Any]:
    return {
        "field": issue.field,
        "message": issue.message,
        "severity": str(issue.severity),
        **extra,
    }


def issue_text(row_number: int | None, issue: dict[str, Any]) -> str:
    """ "Row 12, doi: message", as reports print an issue."""
    where = "File" if row_number is None else f"Row {row_number}"
    if issue.get("field"):
        where += f", {issue['field']}"
    return f"{where}: {issue['message']}"
