"""Decode an uploaded text file, saying so when it is not UTF-8.

Reference managers and "CSV UTF-8" write UTF-8 (often with a byte-order
mark); Excel's plain "CSV" on Windows writes Windows-1252. Anything else is
refused with a message rather than guessed at.
"""

import codecs
from typing import BinaryIO

from .cleaning import IssueLog

SAVE_AS_UTF8 = "Save it as UTF-8 (in Excel: “CSV UTF-8”) and upload it again."


def read_text(stream: BinaryIO, log: IssueLog) -> str | None:
    """The whole file as text, or None when it cannot be read or is empty
    (the reason is in `log`)."""
    text = decode_text(stream.read(), log)
    if text is not None and not text.strip():
        log.error("", "The file is empty.")
        return None
    return text


def decode_text(data: bytes, log: IssueLog) -> str | None:
    """The text, or None with an error in `log`; a fallback adds a warning."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            log.error("", f"The file starts as UTF-16 but is damaged. {SAVE_AS_UTF8}")
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        log.error(
            "",
            f"The file is not UTF-8 text (line {line} has bytes UTF-8 cannot "
            f"read), nor Windows-1252. {SAVE_AS_UTF8}",
        )
        return None
    log.warning(
        "",
        f"The file is not UTF-8 (first at line {line}); it was read as "
        "Windows-1252, Excel's default on Windows. Check accented letters. "
        + SAVE_AS_UTF8,
    )
    return text
