"""Listing entries read as plain values: a results page shows 25 records
(title, authors as printed, source line), and building each record, its
authorships and their people as model instances cost more than the page's
search. Two queries for a page, whatever its length."""

from collections import defaultdict
from dataclasses import dataclass

from .citation import authors_line, person_name, source_line
from .dates import PartialDate
from .models import Authorship, Publication

_FIELDS = (
    "pk",
    "title",
    "source_citation",
    "pub_year",
    "pub_month",
    "pub_day",
    "volume",
    "issue",
    "pages",
    "venue__title",
    "venue__abbreviation",
)


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
    names: dict[int, list[str]] = defaultdict(list)
    authorships = (
        Authorship.objects.filter(publication_id__in=ids)
        .order_by("publication_id", "position")
        .values_list(
            "publication_id",
            "name_as_printed",
            "person__given_names",
            "person__family_name",
            "person__suffix",
        )
    )
    for publication_id, printed, given, family, suffix in authorships:
        names[publication_id].append(printed or person_name(given, family, suffix))
    entries = {}
    for pk, title, *fields, venue_title, abbreviation in (
        Publication.objects.published().filter(pk__in=ids).values_list(*_FIELDS)
    ):
        venue = (
            EntryVenue(venue_title, abbreviation) if venue_title is not None else None
        )
        entries[pk] = Entry(pk, title, *fields, venue, authors_line(names[pk]))
    return entries
