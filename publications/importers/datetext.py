"""Read the many ways sources write a publication date into a PartialDate.

Spreadsheets, RIS and BibTeX give "2013-06-12", "2013-06", "2013",
"06/12/2013", "2013/06//" (RIS), "June 2013", "12 Jun 2013", "Spring 2013",
"1998 Dec-1999 Jan" (the first part counts) and Excel's "2013-06-12 00:00:00".
"""

import datetime
import re

from django.core.exceptions import ValidationError

from publications.dates import MONTH_NUMBERS, PartialDate

from .cleaning import clean_text

TIME_SUFFIX = re.compile(
    r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
YEAR_FIRST = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
# RIS: YYYY/MM/DD/other, any part after the year may be empty ("2013///").
RIS_DATE = re.compile(r"^(\d{4})/(\d{0,2})(?:/(\d{0,2})(?:/.*)?)?$")
YEAR_LAST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
TOKENS = re.compile(r"[^\W\d_]+|\d+")
SEASONS = {"spring", "summer", "fall", "autumn", "winter"}
FORMS = "2013-06-12, 2013-06, 2013, 06/12/2013 or June 2013"


def _number(part: str | None) -> int | None:
    return int(part) if part else None


def parse_date_text(text: str) -> PartialDate:
    """Raise ValidationError with a message naming the accepted forms."""
    value = TIME_SUFFIX.sub("", clean_text(text))
    if match := YEAR_FIRST.match(value) or RIS_DATE.match(value):
        year, month, day = (_number(part) for part in match.groups())
        return PartialDate(year, month, day if month else None)
    if match := YEAR_LAST.match(value):
        first, second, year = (int(part) for part in match.groups())
        # Month first, as Digital Commons (a US service) writes it, unless the
        # first number cannot be a month.
        month, day = (second, first) if first > 12 else (first, second)
        return PartialDate(year, month, day)
    if match := MONTH_YEAR.match(value):
        return PartialDate(int(match.group(2)), int(match.group(1)))
    return _parse_words(text, value)


def _month(token: str) -> int | None:
    name = token.casefold()
    return MONTH_NUMBERS.get("sep" if name == "sept" else name)


def _parse_words(text: str, value: str) -> PartialDate:
    """Year, month name and day in any order; later dates in a range and
    season names are ignored."""
    year = month = day = None
    for token in TOKENS.findall(value):
        if token.isdigit() and len(token) == 4:
            year = year or int(token)
        elif token.isdigit() and len(token) <= 2:
            day = day or int(token)
        elif _month(token):
            month = month or _month(token)
        elif token.casefold() not in SEASONS:
            year = None  # a word that is not part of a date
            break
    if year is None:
        raise ValidationError(f"“{clean_text(text)}” is not a date. Write {FORMS}.")
    return PartialDate(year, month, day if month else None)


def parse_full_date(text: str) -> datetime.date:
    """A date that must name the day (an embargo end, an online date)."""
    partial = parse_date_text(text)
    if partial.day is None:
        raise ValidationError(
            f"“{clean_text(text)}” needs a day as well, e.g. 2014-06-12."
        )
    return partial.as_date()
