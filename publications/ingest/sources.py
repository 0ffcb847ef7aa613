"""Records harvested from other repositories, by the identifiers they have
there (NormalisedRecord.source_id): the plan matches an incoming record to
the one imported from the same source record before, and applying a row
links the record it created or updated to that identifier."""

from collections.abc import Iterable

from .models import SourceRecord


def records_by_identifier(identifiers: Iterable[str]) -> dict[str, tuple[int, str]]:
    """{identifier: (publication id, title)} for those already linked."""
    identifiers = set(identifiers) - {""}
    if not identifiers:
        return {}
    rows = SourceRecord.objects.filter(identifier__in=identifiers).values_list(
        "identifier", "publication_id", "publication__title"
    )
    return {identifier: (pk, title) for identifier, pk, title in rows}


def link(pairs: Iterable[tuple[str, int]]) -> None:
    """Link each identifier to its publication id, moving any link that
    pointed elsewhere; in three queries at most."""
    wanted = {identifier: pk for identifier, pk in pairs if identifier}
    if not wanted:
        return
    held = dict(
        SourceRecord.objects.filter(identifier__in=wanted).values_list(
            "identifier", "publication_id"
        )
    )
    SourceRecord.objects.bulk_create(
        SourceRecord(identifier=identifier, publication_id=pk)
        for identifier, pk in wanted.items()
        if identifier not in held
    )
    for identifier, pk in wanted.items():
        if identifier in held and held[identifier] != pk:
            SourceRecord.objects.filter(identifier=identifier).update(publication_id=pk)
