"""What an incoming record refers to in the catalogue: its departments,
people, keywords, subjects, venue and document type.

Rules, in order:

- Departments: the record's department names (exact name, case and accents
  ignored; an unknown name is a warning, never created), then every
  AffiliationRule (in position order) whose pattern an author's affiliation
  contains, case and accents ignored.
- People: by ORCID; else by family name and given names (case and accents
  ignored, an initial matching a given name it begins) among the people of
  the record's departments; else a new person, local faculty when their own
  affiliation matched a rule.
- Keywords: a MeSH heading by its descriptor id, then any keyword by term
  and vocabulary (an author keyword also takes a MeSH heading of the same
  term); else a new keyword.
- Subjects: by discipline name or "A > B > C" path; unknown or ambiguous is
  a warning, never created.
- Venue: by ISSN or eISSN, then by title (case and accents ignored); else a
  new venue. Document type: by name.

A `Resolver` lives for one batch. It reads the small vocabularies (departments,
subjects, rules, document types, venues) once, and the large ones (people,
keywords) a chunk of records at a time, one query per kind; what it has read
or made up stays cached, so a person new in row 3 is the same person in row
900. New people, keywords and venues are unsaved model instances until
publications.services creates them at apply.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from django.db.models import Q

from publications.importers import ImportIssue, NormalisedRecord, Severity
from publications.models import (
    Department,
    DocumentType,
    Keyword,
    Person,
    Subject,
    Venue,
)
from publications.services import AuthorInput

from .affiliations import AffiliationRules
from .folding import fold, given_names_match

MESH = Keyword.Vocabulary.MESH


def _cut(text: str, model, name: str) -> str:
    """Truncated to the column, so an odd long value cannot break a write."""
    return (text or "")[: _max_length(model, name)]


@cache
def _max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


@dataclass
class Resolution:
    """A record's references; unsaved instances are to be created."""

    departments: list[Department] = field(default_factory=list)
    authors: list[AuthorInput] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    venue: Venue | None = None
    document_type: DocumentType | None = None
    issues: list[ImportIssue] = field(default_factory=list)

    def new_counts(self) -> dict[str, int]:
        counts = {
            "people": len({id(a.person) for a in self.authors if a.person.pk is None}),
            "keywords": sum(1 for k in self.keywords if k.pk is None),
            "venue": int(self.venue is not None and self.venue.pk is None),
        }
        return {name: n for name, n in counts.items() if n}


