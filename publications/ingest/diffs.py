"""What an update would change: the record as the catalogue holds it against
the incoming one, field by field, as display strings.

Only fields the incoming record gives (non-empty) are compared and written:
a source that lacks a field (a spreadsheet without an abstract column) never
clears it. A bulk-edit row is the exception: the fields it empties on purpose
(NormalisedRecord.cleared) compare as empty, and the update clears them.

Lists compare as lists of display strings: authors ("Family, Given") and
departments in order, subjects and keywords sorted, each term once (they
have no order, and a MeSH heading and an author keyword may share a term).
So a record exported to a spreadsheet and read back unchanged has an empty
diff.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from publications.importers import NormalisedRecord
from publications.importers.base import FULL_TEXT_LABEL
from publications.models import (
    Authorship,
    Publication,
    PublicationDepartment,
    RelatedLink,
)
from publications.sanitize import sanitize_abstract

from .resolving import Resolution

SCALARS = (
    "title",
    "abstract",
    "publication_date",
    "epub_date",
    "document_type",
    "venue",
    "volume",
    "issue",
    "pages",
    "source_citation",
    "doi",
    "pmid",
    "pmcid",
    "publisher_url",
)
LISTS = ("authors", "departments", "subjects", "keywords")
FIELDS = (*SCALARS, *LISTS, "full_text")


def _person_name(family: str, given: str, suffix: str) -> str:
    name = ", ".join(part for part in (family, given) if part)
    return f"{name}, {suffix}" if suffix else name


def snapshots(publication_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The display values of these records, six queries for the lot."""
    ids = sorted(set(publication_ids))
    if not ids:
        return {}
    found: dict[int, dict[str, Any]] = {}
    for publication in Publication.objects.filter(pk__in=ids).select_related(
        "document_type", "venue"
    ):
        found[publication.pk] = {
            "title": publication.title,
            "abstract": publication.abstract,
            "publication_date": str(publication.partial_date),
            "epub_date": publication.epub_date.isoformat()
            if publication.epub_date
            else "",
            "document_type": publication.document_type.name,
            "venue": publication.venue.title if publication.venue else "",
            "volume": publication.volume,
            "issue": publication.issue,
            "pages": publication.pages,
            "source_citation": publication.source_citation,
            "doi": publication.doi or "",
            "pmid": publication.pmid or "",
            "pmcid": publication.pmcid or "",
            "publisher_url": publication.publisher_url,
            "authors": [],
            "departments": [],
            "subjects": [],
            "keywords": [],
            "full_text": "",
        }
    for pk, url in (
        RelatedLink.objects.filter(publication_id__in=ids, label=FULL_TEXT_LABEL)
        .order_by("publication_id", "-position")
        .values_list("publication_id", "url")
    ):
        found[pk]["full_text"] = url  # the first, when there are several
    for pk, family, given, suffix in (
        Authorship.objects.filter(publication_id__in=ids)
        .order_by("publication_id", "position")
        .values_list(
            "publication_id",
            "person__family_name",
            "person__given_names",
            "person__suffix",
        )
    ):
        found[pk]["authors"].append(_person_name(family, given, suffix))
    for pk, name in (
        PublicationDepartment.objects.filter(publication_id__in=ids)
        .order_by("publication_id", "position", "pk")
        .values_list("publication_id", "department__name")
    ):
        found[pk]["departments"].append(name)
    for relation, column in (
        ("subjects", "subject__name"),
        ("keywords", "keyword__term"),
    ):
        values = defaultdict(list)
        for pk, name in (
            getattr(Publication, relation)
            .through.objects.filter(publication_id__in=ids)
            .values_list("publication_id", column)
        ):
            values[pk].append(name)
        for pk, names in values.items():
            found[pk][relation] = sorted(set(names))
    return found


def _full_text(record: NormalisedRecord) -> str:
    links = (link.url for link in record.related_links if link.label == FULL_TEXT_LABEL)
    return next(links, "")


def incoming(record: NormalisedRecord, resolution: Resolution) -> dict[str, Any]:
    """The record's display values for the fields it gives."""
    values = {
        "title": record.title,
        "abstract": sanitize_abstract(record.abstract) if record.abstract else "",
        "publication_date": str(record.publication_date or ""),
        "epub_date": record.epub_date.isoformat() if record.epub_date else "",
        "document_type": resolution.document_type.name
        if resolution.document_type
        else "",
        "venue": resolution.venue.title if resolution.venue else "",
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "source_citation": record.source_citation,
        "doi": record.doi,
        "pmid": record.pmid,
        "pmcid": record.pmcid,
        "publisher_url": record.publisher_url,
        "authors": [
            _person_name(a.family_name, a.given_names, a.suffix) for a in record.authors
        ],
        "departments": [d.name for d in resolution.departments],
        "subjects": sorted({s.name for s in resolution.subjects}),
        "keywords": sorted({k.term for k in resolution.keywords}),
        "full_text": _full_text(record),
    }
    return {
        name: value for name, value in values.items() if value or name in record.cleared
    }


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"old": ..., "new": ...}} for the given fields that differ."""
    return {
        name: {"old": old[name], "new": new[name]}
        for name in FIELDS
        if name in new and new[name] != old[name]
    }
