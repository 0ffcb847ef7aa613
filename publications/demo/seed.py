"""Load the seed record, creating the departments, disciplines, keyword and
venue it refers to where they do not exist yet."""

import datetime

from django.utils.text import slugify

from .. import services
from ..models import Department, DocumentType, Keyword, Publication, Subject, Venue
from .seed_record import SEED_RECORD


def subject_path_get_or_create(path: tuple[str, ...]) -> Subject:
    """The subject at the end of a taxonomy path, creating missing tiers."""
    parent = None
    for depth, name in enumerate(path, 1):
        parent, _ = Subject.objects.get_or_create(
            name=name, parent=parent, defaults={"slug": slugify(name), "depth": depth}
        )
    return parent


def seed_record_load(*, user=None) -> Publication:
    """Create the seed record once; return the existing one on later calls."""
    record = SEED_RECORD
    existing = Publication.objects.filter(doi=record["doi"]).first()
    if existing:
        return existing
    departments = [
        Department.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in record["departments"]
    ]
    keywords = [
        Keyword.objects.get_or_create(
            vocabulary=Keyword.Vocabulary.MESH,
            identifier=identifier,
            defaults={"term": term, "slug": slugify(term)},
        )[0]
        for term, identifier in record["keywords"]
    ]
    venue, _ = Venue.objects.get_or_create(
        title=record["venue"]["title"],
        defaults={"abbreviation": record["venue"]["abbreviation"]},
    )
    return services.publication_create(
        title=record["title"],
        pub_year=record["pub_year"],
        pub_month=record["pub_month"],
        epub_date=datetime.date.fromisoformat(record["epub_date"]),
        document_type=DocumentType.objects.get(name=record["document_type"]),
        venue=venue,
        volume=record["volume"],
        issue=record["issue"],
        pages=record["pages"],
        abstract=record["abstract"],
        doi=record["doi"],
        source_citation=record["source_citation"],
        publisher_url=record["publisher_url"],
        departments=departments,
        subjects=[subject_path_get_or_create(path) for path in record["subjects"]],
        keywords=keywords,
        related_links=record["related_links"],
        status=Publication.Status.PUBLISHED,
        user=user,
    )
