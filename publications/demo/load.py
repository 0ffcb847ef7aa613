"""Load demo data: the seed record, then N generated records, written in
batches straight to the tables (COPY on PostgreSQL), so memory stays flat and
a million records take minutes.

Records are numbered: record n has DOI 10.5555/demo.<n, 8 digits>, PubMed ID
90000000+n (when it has one) and PMCID PMC90000000+n. A later run continues
after the highest number in the database, so runs add up without clashing.
No audit history is written for demo records.
"""

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from .. import stats
from ..loaders.base import ProgressFactory, no_progress
from ..models import (
    Authorship,
    Person,
    Publication,
    PublicationDepartment,
    RelatedLink,
)
from .background import in_background
from .bulk import BulkWriter
from .generator import DOI_PREFIX, DemoPerson, RecordGenerator, people_generate
from .reference import reference_ensure
from .seed import seed_record_load

BATCH_SIZE = 5000
PERSON_COLUMNS = (
    "id",
    "given_names",
    "family_name",
    "suffix",
    "slug",
    "orcid",
    "is_local",
)
PUBLICATION_COLUMNS = (
    "id",
    "title",
    "title_key",
    "slug",
    "abstract",
    "pub_year",
    "pub_month",
    "pub_day",
    "date_sort",
    "epub_date",
    "document_type_id",
    "venue_id",
    "volume",
    "issue",
    "pages",
    "source_citation",
    "doi",
    "pmid",
    "pmcid",
    "publisher_url",
    "status",
    "withdrawal_note",
    "created_at",
    "updated_at",
    "first_published_at",
    "withdrawn_at",
)

# The tables each batch writes.
WRITTEN = (
    Publication,
    Authorship,
    PublicationDepartment,
    Publication.subjects.through,
    Publication.keywords.through,
    RelatedLink,
)
# VACUUM sets the visibility maps of the tables reader pages join, so that
# index-only scans skip the heap.
VACUUMED = (*WRITTEN, Person, Person.departments.through)


@dataclass
class DemoReport:
    first_serial: int
    records: int
    people: int
    seconds: float

    def summary(self) -> str:
        if not self.records:
            return "The seed record is loaded; no demo records were asked for."
        last = self.first_serial + self.records - 1
        rate = self.records / self.seconds if self.seconds else 0
        return (
            f"Loaded {self.records:,} demo records (numbers {self.first_serial:,} to "
            f"{last:,}) and {self.people:,} people in {self.seconds:.1f} s "
            f"({rate:,.0f} records/s)."
        )


def next_demo_serial() -> int:
    """One past the highest demo record number in the database."""
    last = (
        Publication.objects.filter(doi__startswith=DOI_PREFIX)
        .order_by("-doi")
        .values_list("doi", flat=True)
        .first()
    )
    return int(last.removeprefix(DOI_PREFIX)) + 1 if last else 1


def demo_load(
    *,
    count: int,
    seed: int,
    batch_size: int = BATCH_SIZE,
    progress: ProgressFactory = no_progress,
) -> DemoReport:
    """The seed record, a pool of people, then `count` records in batches of
    `batch_size`, each batch in its own transaction."""
    started = time.monotonic()
    seed_record_load()
    if count <= 0:
        return DemoReport(next_demo_serial(), 0, 0, time.monotonic() - started)
    writer = BulkWriter()
    with transaction.atomic():
        reference = reference_ensure()
        first = next_demo_serial()
        rng = random.Random(f"demo:{seed}:{first}")  # noqa: S311 - not for secrets
        people = _people_pool(writer, rng, count, reference)
    generator = RecordGenerator(rng, reference, people)
    batches = (
        [
            generator.record(n)
            for n in range(start, min(start + batch_size, first + count))
        ]
        for start in range(first, first + count, batch_size)
    )
    skip_fk_checks = _can_skip_fk_checks()
    with progress(total=count, desc="Demo records") as bar:
        # The next batch is generated while this one is written.
        for records in in_background(batches):
            with transaction.atomic(), _batch_settings(skip_fk_checks=skip_fk_checks):
                _write_records(writer, records)
            bar.update(len(records))
    stats.invalidate()
    _analyze()
    return DemoReport(first, count, len(people), time.monotonic() - started)


