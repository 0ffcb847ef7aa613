"""Digital Commons batch-upload spreadsheets, as CSV or as an Excel
workbook: this module turns each file into rows; digital_commons.py reads the
rows."""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .base import ImportIssue, ParsedItem, Parser
from .cleaning import IssueLog, clean_text
from .digital_commons import SheetError, read_sheet
from .textfile import read_text

# What openpyxl raises on a damaged or hostile workbook: not a zip, parts
# missing, XML that does not parse, or entities (which defusedxml refuses).
UNREADABLE_WORKBOOK = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    OSError,
    ValueError,
    SyntaxError,
)


class DigitalCommonsCSVParser(Parser):
    name = "dc-csv"
    label = "Digital Commons batch upload (CSV)"
    extensions = (".csv",)

    def sniff(self, head: bytes) -> bool:
        first_line = head.decode("utf-8-sig", errors="replace").split("\n", 1)[0]
        cells = re.split(r"[,;\t]", first_line)
        return any(clean_text(cell).strip('"').lower() == "title" for cell in cells)

    def read(self, stream: BinaryIO) -> Iterator[ParsedItem]:
        log = IssueLog(None)
        text = read_text(stream, log)
        yield from log.issues
        if text is None:
            return
        header = text.split("\n", 1)[0]
        # Excel writes ";" where the decimal mark is a comma, tabs for "Unicode text".
        delimiter = max(",;\t", key=header.count)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        yield from read_sheet(self._rows(reader))

    @staticmethod
    def _rows(reader) -> Iterator[tuple[int, list[Any]]]:
        number = 0
        try:
            for number, cells in enumerate(reader, 1):  # noqa: B007
                yield number, cells
        except csv.Error as error:
            raise SheetError(number + 1, f"The CSV cannot be read: {error}.") from None


class DigitalCommonsXLSXParser(Parser):
    name = "dc-xlsx"
    label = "Digital Commons batch upload (Excel .xlsx)"
    extensions = (".xlsx",)

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"PK\x03\x04") and (
            b"xl/" in head or b"[Content_Types].xml" in head
        )

    def read(self, stream: BinaryIO) -> Iterator[ParsedItem]:
        data = stream.read()
        if not data:
            yield ImportIssue(None, "", "The file is empty.")
            return
        try:
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
        except UNREADABLE_WORKBOOK:
            yield ImportIssue(
                None,
                "",
                "The file is not a readable Excel workbook (.xlsx). Open it in "
                "Excel and save it again as .xlsx or as “CSV UTF-8”.",
            )
            return
        try:
            if workbook.worksheets:
                yield from read_sheet(self._rows(workbook.worksheets[0]))
            else:
                yield ImportIssue(None, "", "The workbook has no worksheet.")
        finally:
            workbook.close()

    @staticmethod
    def _rows(sheet) -> Iterator[tuple[int, list[Any]]]:
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except UNREADABLE_WORKBOOK:
                # A damaged or hostile sheet (defusedxml refuses entities).
                raise SheetError(
                    number + 1, "The worksheet is damaged and cannot be read further."
                ) from None
            number += 1
            yield number, list(cells)
