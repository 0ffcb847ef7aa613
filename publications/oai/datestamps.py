"""UTCdatetime values (spec 3.3): datestamps out, from/until bounds in.

The repository's granularity is seconds; harvesters may also give days.
Datestamps are the records' `updated_at` truncated to the second, so a bound
covers the whole second (or day) it names: from is inclusive from its first
instant, until inclusive to its last.
"""

import datetime
import re
from dataclasses import dataclass

from .errors import BadArgument

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
UTC = datetime.UTC
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def datestamp(moment: datetime.datetime) -> str:
    """'2013-06-12T08:30:05Z': UTC, seconds granularity."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Bound:
    """A from or until argument as given and as an instant."""

    text: str
    start: datetime.datetime  # first instant the value names
    step: datetime.timedelta  # one second or one day

    @property
    def is_day(self) -> bool:
        return self.step == datetime.timedelta(days=1)

    @property
    def end(self) -> datetime.datetime | None:
        """First instant after the value; None past the calendar's end."""
        try:
            return self.start + self.step
        except OverflowError:
            return None


def parse_bound(name: str, text: str) -> Bound:
    """Read a from/until argument or raise badArgument naming it."""
    try:
        if _DAY.match(text):
            day = datetime.date.fromisoformat(text)
            return Bound(
                text,
                datetime.datetime(day.year, day.month, day.day, tzinfo=UTC),
                datetime.timedelta(days=1),
            )
        if _SECONDS.match(text):
            moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
            return Bound(
                text, moment.replace(tzinfo=UTC), datetime.timedelta(seconds=1)
            )
    except ValueError:
        pass
    raise BadArgument(
        f"The {name} argument '{text}' is not a UTC date (YYYY-MM-DD) or "
        "date and time (YYYY-MM-DDThh:mm:ssZ)."
    )


def parse_range(
    from_text: str | None, until_text: str | None
) -> tuple[Bound | None, Bound | None]:
    """Both bounds, checked together as spec 3.3.1 requires."""
    start = parse_bound("from", from_text) if from_text is not None else None
    until = parse_bound("until", until_text) if until_text is not None else None
    if start and until:
        if start.is_day != until.is_day:
            raise BadArgument(
                "The from and until arguments must have the same granularity."
            )
        if start.start > until.start:
            raise BadArgument("The from argument is later than the until argument.")
    return start, until
