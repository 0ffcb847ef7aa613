"""Writes. The admin, importers and commands all go through these functions, so
identifier rules, sanitising, audit history and cached counts are handled once.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from . import search
from .importers.base import FULL_TEXT_LABEL
from .models import (
    Authorship,
    Department,
    Keyword,
    Person,
    Publication,
    PublicationDepartment,
    RelatedLink,
    Subject,
    Venue,
)
from .sanitize import sanitize_abstract
from .titles import title_key

IDENTIFIER_FIELDS = ("doi", "pmid", "pmcid")


@dataclass(frozen=True)
class AuthorInput:
    """One author as a source gives them, for `publication_create`."""

    person: Person
    name_as_printed: str = ""
    affiliation: str = ""
    corresponding: bool = False
    # For a person created by publications_create_bulk: their departments.
    departments: tuple[Department, ...] = ()


def _attach_user(instance, user, reason: str | None = None) -> None:
    """simple_history reads these when it writes the history row."""
    if user is not None:
        instance._history_user = user
    if reason:
        instance._change_reason = reason


def _counts_changed() -> None:
    """Drop cached counts now (this transaction may read them), and again at
    commit: a reader who recounts in between would otherwise cache the old
    figures. Under search.counts_deferred(), at commit only."""
    search.cached_counts_stale()


def _records_changed(publication_ids) -> None:
    """Records whose metadata changed without a save of their own (an author,
    keyword or journal renamed): their OAI-PMH datestamp moves, so harvesters
    fetch them again, and their search documents are rewritten at commit."""
    ids = list(publication_ids)
    if ids:
        Publication.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        search.index_publications_on_commit(ids)


def _save_checked(publication: Publication) -> None:
    """Save, turning a unique-identifier race into the same message full_clean
    gives (a concurrent write may slip in between the check and the insert)."""
    try:
        with transaction.atomic():
            publication.save()
    except IntegrityError as error:
        publication.validate_unique()
        raise ValidationError(str(error)) from error


def publication_prepare(*, publication: Publication) -> None:
    """Normalise and validate a record in place: sanitised abstract, sort key,
    slug, title key, identifiers. Raises ValidationError naming each bad field."""
    publication.abstract = sanitize_abstract(publication.abstract or "")
    publication.title_key = title_key(publication.title or "")
    publication.full_clean()


@transaction.atomic
def publication_save(
    *, publication: Publication, user=None, reason: str | None = None
) -> Publication:
    """Create or update one record after the admin (or a caller) has set fields."""
    publication_prepare(publication=publication)
    if publication.status == Publication.Status.PUBLISHED and not (
        publication.first_published_at
    ):
        publication.first_published_at = timezone.now()
    _attach_user(publication, user, reason)
    _save_checked(publication)
    _counts_changed()
    # At commit, when the caller has also saved authors, subjects and the rest.
    search.index_publications_on_commit([publication.pk])
    return publication


@transaction.atomic
def publication_create(
    *,
    title: str,
    pub_year: int,
    document_type,
    authors: Sequence[AuthorInput] = (),
    departments: Iterable[Department] = (),
    subjects: Iterable[Subject] = (),
    keywords: Iterable[Keyword] = (),
    related_links: Iterable[tuple[str, str, str]] = (),
    status: str = Publication.Status.DRAFT,
    user=None,
    **fields,
) -> Publication:
    """Create a record with its authors, departments, subjects, keywords and
    related links (label, url, kind) in one transaction."""
    publication = Publication(
        title=title,
        pub_year=pub_year,
        document_type=document_type,
        status=status,
        **fields,
    )
    publication_save(publication=publication, user=user)
    for position, author in enumerate(authors, 1):
        Authorship.objects.create(
            publication=publication,
            person=author.person,
            position=position,
            name_as_printed=author.name_as_printed,
            affiliation=author.affiliation,
            corresponding=author.corresponding,
        )
    for position, department in enumerate(departments, 1):
        PublicationDepartment.objects.create(
            publication=publication, department=department, position=position
        )
    publication.subjects.set(subjects)
    publication.keywords.set(keywords)
    for position, (label, url, kind) in enumerate(related_links, 1):
        publication.related_links.create(
            label=label, url=url, kind=kind, position=position
        )
    return publication


@transaction.atomic
def publication_publish(*, publication: Publication, user=None) -> Publication:
    publication.status = Publication.Status.PUBLISHED
    publication.withdrawal_note = ""
    publication.withdrawn_at = None
    return publication_save(publication=publication, user=user, reason="Published")


@transaction.atomic
def publication_withdraw(*, publication: Publication, note: str, user=None):
    """Withdraw a record: readers get a tombstone (HTTP 410) with the note."""
    note = note.strip()
    if not note:
        raise ValidationError(
            {"withdrawal_note": "Say why the record is withdrawn; readers see it."}
        )
    publication.status = Publication.Status.WITHDRAWN
    publication.withdrawal_note = note
    publication.withdrawn_at = timezone.now()
    return publication_save(publication=publication, user=user, reason="Withdrawn")


@transaction.atomic
def publication_delete(*, publication: Publication, user=None) -> None:
    """Delete a record for good (curators withdraw instead). Its search
    document goes at commit, and with it its share of the counts kept beside
    the index (trees, years, the author index, totals)."""
    pk = publication.pk
    _attach_user(publication, user)
    publication.delete()
    _counts_changed()
    search.index_publications_on_commit([pk])


# Authorship positions are unique per record; rows being saved first move to
# positions above any real one, so reordering never collides halfway through.
PARKING_POSITION = 20000


@transaction.atomic
def authorships_save(
    *,
    publication: Publication,
    authorships: Sequence[Authorship],
    deleted: Iterable[Authorship] = (),
    user=None,
) -> None:
    """Save a record's whole author list in the given order (positions 1..n).

    `authorships` holds every author that stays, new or existing, in order.
    """
    for authorship in deleted:
        _attach_user(authorship, user)
        authorship.delete()
    existing = [a.pk for a in authorships if a.pk]
    Authorship.objects.filter(pk__in=existing).update(
        position=F("position") + PARKING_POSITION
    )
    for position, authorship in enumerate(authorships, 1):
        authorship.publication = publication
        authorship.position = position
        _attach_user(authorship, user)
        authorship.save()
    _counts_changed()
    _records_changed([publication.pk])


def unique_slug(model, text: str, *, exclude_pk=None, max_length: int = 255) -> str:
    """A slug for `text` not yet used by another row of `model`."""
    base = (slugify(text) or model._meta.model_name)[: max_length - 8].strip("-")
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _saved_values(model, pk, *fields) -> tuple | None:
    """The row's values as stored before this save (None for a new row)."""
    if pk is None:
        return None
    return model.objects.filter(pk=pk).values_list(*fields).first()


