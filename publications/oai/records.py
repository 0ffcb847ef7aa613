"""What the provider disseminates, and the one query harvesters page through.

Harvestable records are the published ones and the withdrawn ones, which
OAI-PMH reports as deleted (deletedRecord "persistent"); drafts never appear.
Lists are ordered by (updated_at, id), the datestamp and a tie-breaker, and a
page continues after the last row of the one before (keyset paging), so the
thousandth page costs what the first does.

A record changed during a harvest gets a later updated_at and so sorts after
every row returned so far. Rows not yet returned are therefore never skipped
(an OFFSET would shift under them) nor returned twice; a row already returned
comes again at the end with its new datestamp, which is right: it is a new
version, the one an incremental harvest from its old datestamp would fetch.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import F, Min, QuerySet

# The lookups behind composite primary keys (Django 5.2).
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.db.models.lookups import In

from ..dates import PartialDate
from ..models import (
    Authorship,
    Person,
    Publication,
    PublicationDepartment,
    RelatedLink,
)
from .datestamps import Bound, datestamp
from .sets import Node, PublicationSubject, SetCatalogue

PublicationKeyword = Publication.keywords.through
HARVESTABLE = (Publication.Status.PUBLISHED, Publication.Status.WITHDRAWN)
WITHDRAWN = Publication.Status.WITHDRAWN.value


def harvestable() -> QuerySet:
    """Published and withdrawn records. The status list matches the partial
    index the harvest order uses."""
    return Publication.objects.filter(status__in=HARVESTABLE)


# The columns a header reads, then those every metadata format reads (with
# the venue and the document type joined). Authors, keywords and links come
# with `harvest_records(..., metadata=True)`; departments and disciplines
# from the set catalogue.
HEADER_COLUMNS = ("id", "updated_at", "status", "document_type_id")
# The record's own fields, named as on HarvestRecord.
OWN_COLUMNS = (
    "title",
    "abstract",
    "pub_year",
    "pub_month",
    "pub_day",
    "epub_date",
    "volume",
    "issue",
    "pages",
    "source_citation",
    "doi",
    "pmid",
    "pmcid",
    "publisher_url",
)
DOCUMENT_TYPE_COLUMNS = ("document_type__name", "document_type__slug")
VENUE_COLUMNS = (
    "venue__title",
    "venue__abbreviation",
    "venue__issn",
    "venue__eissn",
    "venue__publisher",
    "venue_id",
)
METADATA_COLUMNS = OWN_COLUMNS + DOCUMENT_TYPE_COLUMNS + VENUE_COLUMNS
# Where each group sits in a row of `as_rows(..., metadata=True)`.
_OWN = slice(len(HEADER_COLUMNS), len(HEADER_COLUMNS) + len(OWN_COLUMNS))
_DOCUMENT_TYPE = slice(_OWN.stop, _OWN.stop + len(DOCUMENT_TYPE_COLUMNS))
_VENUE = slice(_DOCUMENT_TYPE.stop, _DOCUMENT_TYPE.stop + len(VENUE_COLUMNS) - 1)


def as_rows(queryset: QuerySet, *, metadata: bool) -> QuerySet:
    """The columns `harvest_records` reads, as tuples: model instances (with
    their venue and document type) took longer to build than the page's SQL
    took to run."""
    columns = HEADER_COLUMNS + METADATA_COLUMNS if metadata else HEADER_COLUMNS
    return queryset.values_list(*columns)


def oai_identifier(publication_id: int) -> str:
    return f"oai:{settings.REPOSITORY['OAI_IDENTIFIER']}:{publication_id}"


def publication_id(identifier: str) -> int | None:
    """The record id an OAI identifier names, or None if it names none of ours."""
    prefix = f"oai:{settings.REPOSITORY['OAI_IDENTIFIER']}:"
    local = identifier.removeprefix(prefix)
    if local == identifier or not local.isascii() or not local.isdigit():
        return None
    # One spelling per record: "oai:...:07" is not "oai:...:7".
    if local != str(int(local)) or int(local) == 0:
        return None
    return int(local)


def earliest_datestamp() -> datetime.datetime | None:
    return harvestable().aggregate(earliest=Min("updated_at"))["earliest"]


def in_range(queryset: QuerySet, start: Bound | None, until: Bound | None) -> QuerySet:
    """from and until are inclusive at the granularity given (spec 3.3.1)."""
    if start is not None:
        queryset = queryset.filter(updated_at__gte=start.start)
    if until is not None and until.end is not None:
        queryset = queryset.filter(updated_at__lt=until.end)
    return queryset


def after(queryset: QuerySet, updated_at: datetime.datetime, pk: int) -> QuerySet:
    """Rows after (updated_at, pk) in harvest order.

    PostgreSQL gets the row comparison (updated_at, id) > (%s, %s), which the
    (updated_at, id) index seeks to directly even when thousands of rows share
    one updated_at (a bulk load); Django writes it as the equivalent OR on
    SQLite. The redundant `updated_at >= x` lets that OR start its index scan
    at x.
    """
    return queryset.filter(
        TupleGreaterThan(Tuple(F("updated_at"), F("id")), (updated_at, pk)),
        updated_at__gte=updated_at,
    )


def in_harvest_order(queryset: QuerySet) -> QuerySet:
    return queryset.order_by("updated_at", "id")


class Author(NamedTuple):
    family_name: str
    given_names: str
    suffix: str
    orcid: str | None

    @property
    def sort_name(self) -> str:
        """ "Henter, Jan-Inge", as Person.sort_name has it."""
        name = ", ".join(part for part in (self.family_name, self.given_names) if part)
        return f"{name}, {self.suffix}" if self.suffix else name


class Term(NamedTuple):
    term: str
    vocabulary: str


class Venue(NamedTuple):
    title: str
    abbreviation: str
    issn: str
    eissn: str
    publisher: str


class DocumentType(NamedTuple):
    name: str
    slug: str


@dataclass(slots=True)
class HarvestRecord:
    """One record as a header or metadata format sees it: its header, and
    with metadata its own fields (named as on Publication, so
    `citation.source_line` reads it as it reads a Publication) and the
    rows it links to."""

    id: int
    updated_at: datetime.datetime
    status: str
    document_type_id: int
    identifier: str
    datestamp: str
    set_specs: list[str]
    # Metadata (ListRecords, GetRecord); the defaults for a header alone.
    title: str = ""
    abstract: str = ""
    pub_year: int = 0
    pub_month: int | None = None
    pub_day: int | None = None
    epub_date: datetime.date | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    source_citation: str = ""
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    publisher_url: str = ""
    document_type: DocumentType | None = None
    venue: Venue | None = None
    subjects: list[Node] = field(default_factory=list)
    departments: list[Node] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    keywords: list[Term] = field(default_factory=list)
    related_urls: list[str] = field(default_factory=list)

    @property
    def deleted(self) -> bool:
        return self.status == WITHDRAWN

    @property
    def partial_date(self) -> PartialDate:
        return PartialDate(self.pub_year, self.pub_month, self.pub_day)


def _grouped(rows: Iterable[tuple], make: Callable | None = None) -> dict[int, list]:
    """{publication id: [...]} from (publication id, value) rows, or from
    (publication id, *fields) rows with make(fields) as the value."""
    found: dict[int, list] = {}
    if make is None:
        for publication_id, value in rows:
            found.setdefault(publication_id, []).append(value)
    else:
        for row in rows:
            found.setdefault(row[0], []).append(make(row[1:]))
    return found


class _OfPage(In):
    """`publication_id IN (ids)`, written `= ANY(%s)` on PostgreSQL: one array
    parameter rather than one per record, which spared the driver and the
    ORM about 1.5 ms per query on a page of 500 records."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def _of_page(model, ids: Sequence[int]) -> QuerySet:
    return model.objects.filter(_OfPage(F("publication_id"), ids))


