"""Progress reporting for long commands.

On a terminal a tqdm bar (on stderr); otherwise, as in a log or a test, a plain
line at every tenth of the way (on stdout); at --verbosity 0 nothing. Either
way the command still prints its summary line.
"""

import sys
import time
from contextlib import contextmanager

from tqdm import tqdm

from publications.loaders.base import no_progress

STEPS = 10


class _Lines:
    """Prints "desc: done/total (p%)" each time another tenth is done."""

    def __init__(self, stdout, total: int, desc: str):
        self.stdout, self.total, self.desc = stdout, total, desc
        self.done, self.next_step, self.started = 0, 1, time.monotonic()

    def update(self, n: int = 1) -> None:
        self.done += n
        step = self.done * STEPS // self.total if self.total > 0 else 0
        if step < self.next_step:
            return
        self.next_step = step + 1
        elapsed = time.monotonic() - self.started
        self.stdout.write(
            f"{self.desc}: {self.done:,}/{self.total:,} "
            f"({self.done * 100 // self.total}%) in {elapsed:.1f} s"
        )


def command_progress(command, verbosity: int):
    """A progress factory (see publications.loaders.base) for `command`."""

    @contextmanager
    def progress(*, total: int, desc: str):
        if verbosity < 1:
            with no_progress(total=total, desc=desc) as bar:
                yield bar
        elif command.stderr.isatty():
            with tqdm(total=total, desc=desc, file=sys.stderr, unit_scale=True) as bar:
                yield bar
        else:
            yield _Lines(command.stdout, total, desc)

    return progress
