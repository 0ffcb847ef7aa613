"""The departments, disciplines, keywords, venues and document types demo
records point at: found where they exist, created where they do not."""

import random

from django.conf import settings
from django.db.models import Count, Q
from django.utils.text import slugify

from ..loaders.mesh import SlugAllocator
from ..models import Department, DocumentType, Keyword, Subject, Venue
from .generator import Reference
from .journals import JOURNALS, PREPRINT_SERVERS
from .seed import subject_path_get_or_create
from .vocabulary import (
    BUILT_IN_KEYWORDS,
    CHECK_TAGS,
    DEPARTMENT_TREE,
    MEDICAL_SUBJECT_PATHS,
)

MEDICAL_ROOTS = ("Medicine and Health Sciences", "Life Sciences")
# Fewer medical disciplines than this means the taxonomy is not loaded.
TAXONOMY_MIN_LEAVES = 100
# Fewer MeSH keywords than this means MeSH is not loaded.
MESH_MIN_KEYWORDS = 1000


def _stable_shuffle(items: list, name: str) -> list:
    """Which journal or keyword is popular is the same for every --seed."""
    items = list(items)
    random.Random(name).shuffle(items)  # noqa: S311 - not for secrets
    return items


def departments_ensure() -> list[tuple[int, str]]:
    """The school's units, in a hierarchy; returns those people belong to
    (every unit but the schools). A unit that exists without a parent (as the
    seed record makes them) is put in its place."""
    existing = {d.slug: d for d in Department.objects.all()}
    units = []

    def walk(nodes, parent):
        for name, kind, children in nodes:
            department = existing.get(slugify(name))
            if department is None:
                department = Department.objects.create(
                    name=name, slug=slugify(name), kind=kind, parent=parent
                )
            elif department.parent_id is None and parent is not None:
                department.parent, department.kind = parent, kind
                department.save(update_fields=["parent", "kind"])
            if kind != Department.Kind.SCHOOL:
                units.append((department.pk, department.name))
            walk(children, department)

    walk(DEPARTMENT_TREE, None)
    return units


def _medical_leaves() -> list[int]:
    """Tier-3 disciplines, and tier-2 ones without children, under the
    medical roots; ordered by slug so the order is the same in any database."""
    in_roots = Q(parent__name__in=MEDICAL_ROOTS, depth=2) | Q(
        parent__parent__name__in=MEDICAL_ROOTS, depth=3
    )
    leaves = (
        Subject.objects.filter(in_roots)
        .annotate(children_count=Count("children"))
        .filter(children_count=0)
        .order_by("slug")
    )
    return list(leaves.values_list("pk", flat=True))


def subjects_ensure() -> list[int]:
    """The loaded taxonomy's medical disciplines, or our own list of them."""
    leaves = _medical_leaves()
    if len(leaves) < TAXONOMY_MIN_LEAVES:
        for path in MEDICAL_SUBJECT_PATHS:
            subject_path_get_or_create(path)
        leaves = _medical_leaves()
    return _stable_shuffle(leaves, "subjects")


def keywords_ensure() -> tuple[list[tuple[int, float]], list[int]]:
    """(check tags with their shares, topic keyword ids): MeSH headings when
    MeSH is loaded, else our built-in terms as author keywords (a term that
    already exists in any vocabulary is used as it is)."""
    mesh = Keyword.objects.filter(vocabulary=Keyword.Vocabulary.MESH)
    if mesh.count() >= MESH_MIN_KEYWORDS:
        terms = dict(mesh.order_by("term").values_list("term", "pk"))
    else:
        terms = {}
        for term, pk in (
            Keyword.objects.filter(term__in=BUILT_IN_KEYWORDS)
            .order_by(
                "-vocabulary"  # "mesh" before "author"
            )
            .values_list("term", "pk")
        ):
            terms.setdefault(term, pk)
        missing = [term for term in BUILT_IN_KEYWORDS if term not in terms]
        slugs = SlugAllocator(set(Keyword.objects.values_list("slug", flat=True)))
        created = Keyword.objects.bulk_create(
            Keyword(
                term=term,
                slug=slugs.allocate(term, None),
                vocabulary=Keyword.Vocabulary.AUTHOR,
            )
            for term in missing
        )
        if created and created[0].pk is None:
            created = Keyword.objects.filter(
                vocabulary=Keyword.Vocabulary.AUTHOR, term__in=missing
            )
        terms.update((keyword.term, keyword.pk) for keyword in created)
        terms = {term: terms[term] for term in BUILT_IN_KEYWORDS}
    check_tags = [
        (terms[tag], share) for tag, share in CHECK_TAGS.items() if tag in terms
    ]
    topics = [pk for term, pk in terms.items() if term not in CHECK_TAGS]
    return check_tags, _stable_shuffle(topics, "keywords")


def venues_ensure() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(journals, preprint servers) as (id, abbreviation), journals in order of
    popularity."""
    wanted = JOURNALS + PREPRINT_SERVERS
    existing = dict(
        Venue.objects.filter(title__in=[t for t, _ in wanted]).values_list(
            "title", "pk"
        )
    )
    Venue.objects.bulk_create(
        Venue(title=title, abbreviation=abbreviation)
        for title, abbreviation in wanted
        if title not in existing
    )
    ids = dict(
        Venue.objects.filter(title__in=[t for t, _ in wanted]).values_list(
            "title", "pk"
        )
    )
    journals = [(ids[title], abbreviation) for title, abbreviation in JOURNALS]
    servers = [(ids[title], abbreviation) for title, abbreviation in PREPRINT_SERVERS]
    return _stable_shuffle(journals, "journals"), servers


def reference_ensure() -> Reference:
    check_tags, topics = keywords_ensure()
    journals, servers = venues_ensure()
    return Reference(
        document_types=dict(DocumentType.objects.values_list("name", "pk")),
        journals=journals,
        preprint_servers=servers,
        departments=departments_ensure(),
        subjects=subjects_ensure(),
        check_tags=check_tags,
        topic_keywords=topics,
        institution=settings.REPOSITORY["INSTITUTION"],
    )
