"""Read a CSV file whole, refusing what is not UTF-8 or lacks a column."""

import csv
import io
from pathlib import Path

from .base import LoadError


def csv_rows(path: str | Path, *, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """[(row number, {column: stripped value})] for every data row.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise LoadError(f"cannot read {path}: {error.strerror}.") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LoadError(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be "
            "read). Save it as UTF-8 and load it again.",
            row=line,
        ) from error
    if not text.strip():
        raise LoadError("the file is empty; expected a header row.", row=1)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader)]
    missing = [name for name in required if name not in header]
    if missing:
        raise LoadError(
            f"missing column(s) {', '.join(missing)}; the header must name "
            f"{', '.join(required)}.",
            row=1,
            column=missing[0],
        )
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue  # blank lines are not rows
        row = {
            name: (values[i].strip() if i < len(values) else "")
            for i, name in enumerate(header)
        }
        rows.append((reader.line_num, row))
    if not rows:
        raise LoadError("the file has a header but no rows.", row=2)
    return rows
