"""Writes. The admin, importers and commands all go through these functions, so
identifier rules, sanitising, audit history and cached counts are handled once.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from . import search, stats
from .models import (
    Authorship,
    Department,
    Keyword,
    Person,
    Publication,
    PublicationDepartment,
    Subject,
    Venue,
)
from .sanitize import sanitize_abstract

IDENTIFIER_FIELDS = ("doi", "pmid", "pmcid")


@dataclass(frozen=True)
class AuthorInput:
    """One author as a source gives them, for `publication_create`."""

    person: Person
    name_as_printed: str = ""
    affiliation: str = ""
    corresponding: bool = False


def _attach_user(instance, user, reason: str | None = None) -> None:
    """simple_history reads these when it writes the history row."""
    if user is not None:
        instance._history_user = user
    if reason:
        instance._change_reason = reason


def _counts_changed() -> None:
    """Drop cached counts now, and again at commit: a reader who recounts in
    between would otherwise cache the old figures."""
    stats.invalidate()
    transaction.on_commit(stats.invalidate)


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
    slug, identifiers. Raises ValidationError naming each bad field."""
    publication.abstract = sanitize_abstract(publication.abstract or "")
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