def _authors(ids: Sequence[int]) -> dict[int, list[Author]]:
    """{publication id: its authors in order}, in two queries. Joined in one,
    PostgreSQL merge-joins the authorships with the whole people table (50 ms
    a page at 10^6 records); people looked up by id cost a few ms."""
    authorships = list(
        _of_page(Authorship, ids)
        .order_by("publication_id", "position")
        .values_list("publication_id", "person_id")
    )
    people = {
        row[0]: Author._make(row[1:])
        for row in Person.objects.filter(
            _OfPage(F("id"), list({person_id for _, person_id in authorships}))
        )
        .order_by()
        .values_list("id", "family_name", "given_names", "suffix", "orcid")
    }
    return _grouped(
        (publication_id, people[person_id]) for publication_id, person_id in authorships
    )


def _page_links(ids: Sequence[int], metadata: bool) -> dict[str, dict[int, list]]:
    """The rows a page of records joins, as tuples: two queries for headers,
    four more with metadata. Tuples, not model instances: a page of a
    hundred records has about a thousand of them.

    Subjects and keywords are read in the order of their tables' unique
    (publication_id, other_id) index, which PostgreSQL then reads alone
    (an index-only scan): at 10^6 records their pages are mostly not in
    memory, and this halves what each query reads from disk. Their order
    does not matter: formats sort them by name."""
    if not ids:
        return {}
    links = {
        "departments": _grouped(
            _of_page(PublicationDepartment, ids)
            .order_by("publication_id", "position", "id")
            .values_list("publication_id", "department_id")
        ),
        "subjects": _grouped(
            _of_page(PublicationSubject, ids)
            .order_by("publication_id", "subject_id")
            .values_list("publication_id", "subject_id")
        ),
    }
    if metadata:
        links["authors"] = _authors(ids)
        links["keywords"] = _grouped(
            _of_page(PublicationKeyword, ids)
            .order_by("publication_id", "keyword_id")
            .values_list("publication_id", "keyword__term", "keyword__vocabulary"),
            Term._make,
        )
        links["related_urls"] = _grouped(
            _of_page(RelatedLink, ids)
            .order_by("publication_id", "position", "id")
            .values_list("publication_id", "url")
        )
    return links


