"""The "Source" line of a record, in the NLM style PubMed prints:

Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.1111/bjh.12293. Epub 2013 Apr 12.
"""

import datetime

from publications.dates import MONTH_ABBREVIATIONS


def epub_text(day: datetime.date) -> str:
    return f"{day.year} {MONTH_ABBREVIATIONS[day.month - 1]} {day.day}"


def nlm_source(
    *,
    journal: str,
    date_text: str,
    volume: str = "",
    issue: str = "",
    pages: str = "",
    doi: str = "",
    epub_date: datetime.date | None = None,
) -> str:
    """Empty without a journal and a date: a line without them says nothing."""
    if not (journal and date_text):
        return ""
    line = f"{journal.rstrip('.')}."
    location = date_text
    if volume or issue:
        location += ";" + volume + (f"({issue})" if issue else "")
    if pages:
        location += f":{pages}"
    line += f" {location}."
    if doi:
        line += f" doi: {doi}."
    if epub_date:
        line += f" Epub {epub_text(epub_date)}."
    return line
