"""Partial publication dates: a year, a year and month, or a full date.

Sources print them as "2013", "2013 Jun" or "2013 Jun 12" (NLM style); they
sort as yyyymmdd integers with missing parts as zero, so "2013" sorts before
"2013 Jan" and after every 2012 date.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MONTH_ABBREVIATIONS = [calendar.month_abbr[m] for m in range(1, 13)]
MONTH_NUMBERS = {name.lower(): n for n, name in enumerate(MONTH_ABBREVIATIONS, 1)}
MONTH_NUMBERS.update({calendar.month_name[m].lower(): m for m in range(1, 13)})
MIN_YEAR, MAX_YEAR = 1000, 2999

ISO_PATTERN = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
TEXT_PATTERN = re.compile(r"^(\d{4})(?:[ ,]+([A-Za-z]+)\.?(?:[ ,]+(\d{1,2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        errors = {}
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            errors["pub_year"] = f"The year {self.year} is out of range."
        if self.month is not None and not 1 <= self.month <= 12:
            errors["pub_month"] = f"{self.month} is not a month (1 to 12)."
        if self.day is not None:
            if self.month is None:
                errors["pub_day"] = "A day needs a month."
            elif "pub_month" not in errors and "pub_year" not in errors:
                last_day = calendar.monthrange(self.year, self.month)[1]
                if not 1 <= self.day <= last_day:
                    errors["pub_day"] = (
                        f"{MONTH_ABBREVIATIONS[self.month - 1]} {self.year} has no "
                        f"day {self.day}."
                    )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Read "2013", "2013-06", "2013-06-12", "2013 Jun", "2013 June 12"."""
        value = text.strip()
        if match := ISO_PATTERN.match(value):
            year, month, day = (int(part) if part else None for part in match.groups())
            return cls(year, month, day)
        if match := TEXT_PATTERN.match(value):
            year, month_name, day = match.groups()
            month = None
            if month_name:
                month = MONTH_NUMBERS.get(month_name.lower())
                if month is None:
                    raise ValidationError(f"“{month_name}” is not a month name.")
            return cls(int(year), month, int(day) if day else None)
        raise ValidationError(
            f"“{text}” is not a date. Write a year, a year and month or a full "
            "date: 2013, 2013 Jun, 2013-06-12."
        )

    @property
    def sort_key(self) -> int:
        return self.year * 10000 + (self.month or 0) * 100 + (self.day or 0)

    @property
    def iso(self) -> str:
        """ISO 8601 with reduced precision: "2013", "2013-06", "2013-06-12"."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def as_date(self) -> datetime.date:
        """The earliest day the partial date may stand for."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        parts = [str(self.year)]
        if self.month:
            parts.append(MONTH_ABBREVIATIONS[self.month - 1])
            if self.day:
                parts.append(str(self.day))
        return " ".join(parts)
