"""What every loader shares: its error, its report and the progress hook."""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Protocol


class LoadError(Exception):
    """A file that cannot be loaded, naming where: row (as a spreadsheet
    numbers it, the header being row 1) and column."""

    def __init__(self, message: str, *, row: int | None = None, column: str = ""):
        self.message, self.row, self.column = message, row, column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ProgressBar(Protocol):
    def update(self, n: int = 1) -> object: ...


# progress(total=..., desc=...) gives a context manager yielding a ProgressBar.
ProgressFactory = Callable[..., AbstractContextManager[ProgressBar]]


class _Silent:
    def update(self, n: int = 1) -> None:
        pass


def no_progress(*, total: int, desc: str) -> AbstractContextManager[ProgressBar]:
    return nullcontext(_Silent())


@dataclass
class LoadReport:
    """Counts of one load, for the command to print."""

    what: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        text = (
            f"{self.what}: {self.created:,} created, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged"
        )
        return text + ("." if self.changed else "; nothing to change.")
