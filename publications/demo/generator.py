"""Generate demo people and records: plain values, no database access.

Everything comes from one random.Random, so a seed and a starting database
give the same data every time. Fields the service layer derives (sort key,
slug, sanitised abstract, timestamps) are derived here the same way.
"""

import calendar
import datetime
import random
import zlib
from dataclasses import dataclass, field

from django.utils.text import slugify

from ..citation import epub_text, nlm_source
from ..dates import PartialDate
from ..identifiers import orcid_checksum
from ..sanitize import sanitize_abstract
from ..titles import title_key
from . import names, prose
from .draws import Weighted, between, one

DOI_PREFIX = "10.5555/demo."  # 10.5555 is the DOI test prefix
PMID_BASE = PMCID_BASE = 90_000_000  # far above any real PubMed or PMC id
FIRST_YEAR, LAST_YEAR = 1990, 2026
# A fixed "now", so timestamps do not depend on the day the data is made.
AS_OF = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
REPOSITORY_OPENED = datetime.datetime(2008, 1, 1, tzinfo=datetime.UTC)

# Share of each document type (by name); other types are not generated.
TYPE_WEIGHTS = {
    "Article": 70,
    "Review": 12,
    "Case Report": 5,
    "Letter": 3,
    "Editorial": 3,
    "Conference Proceeding": 2,
    "Book Chapter": 2,
    "Preprint": 1.2,
    "Poster": 0.8,
    "Report": 0.4,
    "Book": 0.3,
    "Dataset": 0.2,
    "Dissertation": 0.1,
}
TYPE_KINDS = {"Review": "review", "Case Report": "case", "Letter": "comment"}
TYPE_KINDS |= {"Editorial": "comment", "Book": "book", "Book Chapter": "book"}
IN_JOURNALS = {"Article", "Review", "Case Report", "Letter", "Editorial"}
IN_JOURNALS |= {"Conference Proceeding"}
# Authors per record, 1 to 12: most papers have 3 to 6.
AUTHOR_COUNT_WEIGHTS = [8, 12, 15, 15, 13, 10, 8, 6, 5, 3, 3, 2]
WITHDRAWAL_NOTES = [
    "Withdrawn at the authors' request: the article was retracted by the journal.",
    "Withdrawn: a duplicate of another record in this collection.",
    "Withdrawn: the authors are not affiliated with this institution.",
]


@dataclass
class Reference:
    """Rows the generated records point at, read from the database."""

    document_types: dict[str, int]  # name -> id
    journals: list[tuple[int, str]]  # (id, abbreviation), most popular first
    preprint_servers: list[tuple[int, str]]
    departments: list[tuple[int, str]]  # units people belong to
    subjects: list[int]
    check_tags: list[tuple[int, float]]  # (keyword id, share of records)
    topic_keywords: list[int]
    institution: str


@dataclass
class DemoPerson:
    given_names: str
    family_name: str
    suffix: str
    slug: str
    orcid: str | None
    is_local: bool
    department_id: int | None
    printed: str  # NLM style: "Henter JI"
    id: int | None = None


@dataclass
class DemoRecord:
    fields: dict  # Publication column values by attname
    authors: list[tuple[DemoPerson, str, bool]]  # person, affiliation, corresponding
    departments: list[int]
    subjects: list[int]
    keywords: list[int]
    links: list[tuple[str, str, str]] = field(default_factory=list)


def _initials(given_names: str) -> str:
    return "".join(part[0] for part in given_names.replace("-", " ").split())


def people_generate(
    rng: random.Random,
    count: int,
    reference: Reference,
    *,
    taken_slugs: set[str],
    taken_orcids: set[str],
) -> list[DemoPerson]:
    """`count` people, most of them local faculty with a department, about 30%
    with an ORCID iD (valid, in a block ORCID has not issued)."""
    people = []
    next_suffix: dict[str, int] = {}
    for _ in range(count):
        given = rng.choice(names.GIVEN_NAMES)
        if rng.random() < 0.3:
            given = f"{given} {rng.choice(names.MIDDLE_INITIALS)}."
        family = rng.choice(names.FAMILY_NAMES)
        suffix = rng.choice(names.SUFFIXES) if rng.random() < 0.01 else ""
        base = slugify(f"{family} {given} {suffix}")
        n = next_suffix.get(base, 1)
        slug = base if n == 1 else f"{base}-{n}"
        while slug in taken_slugs:
            n += 1
            slug = f"{base}-{n}"
        next_suffix[base] = n + 1
        taken_slugs.add(slug)
        orcid = None
        if rng.random() < 0.3:
            while orcid is None or orcid in taken_orcids:
                digits = f"00099{rng.randrange(10**10):010d}"
                digits += orcid_checksum(digits)
                orcid = "-".join(digits[i : i + 4] for i in range(0, 16, 4))
            taken_orcids.add(orcid)
        is_local = rng.random() < 0.7
        department = rng.choice(reference.departments)[0] if is_local else None
        printed = f"{family} {_initials(given)}" + (f" {suffix}" if suffix else "")
        people.append(
            DemoPerson(
                given, family, suffix, slug, orcid, is_local, department, printed
            )
        )
    return people


