"""Citation text for one record: the "Source" line and the "Recommended Citation".

The Source line follows the NLM style PubMed prints, and importers build it
with the same `nlm_source` when a file gives the parts but not the line:

Br J Haematol. 2013 Jun;161(5):609-22. doi: 10.1111/bjh.12293. Epub 2013 Apr 12.

Pure functions of a Publication whose venue and authorships (with their people)
are already loaded (`for_listing()` or `for_record()`), so formatting a page of
records makes no query.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings

from .dates import MONTH_ABBREVIATIONS

if TYPE_CHECKING:  # importers use this module before Django has loaded models
    from .models import Person, Publication

# Characters a DOI may carry that a URL must not (DOI Handbook 3.8.2.1).
DOI_URL_SAFE = "/:;()[]@!$&'*+,=-._~"


def doi_url(doi: str) -> str:
    """'10.1111/bjh.12293' -> 'https://doi.org/10.1111/bjh.12293'."""
    return f"https://doi.org/{quote(doi, safe=DOI_URL_SAFE)}"


def permanent_url(publication: Publication) -> str:
    """The record's absolute canonical URL under the deployment's BASE_URL."""
    base = settings.REPOSITORY["BASE_URL"].rstrip("/")
    return f"{base}{publication.get_absolute_url()}"


def initials(given_names: str) -> str:
    """'Jan-Inge' -> 'JI', 'Mary Ann' -> 'MA', 'J. A.' -> 'JA'."""
    return "".join(
        part[0].upper() for part in re.split(r"[\s.\-]+", given_names) if part
    )


# A consortium paper can name hundreds of authors; a listing shows the first.
LISTING_AUTHORS = 10


def person_name(given_names: str, family_name: str, suffix: str = "") -> str:
    """'Jan-Inge Henter', or 'John Smith, Jr' with a suffix."""
    name = " ".join(part for part in (given_names, family_name) if part)
    return f"{name}, {suffix}" if suffix else name


def authors_line(names: list[str]) -> str:
    """Authors as a listing prints them: 'Henter JI, Horne A, ... et al.'."""
    line = ", ".join(names[:LISTING_AUTHORS])
    return f"{line}, et al." if len(names) > LISTING_AUTHORS else line


def citation_name(person: Person) -> str:
    """Family name then initials, as in NLM and Vancouver styles: 'Henter JI'."""
    parts = [person.family_name, initials(person.given_names), person.suffix]
    return " ".join(part for part in parts if part)


def _volume_issue_pages(publication: Publication, *, pages_separator: str) -> str:
    """'161(5)' + separator + '609-22', leaving out whatever is missing."""
    volume = publication.volume
    if publication.issue:
        volume = f"{volume}({publication.issue})"
    return pages_separator.join(part for part in (volume, publication.pages) if part)


def _venue_name(publication: Publication) -> str:
    venue = publication.venue
    if venue is None:
        return ""
    return venue.abbreviation or venue.title


def _with_full_stop(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".?!" else f"{text}."


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


def source_line(publication: Publication) -> str:
    """The "Source" line: as the source printed it, or built in NLM style from
    the fields ("Br J Haematol. 2013 Jun;161(5):609-22."). Takes a record or
    a listing entry (entries.Entry), which carry the same fields."""
    if publication.source_citation:
        return publication.source_citation
    date = str(publication.partial_date)
    details = _volume_issue_pages(publication, pages_separator=":")
    if details:
        date = f"{date};{details}"
    return " ".join(
        _with_full_stop(part) for part in (_venue_name(publication), date) if part
    )


@dataclass(frozen=True)
class RecommendedCitation:
    """The citation in three parts, so a page can link the two URLs."""

    body: str
    doi_url: str
    retrieved_from: str

    @property
    def text(self) -> str:
        citation = " ".join(part for part in (self.body, self.doi_url) if part)
        return f"{citation}\nRetrieved from {self.retrieved_from}"

    def __str__(self) -> str:
        return self.text


def recommended_citation(publication: Publication) -> RecommendedCitation:
    """'Henter JI, Horne A (2013). Title. Br J Haematol, 161(5), 609-22.
    https://doi.org/...' and 'Retrieved from <BASE_URL>/publications/<id>/'."""
    authors = ", ".join(
        citation_name(authorship.person) for authorship in publication.authorships.all()
    )
    year = f"({publication.pub_year})."
    title = _with_full_stop(publication.title)
    # With no authors the title leads, as APA style has it.
    lead = [authors, year, title] if authors else [title, year]
    source = ", ".join(
        part
        for part in (
            _venue_name(publication),
            _volume_issue_pages(publication, pages_separator=", "),
        )
        if part
    )
    body = " ".join(part for part in [*lead, _with_full_stop(source)] if part)
    return RecommendedCitation(
        body=body,
        doi_url=doi_url(publication.doi) if publication.doi else "",
        retrieved_from=permanent_url(publication),
    )