def person_save(*, person: Person, user=None) -> Person:
    if not person.slug:
        person.slug = unique_slug(
            Person, f"{person.family_name} {person.given_names}", exclude_pk=person.pk
        )
    before = _saved_values(Person, person.pk, "given_names", "family_name")
    person.full_clean()
    person.save()
    _counts_changed()
    if before is not None and before != (person.given_names, person.family_name):
        # Names are in the search documents of the person's records.
        _records_changed(
            Authorship.objects.filter(person=person).values_list(
                "publication_id", flat=True
            )
        )
    return person


# Saving the things records refer to. Their names (and, for departments and
# subjects, their place in the hierarchy) are part of the metadata of the
# records that refer to them, so those records change too (_records_changed).
# A popular keyword or journal can have thousands of records: reindexing them
# costs about a millisecond each.


def _with_descendants(model, pk) -> list[int]:
    """The id and every sub-unit's (the tree is small: read it whole)."""
    children: dict[int | None, list[int]] = {}
    for child, parent in model.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(child)
    found, pending = set(), [pk]
    while pending:
        node = pending.pop()
        if node not in found:
            found.add(node)
            pending.extend(children.get(node, []))
    return sorted(found)


@transaction.atomic
def department_save(*, department: Department, user=None) -> Department:
    """Create or update a department. Names are not searched, but a move
    under another parent changes which records a department filter finds
    (sub-units included): then its records and its sub-units' are reindexed."""
    before = _saved_values(Department, department.pk, "parent_id")
    department.full_clean()
    department.save()
    if before is not None and before != (department.parent_id,):
        _records_changed(
            PublicationDepartment.objects.filter(
                department_id__in=_with_descendants(Department, department.pk)
            )
            .values_list("publication_id", flat=True)
            .distinct()
        )
    _counts_changed()
    return department


