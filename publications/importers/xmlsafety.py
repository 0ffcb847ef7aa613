"""Refuse hostile XML before a parser sees it.

An XML file can declare entities in its DOCTYPE: an external entity reads a
local file or a URL into the document (XXE), nested entities expand a few
hundred bytes into gigabytes ("billion laughs"). PubMed files never declare
entities, so any `<!ENTITY` in the prolog rejects the file; the parser is also
run with entity resolution, DTD loading and network access switched off, so
nothing is expanded even where this check could be fooled.

The prolog is read in the file's own bytes, so it must be in an encoding that
keeps ASCII as ASCII (UTF-8, Latin-1 ...); UTF-16 and friends are refused.
"""

import io
import re
from collections.abc import Iterable
from typing import BinaryIO

from lxml import etree

MAX_PROLOG = 1024 * 1024  # a real DOCTYPE line is under 200 bytes
CHUNK = 64 * 1024
ROOT_NAME = re.compile(rb"<([A-Za-z_][\w.:-]*)")


# The parser's own guard, whatever the prolog check found: no entity is
# resolved, no DTD loaded, nothing fetched, no node past libxml2's limits.
_SAFE = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}


def iterparse(stream: BinaryIO, tags: Iterable[str]) -> etree.iterparse:
    """The end events of these elements, parsed safely, without comments
    and processing instructions."""
    return etree.iterparse(
        stream,
        events=("end",),
        tag=tuple(tags),
        remove_comments=True,
        remove_pis=True,
        **_SAFE,
    )


def xml_parser() -> etree.XMLParser:
    """A parser for a whole small document (etree.fromstring), as safe."""
    return etree.XMLParser(**_SAFE)


class UnsafeXMLError(ValueError):
    """The file declares entities or cannot be checked; the message says why."""


class PrologScan:
    """The result of reading a file up to the start of its root element."""

    def __init__(self, head: bytes, root: str | None):
        self.head = head
        self.root = root


def _skip(buffer: bytes, pos: int, end_marker: bytes) -> int | None:
    end = buffer.find(end_marker, pos)
    return None if end < 0 else end + len(end_marker)


def _doctype_end(buffer: bytes, pos: int) -> int | None:
    """The end of a DOCTYPE, stepping over its [internal subset] and quotes."""
    depth, quote = 0, None
    for index in range(pos, len(buffer)):
        char = buffer[index : index + 1]
        if quote:
            if char == quote:
                quote = None
        elif char in (b'"', b"'"):
            quote = char
        elif char == b"[":
            depth += 1
        elif char == b"]":
            depth -= 1
        elif char == b">" and depth <= 0:
            return index + 1
    return None


def _scan(buffer: bytes) -> tuple[bool, str | None]:
    """(complete, root name). Raises UnsafeXMLError on entity declarations."""
    pos = 3 if buffer.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(buffer) and buffer[pos : pos + 1].isspace():
            pos += 1
        if pos >= len(buffer):
            return False, None
        rest = buffer[pos:]
        if rest.startswith(b"<?"):
            end = _skip(buffer, pos, b"?>")
        elif rest.startswith(b"<!--"):
            end = _skip(buffer, pos, b"-->")
        elif rest.startswith(b"<!DOCTYPE"):
            end = _doctype_end(buffer, pos)
            if b"<!ENTITY" in buffer[pos : end or len(buffer)]:
                raise UnsafeXMLError(
                    "The file declares XML entities in its DOCTYPE. Entities can "
                    "read local files or expand without limit, so the file is "
                    "refused. PubMed XML never declares them: export the file "
                    "from PubMed again."
                )
        elif len(rest) < 2:
            return False, None
        else:
            match = ROOT_NAME.match(rest)
            # Anything else is not well-formed; the parser will say where.
            return True, match.group(1).decode("ascii") if match else None
        if end is None:
            return False, None
        pos = end


def scan_prolog(stream: BinaryIO) -> PrologScan:
    """Read up to the root element and check the prolog; the bytes read are
    returned so parsing can start from the beginning."""
    buffer = b""
    while True:
        chunk = stream.read(CHUNK)
        buffer += chunk
        if buffer[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in buffer[:4]:
            raise UnsafeXMLError(
                "The file is UTF-16 or UTF-32 encoded; save it as UTF-8 XML."
            )
        complete, root = _scan(buffer)
        if complete or not chunk:
            return PrologScan(buffer, root)
        if len(buffer) > MAX_PROLOG:
            raise UnsafeXMLError(
                "The file has more than 1 MiB before its first element; it is "
                "not a PubMed export."
            )


class PrefixedStream(io.RawIOBase):
    """The bytes already read, then the rest of the stream."""

    def __init__(self, prefix: bytes, rest: BinaryIO):
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._prefix:
            size = min(len(buffer), len(self._prefix))
            buffer[:size] = self._prefix[:size]
            self._prefix = self._prefix[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
