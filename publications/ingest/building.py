"""An incoming record as an unsaved Publication, and the reasons it could not
be saved, found without a query per record (identifiers are checked against
what the chunk's lookup read)."""

from django.core.exceptions import ValidationError

from publications.importers import ImportIssue, NormalisedRecord
from publications.models import Publication
from publications.search import DocumentTexts
from publications.search.document import author_text, names_text, venue_text
from publications.services import NewPublication

from .matching import ChunkLookup
from .resolving import Resolution

LABELS = {"doi": "DOI", "pmid": "PubMed ID", "pmcid": "PMCID"}
# Model fields named as the normalised record names them.
FIELD_NAMES = {
    "pub_year": "publication_date",
    "pub_month": "publication_date",
    "pub_day": "publication_date",
    "__all__": "",
}


def publication_from_record(
    record: NormalisedRecord, resolution: Resolution, *, status: str
) -> Publication:
    date = record.publication_date
    return Publication(
        title=record.title,
        # Parsers give the safe subset already; the services sanitise on write.
        abstract=record.abstract,
        pub_year=date.year if date else None,
        pub_month=date.month if date else None,
        pub_day=date.day if date else None,
        epub_date=record.epub_date,
        document_type=resolution.document_type,
        venue=resolution.venue,
        volume=record.volume,
        issue=record.issue,
        pages=record.pages,
        source_citation=record.source_citation,
        doi=record.doi or None,
        pmid=record.pmid or None,
        pmcid=record.pmcid or None,
        publisher_url=record.publisher_url,
        status=status,
    )


def new_publication(
    record: NormalisedRecord, resolution: Resolution, *, status: str
) -> NewPublication:
    return NewPublication(
        publication=publication_from_record(record, resolution, status=status),
        authors=resolution.authors,
        departments=resolution.departments,
        subjects=resolution.subjects,
        keywords=resolution.keywords,
        related_links=[
            (link.label, link.url, link.kind) for link in record.related_links
        ],
    )


def document_texts(new: NewPublication) -> DocumentTexts:
    """The texts the new record's search document will be parsed from once
    it is written (search.documents_ahead): its title and abstract as stored
    (checked by publications_check_bulk, so sanitised), its names and its
    venue."""
    publication = new.publication
    names = names_text(
        [author_text(a.name_as_printed, a.person) for a in new.authors],
        [k.term for k in new.keywords],
        [s.name for s in new.subjects],
    )
    return DocumentTexts(
        title=publication.title,
        abstract=publication.abstract,
        names=names,
        venue=venue_text(publication.venue),
    )


def blocking_issues(
    record: NormalisedRecord,
    resolution: Resolution,
    lookup: ChunkLookup,
    *,
    publication_id: int | None,
    fields: bool = True,
) -> list[ImportIssue]:
    """Why the record cannot be created (publication_id None) or written to
    record `publication_id`: invalid fields (unless `fields` is false: the
    services check them again when writing), identifiers held by another
    record."""
    row = record.source_row
    issues = []
    if record.publication_date is None and publication_id is None:
        issues.append(
            ImportIssue(row, "publication_date", "The record has no publication year.")
        )
    if resolution.document_type is None:
        issues.append(
            ImportIssue(
                row,
                "document_type",
                f"“{record.document_type}” is not a document type.",
            )
        )
    try:
        if fields:
            publication = publication_from_record(record, resolution, status="draft")
            publication.full_clean(
                exclude=["document_type", "venue", "pub_year"],
                validate_unique=False,
                validate_constraints=False,
            )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                issues.append(ImportIssue(row, FIELD_NAMES.get(name, name), message))
    for name, label in LABELS.items():
        value = getattr(record, name)
        held = lookup.holder(name, value)
        if held is not None and held[0] != publication_id:
            issues.append(
                ImportIssue(
                    row,
                    name,
                    f"{label} {value} is already used by record #{held[0]}, "
                    f"“{held[1]}”.",
                )
            )
    return issues