@transaction.atomic
def subject_save(*, subject: Subject, user=None) -> Subject:
    """Create or update a subject. A new name is searched in its records; a
    move under another parent changes what its broader subjects' filters
    find, so then the records of its narrower subjects are reindexed too."""
    before = _saved_values(Subject, subject.pk, "name", "parent_id")
    subject.full_clean()
    subject.save()
    if before is not None and before != (subject.name, subject.parent_id):
        moved = before[1] != subject.parent_id
        subjects = _with_descendants(Subject, subject.pk) if moved else [subject.pk]
        _records_changed(
            Publication.subjects.through.objects.filter(subject_id__in=subjects)
            .values_list("publication_id", flat=True)
            .distinct()
        )
    _counts_changed()
    return subject


@transaction.atomic
def subject_delete(*, subject: Subject, user=None) -> None:
    """Delete a subject (one without narrower subjects); its records lose it."""
    affected = list(subject.publications.values_list("pk", flat=True))
    subject.delete()
    _records_changed(affected)
    _counts_changed()


@transaction.atomic
def keyword_save(*, keyword: Keyword, user=None) -> Keyword:
    before = _saved_values(Keyword, keyword.pk, "term")
    keyword.full_clean()
    keyword.save()
    if before is not None and before != (keyword.term,):
        _records_changed(keyword.publications.values_list("pk", flat=True))
    _counts_changed()
    return keyword


@transaction.atomic
def keyword_delete(*, keyword: Keyword, user=None) -> None:
    """Delete a keyword; the records that had it lose it."""
    affected = list(keyword.publications.values_list("pk", flat=True))
    keyword.delete()
    _records_changed(affected)
    _counts_changed()


@transaction.atomic
def venue_save(*, venue: Venue, user=None) -> Venue:
    before = _saved_values(Venue, venue.pk, "title", "abbreviation")
    venue.full_clean()
    venue.save()
    if before is not None and before != (venue.title, venue.abbreviation):
        _records_changed(venue.publications.values_list("pk", flat=True))
    _counts_changed()
    return venue


# Bulk creation, for imports. One record at a time through publication_create
# costs a dozen queries and a history row per author; an import of 100,000
# records writes each table once per chunk instead (COPY on PostgreSQL), with
# the same audit history, one search indexing call and one counts change.


@dataclass(frozen=True, kw_only=True)
class NewPublication:
    """One record for `publications_create_bulk`: `publication` unsaved with
    its fields set (its venue may be unsaved too); authors' people and the
    keywords may be unsaved, and are created once however many records share
    them."""

    publication: Publication
    authors: Sequence[AuthorInput] = ()
    departments: Sequence[Department] = ()
    subjects: Sequence[Subject] = ()
    keywords: Sequence[Keyword] = ()
    related_links: Sequence[tuple[str, str, str]] = ()


def _unsaved(objects: Iterable) -> list:
    """Unsaved instances, each once (the same instance may be shared)."""
    seen: dict[int, object] = {}
    for obj in objects:
        if obj is not None and obj.pk is None:
            seen.setdefault(id(obj), obj)
    return list(seen.values())


def _unique_slugs(model, objects: Sequence, texts: Sequence[str]) -> None:
    """Give each object a slug no row of `model` has, as unique_slug does, in
    two queries for the lot: which plain slugs are taken, then the numbered
    forms of those that are."""
    bases = [
        (slugify(text) or model._meta.model_name)[:247].strip("-") for text in texts
    ]
    taken = _slugs_taken(model, sorted(set(bases)), numbered=False)
    clashing = sorted({base for base in bases if base in taken})
    taken |= _slugs_taken(model, clashing, numbered=True)
    counters: dict[str, int] = {}
    for obj, base in zip(objects, bases, strict=True):
        slug, n = base, counters.get(base, 2)
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        counters[base] = n
        taken.add(slug)
        obj.slug = slug


