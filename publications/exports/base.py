"""What every citation format shares: one normalised record read from a
Publication, the citation key, and the base class of a format.

`export_record` reads only what `Publication.objects.published().for_record()`
has already loaded (venue, document type, authorships with their people,
departments, keywords), so exporting any number of records costs the same
fixed number of queries.
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from ..citation import permanent_url
from ..dates import PartialDate
from ..models import Publication
from .pages import PageRange, parse_pages
from .text import clean_text, html_to_text, one_line


@dataclass(frozen=True)
class Name:
    """An author as citation formats split names. A name with no given
    names (a group such as "WHO Study Group", or a mononym) is kept whole."""

    family: str
    given: str = ""
    suffix: str = ""

    @property
    def is_whole(self) -> bool:
        return not self.given

    @property
    def inverted(self) -> str:
        """'Müller, José', 'Smith, John, Jr', or a whole name as it is."""
        return ", ".join(
            part for part in (self.family, self.given, self.suffix) if part
        )


@dataclass(frozen=True)
class ExportRecord:
    """One publication as every citation format needs it, text already clean."""

    key: str
    csl_type: str
    bibtex_type: str
    ris_type: str
    authors: tuple[Name, ...]
    title: str
    container_title: str
    container_title_short: str
    date: PartialDate
    volume: str
    issue: str
    pages: PageRange | None
    doi: str
    pmid: str
    pmcid: str
    issn: str
    publisher: str
    abstract: str
    keywords: tuple[str, ...]
    url: str
    departments: tuple[str, ...]

    @property
    def affiliation_note(self) -> str:
        """'UMMS Affiliation: Department of Pediatrics; Department of Pathology',
        labelled as the record page labels it."""
        if not self.departments:
            return ""
        label = f"{settings.REPOSITORY['INSTITUTION_SHORT']} Affiliation"
        return f"{label}: {'; '.join(self.departments)}"


# Letters NFKD does not take apart into a base letter and an accent.
ASCII_LETTERS = str.maketrans(
    {"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe"}
    | {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th", "ı": "i"}
)
NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
# Words a key skips at the start of a title.
KEY_STOP_WORDS = frozenset("a an and at by for from in of on the to with".split())
KEY_PART_LENGTH = 30


def ascii_word(text: str) -> str:
    """'Müller-Lüdenscheidt' -> 'MullerLudenscheidt': ASCII letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text.translate(ASCII_LETTERS))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return NOT_ALPHANUMERIC.sub("", ascii_text)[:KEY_PART_LENGTH]


def _first_title_word(title: str) -> str:
    for word in title.split():
        folded = ascii_word(word)
        if folded and folded.lower() not in KEY_STOP_WORDS:
            return folded[0].upper() + folded[1:]
    return ""


def citation_key(publication: Publication) -> str:
    """A stable ASCII key, FamilyYearFirstTitleWord: 'Henter2013Advances'.

    Without a usable first author the title word leads ('Advances2013'); with
    neither the record id stands in ('record42-2013').
    """
    authorships = list(publication.authorships.all())
    family = ascii_word(authorships[0].person.family_name) if authorships else ""
    word = _first_title_word(publication.title)
    year = str(publication.pub_year)
    if family:
        return f"{family}{year}{word}"
    if word:
        return f"{word}{year}"
    return f"record{publication.pk}-{year}"


class CitationKeys:
    """Hands out citation keys over one export, unique within it: a second
    'Smith2020Cancer' becomes 'Smith2020Cancer-2'."""

    def __init__(self):
        self._seen: set[str] = set()

    def assign(self, publication: Publication) -> str:
        key = base = citation_key(publication)
        number = 2
        while key in self._seen:
            key, number = f"{base}-{number}", number + 1
        self._seen.add(key)
        return key


def _name(person) -> Name:
    return Name(
        family=one_line(person.family_name),
        given=one_line(person.given_names),
        suffix=one_line(person.suffix),
    )


def export_record(publication: Publication, *, key: str) -> ExportRecord:
    """Read one publication (loaded with `for_record()`) into an ExportRecord."""
    venue = publication.venue
    document_type = publication.document_type
    return ExportRecord(
        key=key,
        csl_type=document_type.csl_type,
        bibtex_type=document_type.bibtex_type,
        ris_type=document_type.ris_type,
        authors=tuple(_name(a.person) for a in publication.authorships.all()),
        title=one_line(publication.title),
        container_title=one_line(venue.title) if venue else "",
        container_title_short=one_line(venue.abbreviation) if venue else "",
        date=publication.partial_date,
        volume=one_line(publication.volume),
        issue=one_line(publication.issue),
        pages=parse_pages(one_line(publication.pages)),
        doi=one_line(publication.doi),
        pmid=one_line(publication.pmid),
        pmcid=one_line(publication.pmcid),
        issn=one_line(venue.issn or venue.eissn) if venue else "",
        publisher=one_line(venue.publisher) if venue else "",
        abstract=html_to_text(clean_text(publication.abstract)),
        keywords=tuple(one_line(k.term) for k in publication.keywords.all()),
        url=permanent_url(publication),
        departments=tuple(
            one_line(link.department.name)
            for link in publication.department_links.all()
        ),
    )


class ExportFormat:
    """A citation format. Subclasses set the attributes and `render_record`;
    `opening`, `separator` and `closing` frame the records of a whole file."""

    key: str
    label: str
    media_type: str
    extension: str
    opening = ""
    separator = ""
    closing = ""

    def render(self, publications: Iterable[Publication]) -> Iterator[str]:
        """The file in chunks, one per record, so a long export can stream."""
        keys = CitationKeys()
        if self.opening:
            yield self.opening
        for index, publication in enumerate(publications):
            if index and self.separator:
                yield self.separator
            yield self.render_record(
                export_record(publication, key=keys.assign(publication))
            )
        if self.closing:
            yield self.closing

    def render_record(self, record: ExportRecord) -> str:
        raise NotImplementedError

    def filename(self, publication: Publication) -> str:
        """'Henter2013Advances.bib'."""
        return f"{citation_key(publication)}.{self.extension}"