class Resolver:
    def __init__(self, *, for_writing: bool = False):
        self.departments = {d.pk: d for d in Department.objects.all()}
        self.department_by_name: dict[str, Department] = {}
        for department in sorted(self.departments.values(), key=lambda d: d.pk):
            self.department_by_name.setdefault(fold(department.name), department)
        self.affiliation_rules = AffiliationRules(self.departments)
        self._subjects_load()
        self.document_types = {t.name: t for t in DocumentType.objects.all()}
        self._venues_load()
        self.people_by_orcid: dict[str, Person] = {}
        self.known_orcids: set[str] = set()
        # department id -> folded family name -> people
        self.people_by_department: dict[int, dict[str, list[Person]]] = {}
        self.keyword_by_mesh_id: dict[str, Keyword] = {}
        self.keyword_by_term: dict[tuple[str, str], Keyword] = {}
        self.keyword_by_folded_term: dict[str, Keyword] = {}
        self.known_mesh_ids: set[str] = set()
        self.known_terms: set[str] = set()
        # Unsaved instances handed out, when writing: a rolled-back write
        # makes those it saved unsaved again (see forget_rolled_back).
        self.for_writing = for_writing
        self.new_objects: list = []

    # The vocabularies read whole.

    def _subjects_load(self) -> None:
        subjects = list(Subject.objects.all())
        self.subject_by_id = {s.pk: s for s in subjects}
        self.subjects_by_name: dict[str, list[Subject]] = defaultdict(list)
        self.subject_children: dict[tuple[int | None, str], Subject] = {}
        for subject in sorted(subjects, key=lambda s: s.pk):
            self.subjects_by_name[fold(subject.name)].append(subject)
            self.subject_children.setdefault(
                (subject.parent_id, fold(subject.name)), subject
            )

    def _venues_load(self) -> None:
        self.venue_by_issn: dict[str, Venue] = {}
        self.venue_by_title: dict[str, Venue] = {}
        for venue in Venue.objects.order_by("pk"):
            self._venue_remember(venue)

    def _venue_remember(self, venue: Venue) -> None:
        for issn in (venue.issn, venue.eissn):
            if issn:
                self.venue_by_issn.setdefault(issn.upper(), venue)
        if venue.title:
            self.venue_by_title.setdefault(fold(venue.title), venue)

    # The large vocabularies, a chunk at a time.

    def prefetch(self, records: Sequence[NormalisedRecord]) -> None:
        """Read, in one query per kind, the people and keywords these records
        may refer to and this resolver has not read yet."""
        orcids = {
            a.orcid for r in records for a in r.authors if a.orcid
        } - self.known_orcids
        if orcids:
            self.known_orcids |= orcids
            for person in Person.objects.filter(orcid__in=orcids):
                self.people_by_orcid[person.orcid] = person
        departments = set()
        for record in records:
            departments.update(d.pk for d in self.record_departments(record)[0])
        self._people_load(departments - set(self.people_by_department))
        mesh_ids = {
            k.identifier
            for r in records
            for k in r.keywords
            if k.vocabulary == MESH and k.identifier
        } - self.known_mesh_ids
        terms = {_cut(k.term, Keyword, "term") for r in records for k in r.keywords}
        terms -= self.known_terms
        if mesh_ids or terms:
            self.known_mesh_ids |= mesh_ids
            self.known_terms |= terms
            query = Q(term__in=terms) if terms else Q()
            if mesh_ids:
                query |= Q(vocabulary=MESH, identifier__in=mesh_ids)
            for keyword in Keyword.objects.filter(query).order_by("pk"):
                self._keyword_remember(keyword)

    def _people_load(self, department_ids: set[int]) -> None:
        if not department_ids:
            return
        for department_id in department_ids:
            self.people_by_department[department_id] = defaultdict(list)
        through = Person.departments.through
        rows = (
            through.objects.filter(department_id__in=department_ids)
            .order_by("person_id")
            .values_list(
                "department_id",
                "person_id",
                "person__given_names",
                "person__family_name",
                "person__suffix",
                "person__orcid",
                "person__is_local",
                "person__slug",
            )
        )
        people: dict[int, Person] = {}
        for department_id, pk, given, family, suffix, orcid, local, slug in rows:
            person = people.get(pk)
            if person is None:
                person = people[pk] = Person(
                    pk=pk,
                    given_names=given,
                    family_name=family,
                    suffix=suffix,
                    orcid=orcid,
                    is_local=local,
                    slug=slug,
                )
                person._state.adding = False
            self.people_by_department[department_id][fold(family)].append(person)

    def _keyword_remember(self, keyword: Keyword) -> None:
        if keyword.vocabulary == MESH and keyword.identifier:
            self.keyword_by_mesh_id.setdefault(keyword.identifier, keyword)
        self.keyword_by_term.setdefault((keyword.vocabulary, keyword.term), keyword)
        self.keyword_by_folded_term.setdefault(fold(keyword.term), keyword)

    # One record.

    def resolve(self, record: NormalisedRecord) -> Resolution:
        """The record's references. Call `prefetch` with its chunk first."""
        departments, issues = self.record_departments(record)
        resolution = Resolution(departments=departments, issues=issues)
        # The record's departments' people, by folded family name, looked
        # up once per record rather than once per author and department.
        people = [
            by_name
            for department in departments
            # (an empty one too: a person new in this record joins it)
            if (by_name := self.people_by_department.get(department.pk)) is not None
        ]
        for author in record.authors:
            resolution.authors.append(self._author(author, people))
        keywords = {id(k): k for k in map(self._keyword, record.keywords)}
        resolution.keywords = list(keywords.values())
        resolution.subjects = self._subjects(
            record.subjects, resolution.issues, record.source_row
        )
        resolution.venue = self._venue(record)
        resolution.document_type = self.document_types.get(record.document_type)
        return resolution

    def record_departments(
        self, record: NormalisedRecord
    ) -> tuple[list[Department], list[ImportIssue]]:
        found: dict[int, Department] = {}
        issues = []
        for name in record.departments:
            department = self.department_by_name.get(fold(name))
            if department is None:
                issues.append(
                    ImportIssue(
                        record.source_row,
                        "department",
                        f"“{name}” is not a department of this repository; left "
                        "out (departments are added by curators, not imports).",
                        Severity.WARNING,
                    )
                )
            else:
                found.setdefault(department.pk, department)
        for author in record.authors:
            for department in self.affiliation_rules.departments(author.affiliations):
                found.setdefault(department.pk, department)
        return list(found.values()), issues

    def _author(self, author, people: list[dict]) -> AuthorInput:
        own = self.affiliation_rules.departments(author.affiliations)
        person = self._person(author, people, own)
        return AuthorInput(
            person=person,
            name_as_printed=_cut(author.name_as_printed, Person, "family_name"),
            affiliation="; ".join(author.affiliations),
            departments=own,
        )

    def _person(self, author, people: list[dict], own) -> Person:
        """`people`: the record's departments' people by folded family name,
        in department order."""
        if author.orcid and author.orcid in self.people_by_orcid:
            return self.people_by_orcid[author.orcid]
        family = fold(author.family_name)
        given = fold(author.given_names)
        exact = initials = None
        for by_name in people:
            for person in by_name.get(family, ()):
                if person.orcid and author.orcid and person.orcid != author.orcid:
                    continue  # two ORCIDs: two people
                if fold(person.given_names) == given:
                    exact = exact or person
                elif given_names_match(person.given_names, author.given_names):
                    initials = initials or person
        person = exact or initials
        if person is not None:
            return person
        person = Person(
            given_names=_cut(author.given_names, Person, "given_names"),
            family_name=_cut(author.family_name, Person, "family_name"),
            suffix=_cut(author.suffix, Person, "suffix"),
            orcid=author.orcid or None,
            is_local=bool(own),
        )
        self._track(person)
        if author.orcid:
            self.people_by_orcid[author.orcid] = person
        # Found again by name in later rows of this batch, in their departments.
        for department in own:
            by_name = self.people_by_department.setdefault(
                department.pk, defaultdict(list)
            )
            by_name[family].append(person)
        return person

    def _keyword(self, keyword) -> Keyword:
        term = _cut(keyword.term, Keyword, "term")
        if keyword.vocabulary == MESH and keyword.identifier:
            found = self.keyword_by_mesh_id.get(keyword.identifier)
            if found is not None:
                return found
        found = self.keyword_by_term.get((keyword.vocabulary, term))
        if found is None and keyword.vocabulary != MESH:
            # "Humans" typed by an author is the MeSH heading "Humans".
            found = self.keyword_by_folded_term.get(fold(term))
        if found is not None:
            return found
        new = Keyword(
            term=term,
            vocabulary=keyword.vocabulary,
            identifier=(keyword.identifier or None)
            if keyword.vocabulary == MESH
            else None,
        )
        self._track(new)
        self._keyword_remember(new)
        return new

    def _subjects(self, names: Iterable[str], issues: list, row) -> list[Subject]:
        found: dict[int, Subject] = {}
        for name in names:
            subject, problem = self._subject(name)
            if subject is not None:
                found.setdefault(subject.pk, subject)
            else:
                issues.append(ImportIssue(row, "subjects", problem, Severity.WARNING))
        return list(found.values())

    def _subject(self, name: str) -> tuple[Subject | None, str]:
        parts = [fold(part) for part in name.split(">")]
        if len(parts) > 1:
            parent = None
            for part in parts:
                node = self.subject_children.get((parent, part))
                if node is None:
                    return None, (
                        f"“{name}” is not a path of the discipline taxonomy; left out."
                    )
                parent = node.pk
            return node, ""
        matches = self.subjects_by_name.get(parts[0], [])
        if len(matches) == 1:
            return matches[0], ""
        if not matches:
            return None, f"“{name}” is not a discipline of the taxonomy; left out."
        paths = ", ".join(self.subject_path(s) for s in matches[:3])
        return None, (
            f"“{name}” names more than one discipline ({paths}); give its path, "
            "as “A > B > C”. Left out."
        )

    def subject_path(self, subject: Subject) -> str:
        names = []
        node = subject
        while node is not None:
            names.append(node.name)
            node = self.subject_by_id.get(node.parent_id)
        return " > ".join(reversed(names))

    def _venue(self, record: NormalisedRecord) -> Venue | None:
        for issn in (record.issn, record.eissn):
            if issn and issn.upper() in self.venue_by_issn:
                return self.venue_by_issn[issn.upper()]
        if not record.venue_title:
            return None
        found = self.venue_by_title.get(fold(record.venue_title))
        if found is not None:
            return found
        venue = Venue(
            title=_cut(record.venue_title, Venue, "title"),
            abbreviation=_cut(record.venue_abbreviation, Venue, "abbreviation"),
            issn=record.issn,
            eissn=record.eissn,
            publisher=_cut(record.publisher, Venue, "publisher"),
        )
        self._track(venue)
        self._venue_remember(venue)
        return venue

    # After writes.

    def _track(self, obj) -> None:
        if self.for_writing:
            self.new_objects.append(obj)

    def forget_saved(self) -> None:
        """Call after a write commits: what it created stays created."""
        self.new_objects = [obj for obj in self.new_objects if obj.pk is None]

    def forget_rolled_back(self) -> None:
        """Call after a write was rolled back: instances it saved are unsaved
        again, so the next write creates them."""
        for obj in self.new_objects:
            obj.pk = None
            obj._state.adding = True