def _nlm_pages(r) -> str:
    """ "609-22": NLM drops the leading digits the end page shares."""
    if r() < 0.1:
        return f"e{between(r, 10000, 100000)}"
    first = between(r, 1, 2400)
    start, last = str(first), str(first + between(r, 2, 18))
    if len(last) == len(start):
        common = 0
        while common < len(start) - 1 and start[common] == last[common]:
            common += 1
        last = last[common:]
    return f"{start}-{last}"


class RecordGenerator:
    def __init__(
        self, rng: random.Random, reference: Reference, people: list[DemoPerson]
    ):
        self.rng, self.r, self.reference = rng, rng.random, reference
        self.departments = dict(reference.departments)
        types = [n for n in TYPE_WEIGHTS if n in reference.document_types]
        self.types = Weighted(types, (TYPE_WEIGHTS[n] for n in types))
        years = range(FIRST_YEAR, LAST_YEAR + 1)
        self.years = Weighted(years, (1.08 ** (y - FIRST_YEAR) for y in years))
        self.author_counts = Weighted(range(1, 13), AUTHOR_COUNT_WEIGHTS)
        self.people = Weighted.zipf(people, 0.8)
        self.journals = Weighted.zipf(reference.journals, 0.9)
        self.subjects = Weighted.zipf(reference.subjects, 0.8)
        self.topics = Weighted.zipf(reference.topic_keywords, 0.9)

    def _date(self) -> PartialDate:
        r = self.r
        year = self.years.one(r)
        precision = r()
        if precision < 0.2:
            return PartialDate(year)
        # No issue dated after "now"; the current year has its months so far.
        month = between(r, 1, 13 if year < AS_OF.year else AS_OF.month)
        if precision < 0.8:
            return PartialDate(year, month)
        return PartialDate(
            year, month, between(r, 1, calendar.monthrange(year, month)[1] + 1)
        )

    def _timestamps(self, published: datetime.date) -> dict:
        """When the record was added, published and last changed here."""
        r = self.r
        created = datetime.datetime(
            published.year,
            published.month,
            published.day,
            between(r, 8, 18),
            between(r, 0, 60),
            tzinfo=datetime.UTC,
        ) + datetime.timedelta(days=between(r, 14, 400))
        if created < REPOSITORY_OPENED:  # older papers were added in a backfill
            created = REPOSITORY_OPENED + datetime.timedelta(days=r() * 5 * 365)
        if created > AS_OF:
            created = AS_OF - datetime.timedelta(hours=between(r, 1, 24 * 60))
        updated = created
        if r() < 0.2:
            updated = min(AS_OF, created + datetime.timedelta(days=between(r, 1, 900)))
        return {"created_at": created, "updated_at": updated}

    def record(self, serial: int) -> DemoRecord:
        rng, r, ref = self.rng, self.r, self.reference
        type_name = self.types.one(r)
        kind = TYPE_KINDS.get(type_name, "research")
        date = self._date()
        facts = prose.topic(rng, date.year)
        title = prose.title(rng, kind, facts)
        doi = f"{DOI_PREFIX}{serial:08d}"
        fields = {
            "title": title,
            "title_key": title_key(title),
            "slug": slugify(title)[:80].strip("-"),
            "abstract": sanitize_abstract(prose.abstract(rng, kind, facts)),
            "pub_year": date.year,
            "pub_month": date.month,
            "pub_day": date.day,
            "date_sort": date.sort_key,
            "epub_date": None,
            "document_type_id": ref.document_types[type_name],
            "venue_id": None,
            "volume": "",
            "issue": "",
            "pages": "",
            "doi": doi,
            "pmid": None,
            "pmcid": None,
            "publisher_url": f"https://doi.org/{doi}",
            "status": "published",
            "withdrawal_note": "",
            "first_published_at": None,
            "withdrawn_at": None,
        }
        fields.update(self._timestamps(date.as_date()))
        citation = self._place(fields, type_name, date)
        if (type_name in IN_JOURNALS or type_name == "Preprint") and r() < 0.8:
            fields["pmid"] = str(PMID_BASE + serial)
            if r() < 0.3:
                fields["pmcid"] = f"PMC{PMCID_BASE + serial}"
        epub = ""
        if fields["epub_date"]:
            epub = f" Epub {epub_text(fields['epub_date'])}."
        fields["source_citation"] = f"{citation} doi: {doi}.{epub}"
        self._status(fields)
        authors = self._authors(kind)
        return DemoRecord(
            fields=fields,
            authors=authors,
            departments=self._departments(authors),
            subjects=self.subjects.distinct(r, between(r, 1, 4)),
            keywords=self._keywords(),
            links=self._links(doi),
        )

    def _place(self, fields: dict, type_name: str, date: PartialDate) -> str:
        """Venue, volume, issue, pages and epub date; the citation's source part."""
        r = self.r
        if type_name in IN_JOURNALS:
            venue_id, abbreviation = self.journals.one(r)
            fields["venue_id"] = venue_id
            # A journal's volumes count up by year from a start of its own.
            start = zlib.crc32(abbreviation.encode()) % 90
            fields["volume"] = str(date.year - FIRST_YEAR + 1 + start)
            fields["issue"] = str(date.month or between(r, 1, 13))
            fields["pages"] = _nlm_pages(r)
            if r() < 0.45:
                fields["epub_date"] = date.as_date() - datetime.timedelta(
                    days=between(r, 5, 90)
                )
            return nlm_source(
                journal=abbreviation,
                date_text=str(date),
                volume=fields["volume"],
                issue=fields["issue"],
                pages=fields["pages"],
            )
        if type_name == "Preprint":
            venue_id, abbreviation = one(r, self.reference.preprint_servers)
            fields["venue_id"] = venue_id
            return f"{abbreviation} [Preprint]. {date}."
        if type_name == "Book Chapter":
            fields["pages"] = pages = _nlm_pages(r)
            specialty = one(r, prose.CONDITIONS)
            return f"In: Clinical handbook of {specialty}. {date.year}. p. {pages}."
        return f"{self.reference.institution}; {date.year}."

    def _status(self, fields: dict) -> None:
        r = self.r
        draw = r()
        if draw < 0.007:
            fields["status"] = "draft"
            return
        fields["first_published_at"] = fields["created_at"]
        if draw < 0.01:
            fields["status"] = "withdrawn"
            fields["withdrawal_note"] = one(r, WITHDRAWAL_NOTES)
            withdrawn = fields["created_at"] + datetime.timedelta(
                days=between(r, 30, 700)
            )
            fields["withdrawn_at"] = fields["updated_at"] = min(AS_OF, withdrawn)

    def _authors(self, kind: str) -> list[tuple[DemoPerson, str, bool]]:
        r = self.r
        count = self.author_counts.one(r)
        if kind == "comment":
            count = min(count, 3)
        people = self.people.distinct(r, count)
        corresponding = len(people) - 1 if kind == "research" and len(people) > 2 else 0
        authors = []
        for position, person in enumerate(people):
            if person.is_local:
                department = self.departments[person.department_id]
                affiliation = f"{department}, {self.reference.institution}"
            elif r() < 0.7:
                affiliation = one(r, names.OUTSIDE_INSTITUTIONS)
            else:
                affiliation = ""
            authors.append((person, affiliation, position == corresponding))
        return authors

    def _departments(self, authors) -> list[int]:
        """The local authors' departments, up to three; else one at random."""
        departments: dict[int, None] = {}
        for person, _, _ in authors:
            if person.department_id is not None:
                departments.setdefault(person.department_id)
        if not departments:
            return [one(self.r, self.reference.departments)[0]]
        return list(departments)[:3]

    def _keywords(self) -> list[int]:
        r = self.r
        wanted = between(r, 2, 9)
        chosen = [pk for pk, share in self.reference.check_tags if r() < share]
        chosen = chosen[: wanted - 1]
        return chosen + self.topics.distinct(r, wanted - len(chosen))

    def _links(self, doi: str) -> list[tuple[str, str, str]]:
        draw = self.r()
        if draw < 0.05:
            return [
                ("Supplementary data set", f"https://doi.org/{doi}.data", "dataset")
            ]
        if draw < 0.08:
            return [("Preprint version", f"https://doi.org/{doi}.preprint", "preprint")]
        return []
