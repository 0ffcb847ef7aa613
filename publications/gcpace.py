"""The garbage collector's pace during bulk work.

An import allocates millions of short-lived objects (parsed records, model
instances, rows to write) and hardly any reference cycles. At Python's
default pace, a young collection every 700 allocations, each of which also
walks the objects that survived the last ones, collecting took a fifth of an
import's CPU. Python counts allocations less deallocations: at 100,000, a
young collection came every few hundred records and walked a chunk's live
records (0.5 of the 7.4 CPU seconds of a one-pass import of 10,000
records); at 1,000,000 it comes when a few chunks' worth of objects outlive
their chunk, which seldom happens, and still collects the few cycles there
are. Memory stays flat.

The thresholds are the process's own, so overlapping bulk jobs (background
imports in a web server) share one slowed pace, and the first to start and
the last to end set and restore it.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLDS = (1_000_000, 50, 1_000)

_lock = threading.Lock()
_active = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def bulk_gc() -> Iterator[None]:
    """Collect garbage at the bulk pace inside; the usual pace after."""
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*BULK_THRESHOLDS)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                gc.set_threshold(*_saved)
