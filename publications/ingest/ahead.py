"""Planning the next chunk of a one-pass import while this one is written.

Writing a chunk is mostly the database's work (COPY, search documents),
planning it mostly Python's: in turn, each waits for the other. Planned in
a thread of its own, on a connection of its own, the next chunk is matched
and resolved while the database writes this one, so both cores work.

The planning connection sees the catalogue as committed, without the
pass's own writes, as a plan made before an apply sees it; the resolver
remembers the people, keywords and venues the pass makes up, so a person
new in row 3 is still the same person in row 900. Only the caller writes,
a chunk at a time, in order.
"""

import queue
import threading
from collections.abc import Callable, Iterator

from django.db import connections

from .planning import ChunkPlanner
from .reading import InputRow

WAIT_SECONDS = 0.5


class PlannedAhead:
    """Iterate for (chunk, planned rows, rows replaced, what `prepare` made
    of the chunk and its planned rows, on the planning connection); `close`
    when done, whether the iteration ended or not."""

    def __init__(
        self,
        planner: ChunkPlanner,
        chunks: Iterator[list[InputRow]],
        prepare: Callable[[list[InputRow], list], object],
    ):
        # One chunk waits planned at most: memory stays flat.
        self._planned: queue.Queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._plan,
            args=(planner, chunks, prepare),
            name="import-plan",
            daemon=True,
        )
        self._thread.start()

    def __iter__(self):
        while True:
            kind, payload = self._planned.get()
            if kind == "error":
                raise payload
            if kind == "done":
                return
            yield payload

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._planned.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                pass
        self._thread.join()

    def _plan(self, planner: ChunkPlanner, chunks, prepare) -> None:
        try:
            for chunk in chunks:
                if self._stop.is_set():
                    return
                planned = planner.plan_resolved(chunk)
                replaced = planner.take_replaced()
                prepared = prepare(chunk, planned)
                self._put(("chunk", (chunk, planned, replaced, prepared)))
            self._put(("done", None))
        except Exception as error:  # noqa: BLE001 - raised in the caller
            self._put(("error", error))
        finally:
            chunks.close()  # ends a reading process
            connections.close_all()  # this thread's own

    def _put(self, message) -> None:
        while not self._stop.is_set():
            try:
                self._planned.put(message, timeout=WAIT_SECONDS)
                return
            except queue.Full:
                continue