def harvest_records(
    rows: Iterable[tuple],
    catalogue: SetCatalogue,
    *,
    metadata: bool = False,
) -> list[HarvestRecord]:
    """Records from `as_rows` tuples (with the same `metadata`), with
    identifiers, datestamps and sets, and with metadata their authors,
    keywords and links: a fixed number of queries whatever the page size."""
    rows = list(rows)
    links = _page_links([row[0] for row in rows], metadata)
    no_links: dict[int, list] = {}
    departments_of = links.get("departments", no_links)
    subjects_of = links.get("subjects", no_links)
    authors_of = links.get("authors", no_links)
    keywords_of = links.get("keywords", no_links)
    related_urls_of = links.get("related_urls", no_links)
    departments = catalogue.departments.nodes
    subjects = catalogue.subjects.nodes
    document_types: dict[int, DocumentType] = {}
    records = []
    for row in rows:
        pk, updated_at, status, document_type_id = row[:4]
        department_ids = departments_of.get(pk, ())
        subject_ids = subjects_of.get(pk, ())
        record = HarvestRecord(
            pk,
            updated_at,
            status,
            document_type_id,
            oai_identifier(pk),
            datestamp(updated_at),
            catalogue.specs_for(document_type_id, department_ids, subject_ids),
        )
        if metadata:
            for name, value in zip(OWN_COLUMNS, row[_OWN], strict=True):
                setattr(record, name, value)
            record.document_type = document_types.get(document_type_id)
            if record.document_type is None:
                record.document_type = document_types[document_type_id] = (
                    DocumentType._make(row[_DOCUMENT_TYPE])
                )
            if row[-1] is not None:  # venue_id
                record.venue = Venue._make(row[_VENUE])
            record.subjects = sorted(
                (subjects[i] for i in subject_ids if i in subjects),
                key=lambda node: node.name.casefold(),
            )
            record.departments = [
                departments[i] for i in department_ids if i in departments
            ]
            record.authors = authors_of.get(pk, [])
            record.keywords = keywords_of.get(pk, [])
            record.related_urls = related_urls_of.get(pk, [])
        records.append(record)
    return records