_SLUGS_AT_ONCE = 500


def _slugs_taken(model, bases: Sequence[str], *, numbered: bool) -> set[str]:
    """The slugs of `model` among `bases`, or (`numbered`) of the form
    "<base>-<anything>". Plain SQL: for a thousand slugs the ORM took longer
    to build the statement than the database to run it."""
    table = connection.ops.quote_name(model._meta.db_table)
    if not bases:
        return set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array, not a placeholder a slug; "<base>-..." is the range
            # of the slug's pattern index from "<base>-" to "<base>.", the
            # character after "-".
            if numbered:
                sql = (
                    "SELECT t.slug FROM unnest(%s::text[]) AS b(base) "  # noqa: S608
                    f"JOIN {table} t "
                    "ON t.slug ~>=~ (b.base || '-') AND t.slug ~<~ (b.base || '.')"
                )
            else:
                sql = f"SELECT slug FROM {table} WHERE slug = ANY(%s)"  # noqa: S608
            cursor.execute(sql, [list(bases)])
            return {slug for (slug,) in cursor.fetchall()}
        taken: set[str] = set()
        for start in range(0, len(bases), _SLUGS_AT_ONCE):
            part = bases[start : start + _SLUGS_AT_ONCE]
            if numbered:
                where = " OR ".join(["slug LIKE %s ESCAPE '\\'"] * len(part))
                params = [_escape_like(base) + "-%" for base in part]
            else:
                where = f"slug IN ({', '.join(['%s'] * len(part))})"
                params = list(part)
            cursor.execute(f"SELECT slug FROM {table} WHERE {where}", params)  # noqa: S608 - placeholders only
            taken.update(slug for (slug,) in cursor.fetchall())
    return taken


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _insert(writer, model, objects: Sequence, *, reserve: bool = True) -> None:
    """Write unsaved instances of `model`, setting their primary keys."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if reserve:
        for obj, pk in zip(
            objects, writer.reserve_ids(model, len(objects)), strict=True
        ):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = writer.connection.alias
        fields = [model._meta.pk, *fields]
    columns = [f.attname for f in fields]
    writer.insert(
        model,
        columns,
        ([getattr(obj, name) for name in columns] for obj in objects),
    )


@transaction.atomic
def references_create_bulk(
    *,
    people: Iterable[Person] = (),
    person_departments: Sequence[tuple[Person, Department]] = (),
    keywords: Iterable[Keyword] = (),
    venues: Iterable[Venue] = (),
) -> None:
    """Create the unsaved people (with their departments), keywords and
    venues among those given, with unique slugs, in a few queries; saved ones
    are left alone. Each instance gets its primary key."""
    from .demo.bulk import BulkWriter

    writer = BulkWriter()
    new_venues = _unsaved(venues)
    for venue in new_venues:
        venue.full_clean()
    _insert(writer, Venue, new_venues)
    new_keywords = _unsaved(keywords)
    _unique_slugs(Keyword, new_keywords, [k.term for k in new_keywords])
    _insert(writer, Keyword, new_keywords)
    new_people = _unsaved(people)
    for person in new_people:
        # NULL, not "": ORCIDs are unique only where present.
        person.orcid = person.orcid or None
    _unique_slugs(
        Person, new_people, [f"{p.family_name} {p.given_names}" for p in new_people]
    )
    _insert(writer, Person, new_people)
    new_ids = {p.pk for p in new_people}
    writer.insert(
        Person.departments.through,
        ("person_id", "department_id"),
        sorted(
            {
                (person.pk, department.pk)
                for person, department in person_departments
                if person.pk in new_ids
            }
        ),
    )
    if new_venues or new_keywords or new_people:
        _counts_changed()


def _check_identifiers_free(publications: Sequence[Publication]) -> None:
    """The same rule as full_clean's unique checks, one query per identifier
    for the lot: a clear error naming the record that holds the identifier."""
    for name in IDENTIFIER_FIELDS:
        label = Publication._meta.get_field(name).verbose_name
        values: dict[str, Publication] = {}
        for publication in publications:
            value = getattr(publication, name)
            if value and values.setdefault(value, publication) is not publication:
                raise ValidationError(
                    {name: f"{label} {value} is given to two new records."}
                )
        if not values:
            continue
        held = (
            Publication.objects.filter(**{f"{name}__in": list(values)})
            .values_list(name, "pk", "title")
            .first()
        )
        if held is not None:
            value, pk, title = held
            raise ValidationError(
                {name: f"{label} {value} is already used by record #{pk}, “{title}”."}
            )


def _history_rows(historical, objects, *, now, user_id, reason, ids=None):
    """History rows ("+", created) for saved instances, as values for the
    historical model's tracked fields and the history columns."""
    tracked = [f.attname for f in historical.tracked_fields]
    columns = [
        *tracked,
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    ]
    rows = (
        [*(getattr(obj, name) for name in tracked), now, reason, "+", user_id]
        for obj in objects
    )
    if ids is not None:
        columns.insert(0, "history_id")
        rows = ([pk, *row] for pk, row in zip(ids, rows, strict=True))
    return columns, rows


