"""Parsing a large file in a second process while this one plans it: parsing
is about half of a dry run's time, and the database has little to do then,
so the machine's other core is free.

The reader sends the parser's items in batches through a bounded queue, so
at most QUEUED batches wait and memory stays flat whatever the file's size.
An error in the reader is raised here; stopping early (an error while
planning) ends the reader. The reader runs in a fresh interpreter ("spawn"):
forking a server process that runs threads is unsafe, and this package needs
no Django set up.
"""

import gc
import multiprocessing
import queue
from collections.abc import Iterator

from publications.gcpace import BULK_THRESHOLDS

from . import get_parser
from .base import ParsedItem

BATCH = 200  # items a message: fewer, larger messages cost less to pass
QUEUED = 8
POLL_SECONDS = 1.0


class ReaderFailed(RuntimeError):
    """The reading process failed or stopped before the end of the file."""


def read_ahead(format_name: str, path: str) -> Iterator[ParsedItem]:
    """What get_parser(format_name).parse() yields for the file at `path`,
    parsed in another process."""
    context = multiprocessing.get_context("spawn")
    messages = context.Queue(maxsize=QUEUED)
    reader = context.Process(
        target=_read, args=(format_name, path, messages), daemon=True
    )
    reader.start()
    try:
        while True:
            try:
                kind, payload = messages.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not reader.is_alive():
                    raise ReaderFailed(
                        f"The reading process stopped (exit code {reader.exitcode})."
                    ) from None
                continue
            if kind == "items":
                yield from payload
            elif kind == "error":
                raise ReaderFailed(payload)
            else:
                return
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()
        messages.close()
        messages.cancel_join_thread()


def _read(format_name: str, path: str, messages) -> None:
    gc.set_threshold(*BULK_THRESHOLDS)  # a process of its own, for bulk work
    try:
        batch: list[ParsedItem] = []
        with open(path, "rb") as stream:
            for item in get_parser(format_name).parse(stream):
                batch.append(item)
                if len(batch) == BATCH:
                    messages.put(("items", batch))
                    batch = []
        messages.put(("items", batch))
        messages.put(("done", None))
    except Exception as error:  # noqa: BLE001 - any failure goes to the parent
        messages.put(("error", f"{type(error).__name__}: {error}"))
