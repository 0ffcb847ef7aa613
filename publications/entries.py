"""Listing entries read as plain values: a results page shows 25 records
(title, authors as printed, source line), and building each record, its
authorships and their people as model instances cost more than the page's
search. Two queries for a page, whatever its length."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from .citation import authors_line, person_name, source_line
from .dates import PartialDate
from .models import Publication

# Plain SQL, not the ORM: on a page of one hit, building these two queries
# took five times as long as running them. IN lists work on both engines.
_AUTHORS = """
SELECT a.publication_id, a.name_as_printed,
       pe.given_names, pe.family_name, pe.suffix
FROM publications_authorship a
JOIN publications_person pe ON pe.id = a.person_id
WHERE a.publication_id IN ({ids})
ORDER BY a.publication_id, a.position
"""
_RECORDS = """
SELECT p.id, p.title, p.source_citation, p.pub_year, p.pub_month, p.pub_day,
       p.volume, p.issue, p.pages, v.title, v.abbreviation
FROM publications_publication p
LEFT JOIN publications_venue v ON v.id = p.venue_id
WHERE p.id IN ({ids}) AND p.status = %s
"""


@dataclass(frozen=True)
class EntryVenue:
    title: str
    abbreviation: str


@dataclass(frozen=True)
class Entry:
    """What a listing entry prints of one record, with the fields
    citation.source_line reads."""

    pk: int
    title: str
    source_citation: str
    pub_year: int | None
    pub_month: int | None
    pub_day: int | None
    volume: str
    issue: str
    pages: str
    venue: EntryVenue | None
    authors: str

    @property
    def partial_date(self) -> PartialDate:
        return PartialDate(self.pub_year, self.pub_month, self.pub_day)

    @property
    def source(self) -> str:
        return source_line(self)


def published_entries(ids: list[int]) -> dict[int, Entry]:
    """The entries of the published records among `ids`, by id."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    names: dict[int, list[str]] = defaultdict(list)
    entries = {}
    with connection.cursor() as cursor:
        cursor.execute(_AUTHORS.format(ids=marks), ids)
        for publication_id, printed, given, family, suffix in cursor.fetchall():
            names[publication_id].append(printed or person_name(given, family, suffix))
        cursor.execute(
            _RECORDS.format(ids=marks), [*ids, Publication.Status.PUBLISHED.value]
        )
        for pk, title, *fields, venue_title, abbreviation in cursor.fetchall():
            venue = (
                EntryVenue(venue_title, abbreviation)
                if venue_title is not None
                else None
            )
            entries[pk] = Entry(pk, title, *fields, venue, authors_line(names[pk]))
    return entries