def _people_pool(writer: BulkWriter, rng, count: int, reference) -> list[DemoPerson]:
    """About a quarter as many people as records (at least 50), written."""
    people = people_generate(
        rng,
        max(50, count // 4),
        reference,
        taken_slugs=set(Person.objects.values_list("slug", flat=True)),
        taken_orcids=set(
            Person.objects.exclude(orcid=None).values_list("orcid", flat=True)
        ),
    )
    for person, pk in zip(people, writer.reserve_ids(Person, len(people)), strict=True):
        person.id = pk
    writer.insert(
        Person,
        PERSON_COLUMNS,
        (
            (p.id, p.given_names, p.family_name, p.suffix, p.slug, p.orcid, p.is_local)
            for p in people
        ),
    )
    writer.insert(
        Person.departments.through,
        ("person_id", "department_id"),
        ((p.id, p.department_id) for p in people if p.department_id is not None),
    )
    return people


def _can_skip_fk_checks() -> bool:
    """Whether batches may skip foreign-key checks on PostgreSQL.

    Every id a generated row points at was read from the database or reserved
    from its sequence in this run, so the deferred checks (a third of the load
    time) can only pass. Skipping them means session_replication_role=replica,
    which needs a superuser and also silences ordinary triggers: so only when
    no table written has a trigger of its own (a search index trigger, say).
    """
    if connection.vendor != "postgresql":
        return False
    tables = [model._meta.db_table for model in WRITTEN]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('is_superuser') = 'on' AND NOT EXISTS ("
            "SELECT 1 FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid = ANY(%s::regclass[]))",
            [tables],
        )
        return cursor.fetchone()[0]


@contextmanager
def _batch_settings(*, skip_fk_checks: bool):
    """For one batch's transaction on PostgreSQL: no wait for the WAL flush at
    commit (demo data can be made again) and, where safe, no FK checks; the
    latter is undone after the batch, in case an outer transaction goes on."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if skip_fk_checks:
            cursor.execute("SET LOCAL session_replication_role TO replica")
    yield
    if skip_fk_checks:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role TO DEFAULT")


def _write_records(writer: BulkWriter, records) -> None:
    ids = writer.reserve_ids(Publication, len(records))
    for record, pk in zip(records, ids, strict=True):
        record.fields["id"] = pk
    writer.insert(
        Publication,
        PUBLICATION_COLUMNS,
        (tuple(r.fields[name] for name in PUBLICATION_COLUMNS) for r in records),
    )
    writer.insert(
        Authorship,
        (
            "publication_id",
            "person_id",
            "position",
            "name_as_printed",
            "affiliation",
            "corresponding",
        ),
        (
            (r.fields["id"], person.id, position, person.printed, affiliation, corr)
            for r in records
            for position, (person, affiliation, corr) in enumerate(r.authors, 1)
        ),
    )
    writer.insert(
        PublicationDepartment,
        ("publication_id", "department_id", "position"),
        (
            (r.fields["id"], department, position)
            for r in records
            for position, department in enumerate(r.departments, 1)
        ),
    )
    writer.insert(
        Publication.subjects.through,
        ("publication_id", "subject_id"),
        ((r.fields["id"], subject) for r in records for subject in r.subjects),
    )
    writer.insert(
        Publication.keywords.through,
        ("publication_id", "keyword_id"),
        ((r.fields["id"], keyword) for r in records for keyword in r.keywords),
    )
    writer.insert(
        RelatedLink,
        ("publication_id", "label", "url", "kind", "position"),
        (
            (r.fields["id"], label, url, kind, position)
            for r in records
            for position, (label, url, kind) in enumerate(r.links, 1)
        ),
    )


def _analyze() -> None:
    """Fresh planner statistics; on PostgreSQL outside a transaction, VACUUM
    too, so index-only scans work on the new rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            qn = connection.ops.quote_name
            if not connection.in_atomic_block:
                for model in VACUUMED:
                    cursor.execute(f"VACUUM ANALYZE {qn(model._meta.db_table)}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