def publications_check_bulk(records: Iterable[NewPublication]) -> None:
    """Normalise and validate records for `publications_create_bulk`, as
    `publication_prepare` does one record, but for identifiers (checked for
    the lot when written) and references (resolved by the caller): neither
    costs a query per record. Raises ValidationError naming the record."""
    for record in records:
        publication = record.publication
        publication.abstract = sanitize_abstract(publication.abstract or "")
        publication.title_key = title_key(publication.title or "")
        try:
            publication.full_clean(
                exclude=["document_type", "venue"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            raise ValidationError(
                f"“{publication.title}”: {'; '.join(error.messages)}"
            ) from error


@transaction.atomic
def publications_create_bulk(
    *,
    records: Sequence[NewPublication],
    user=None,
    reason: str | None = None,
    checked: bool = False,
) -> list[Publication]:
    """Create many records at once: what `publication_create` does for one,
    set-based. Missing people, keywords and venues are created; every record,
    author, department link and related link gets its audit history row (the
    subjects and keywords with it); the new records are indexed for search in
    one call and the cached counts dropped once.

    Each record is normalised and validated by `publications_check_bulk`,
    unless `checked` says the caller has done so already (an import checks
    the next chunk while this one is written). Raises ValidationError
    (naming the record) and writes nothing when one record is invalid.
    Returns the saved publications, in order.
    """
    from django.apps import apps

    from .demo.bulk import BulkWriter

    if not records:
        return []
    if not checked:
        publications_check_bulk(records)
    publications = [r.publication for r in records]
    now = timezone.now()
    references_create_bulk(
        people=(a.person for r in records for a in r.authors),
        person_departments=[
            (a.person, d) for r in records for a in r.authors for d in a.departments
        ],
        keywords=(k for r in records for k in r.keywords),
        venues=(p.venue for p in publications),
    )
    for publication in publications:
        # Venues created just now: the id follows the instance.
        publication.venue = publication.venue
        if publication.status == Publication.Status.PUBLISHED:
            publication.first_published_at = publication.first_published_at or now
        publication.created_at = publication.updated_at = now
    _check_identifiers_free(publications)

    writer = BulkWriter()
    user_id = getattr(user, "pk", None)
    reason = reason or None
    try:
        _insert(writer, Publication, publications)
    except IntegrityError as error:
        # Another writer took an identifier between the check and the insert.
        raise ValidationError(f"An identifier is already in use: {error}") from error

    # Rows as plain values (a model instance per author would cost more
    # than writing it): the same values go into the history tables.
    authorships = (
        ("publication_id", "person_id", "position", "name_as_printed"),
        ("affiliation", "corresponding"),
        [
            (r.publication.pk, a.person.pk, n, a.name_as_printed)
            + (a.affiliation, a.corresponding)
            for r in records
            for n, a in enumerate(r.authors, 1)
        ],
    )
    links = (
        ("publication_id", "department_id", "position"),
        (),
        [
            (r.publication.pk, department.pk, n)
            for r in records
            for n, department in enumerate(dict.fromkeys(r.departments), 1)
        ],
    )
    related = (
        ("publication_id", "label", "url", "kind", "position"),
        (),
        [
            (r.publication.pk, label, url, kind, n)
            for r in records
            for n, (label, url, kind) in enumerate(r.related_links, 1)
        ],
    )
    for model, (keys, more, rows) in (
        (Authorship, authorships),
        (PublicationDepartment, links),
        (RelatedLink, related),
    ):
        columns = ("id", *keys, *more)
        rows = [
            (pk, *row)
            for pk, row in zip(writer.reserve_ids(model, len(rows)), rows, strict=True)
        ]
        writer.insert(model, columns, rows)
        writer.insert(
            model.history.model,
            (*columns, "history_date", "history_change_reason", "history_type")
            + ("history_user_id",),
            ((*row, now, reason, "+", user_id) for row in rows),
        )

    historical = Publication.history.model
    history_ids = writer.reserve_ids(historical, len(publications))
    columns, rows = _history_rows(
        historical,
        publications,
        now=now,
        user_id=user_id,
        reason=reason,
        ids=history_ids,
    )
    writer.insert(historical, columns, rows)
    for name, column in (("subjects", "subject_id"), ("keywords", "keyword_id")):
        through = getattr(Publication, name).through
        pairs = [
            (record.publication.pk, item.pk, history_id)
            for record, history_id in zip(records, history_ids, strict=True)
            for item in dict.fromkeys(getattr(record, name))
        ]
        ids = writer.reserve_ids(through, len(pairs))
        writer.insert(
            through,
            ("id", "publication_id", column),
            (
                (pk, publication, item)
                for pk, (publication, item, _) in zip(ids, pairs, strict=True)
            ),
        )
        m2m_history = apps.get_model("publications", f"HistoricalPublication_{name}")
        writer.insert(
            m2m_history,
            ("id", "history_id", "publication_id", column),
            (
                (pk, history_id, publication, item)
                for pk, (publication, item, history_id) in zip(ids, pairs, strict=True)
            ),
        )

    search.index_publications([p.pk for p in publications])
    _counts_changed()
    return publications


@transaction.atomic
def publication_links_save(
    *,
    publication: Publication,
    departments: Sequence[Department] | None = None,
    subjects: Iterable[Subject] | None = None,
    keywords: Iterable[Keyword] | None = None,
    full_text: str | None = None,
    user=None,
) -> None:
    """Replace a record's departments (in the order given), subjects or
    keywords, or the URL of its "Full text" link ("" removes the link);
    None leaves each as it is. Call publication_save after, so its history
    row shows the new lists and the record is reindexed."""
    if departments is not None:
        for link in publication.department_links.all():
            _attach_user(link, user)
            link.delete()
        for position, department in enumerate(dict.fromkeys(departments), 1):
            link = PublicationDepartment(
                publication=publication, department=department, position=position
            )
            _attach_user(link, user)
            link.save()
    if subjects is not None:
        publication.subjects.set(list(subjects))
    if keywords is not None:
        publication.keywords.set(list(keywords))
    if full_text is not None:
        _full_text_link_save(publication, full_text, user)
    _counts_changed()
    _records_changed([publication.pk])


def _full_text_link_save(publication: Publication, url: str, user) -> None:
    """The record's first "Full text" link points at `url`, or goes when it
    is ""; a record without one gets one, last in its list."""
    links = list(publication.related_links.order_by("position", "pk"))
    existing = next((link for link in links if link.label == FULL_TEXT_LABEL), None)
    if existing is not None and not url:
        _attach_user(existing, user)
        existing.delete()
    elif existing is not None:
        existing.url = url
        existing.full_clean()
        _attach_user(existing, user)
        existing.save()
    elif url:
        link = RelatedLink(
            publication=publication,
            label=FULL_TEXT_LABEL,
            url=url,
            position=max((link.position for link in links), default=0) + 1,
        )
        link.full_clean()
        _attach_user(link, user)
        link.save()
