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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Min, QuerySet

# The lookups behind composite primary keys (Django 5.2).
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan

from ..models import Authorship, Publication, PublicationDepartment, RelatedLink
from .datestamps import Bound, datestamp
from .sets import Node, PublicationSubject, SetCatalogue

PublicationKeyword = Publication.keywords.through
HARVESTABLE = (Publication.Status.PUBLISHED, Publication.Status.WITHDRAWN)
WITHDRAWN = Publication.Status.WITHDRAWN.value


def harvestable() -> QuerySet:
    """Published and withdrawn records. The status list matches the partial
    index the harvest order uses."""
    return Publication.objects.filter(status__in=HARVESTABLE)


def with_metadata(queryset: QuerySet) -> QuerySet:
    """The joins every metadata format reads. Authors, keywords and links
    come with `harvest_records(..., metadata=True)`; departments and
    disciplines from the set catalogue."""
    return queryset.select_related("venue", "document_type")


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


@dataclass(frozen=True, slots=True)
class Author:
    family_name: str
    given_names: str
    suffix: str
    orcid: str | None

    @property
    def sort_name(self) -> str:
        """ "Henter, Jan-Inge", as Person.sort_name has it."""
        name = ", ".join(part for part in (self.family_name, self.given_names) if part)
        return f"{name}, {self.suffix}" if self.suffix else name


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    vocabulary: str


@dataclass
class HarvestRecord:
    """One record as a header or metadata format sees it."""

    publication: Publication
    identifier: str
    datestamp: str
    set_specs: list[str]
    subjects: list[Node] = field(default_factory=list)
    departments: list[Node] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    keywords: list[Term] = field(default_factory=list)
    related_urls: list[str] = field(default_factory=list)

    @property
    def deleted(self) -> bool:
        return self.publication.status == WITHDRAWN


def _grouped(rows: Iterable[tuple]) -> dict[int, list]:
    """{publication id: [the rest of each row]} from (publication id, ...) rows."""
    found: dict[int, list] = defaultdict(list)
    for publication_id, *rest in rows:
        found[publication_id].append(rest[0] if len(rest) == 1 else rest)
    return found


def _page_links(ids: Sequence[int], metadata: bool) -> dict[str, dict[int, list]]:
    """The rows a page of records joins, as tuples: two queries for headers,
    three more with metadata. Tuples, not model instances: a page of a
    hundred records has about a thousand of them."""
    links = {
        "departments": PublicationDepartment.objects.filter(publication_id__in=ids)
        .order_by("publication_id", "position", "id")
        .values_list("publication_id", "department_id"),
        "subjects": PublicationSubject.objects.filter(publication_id__in=ids)
        .order_by()
        .values_list("publication_id", "subject_id"),
    }
    if metadata:
        links["authors"] = (
            Authorship.objects.filter(publication_id__in=ids)
            .order_by("publication_id", "position")
            .values_list(
                "publication_id",
                "person__family_name",
                "person__given_names",
                "person__suffix",
                "person__orcid",
            )
        )
        links["keywords"] = (
            PublicationKeyword.objects.filter(publication_id__in=ids)
            .order_by()
            .values_list("publication_id", "keyword__term", "keyword__vocabulary")
        )
        links["related_urls"] = (
            RelatedLink.objects.filter(publication_id__in=ids)
            .order_by("publication_id", "position", "id")
            .values_list("publication_id", "url")
        )
    if not ids:
        return {name: {} for name in links}
    return {name: _grouped(rows) for name, rows in links.items()}


def harvest_records(
    publications: Iterable[Publication],
    catalogue: SetCatalogue,
    *,
    metadata: bool = False,
) -> list[HarvestRecord]:
    """Wrap a page of records with identifiers, datestamps and sets, and with
    metadata their authors, keywords and links: a fixed number of queries
    whatever the page size."""
    publications = list(publications)
    links = _page_links([p.pk for p in publications], metadata)
    departments = catalogue.departments.nodes
    subjects = catalogue.subjects.nodes
    records = []
    for publication in publications:
        pk = publication.pk
        department_ids = links["departments"].get(pk, [])
        subject_ids = links["subjects"].get(pk, [])
        record = HarvestRecord(
            publication=publication,
            identifier=oai_identifier(pk),
            datestamp=datestamp(publication.updated_at),
            set_specs=catalogue.specs_for(
                publication.document_type_id, department_ids, subject_ids
            ),
            subjects=sorted(
                (subjects[i] for i in subject_ids if i in subjects),
                key=lambda node: node.name.casefold(),
            ),
            departments=[departments[i] for i in department_ids if i in departments],
        )
        if metadata:
            record.authors = [Author(*row) for row in links["authors"].get(pk, [])]
            record.keywords = [Term(*row) for row in links["keywords"].get(pk, [])]
            record.related_urls = links["related_urls"].get(pk, [])
        records.append(record)
    return records
