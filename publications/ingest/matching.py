"""Finding the catalogue record an incoming record duplicates: by record id
(a bulk-edit spreadsheet), then its identifier at the repository it was
harvested from (sources.py), then DOI, then PubMed ID, then title and year.

A title matches when its key (publications.titles) equals a record's and the
years are at most one apart (the electronic and the print issue are often
in different years); it nearly matches when, among records of the same year
whose key starts or ends the same way, difflib's ratio of the keys is 0.9 or
more.
A record whose DOI or PubMed ID differs from the incoming one's is another
work, however alike the titles.

All of it takes one query per identifier kind for a chunk of records.
"""

import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Right, Substr

from publications.importers import NormalisedRecord
from publications.models import Publication
from publications.titles import (
    TITLE_PREFIX_LENGTH,
    title_key,
    title_prefix,
    title_suffix,
)

from . import sources
from .models import ImportRow

NEAR_MATCH = 0.9
IDENTIFIERS = ("doi", "pmid", "pmcid")


@dataclass(frozen=True)
class Match:
    kind: str  # ImportRow.Match
    publication_id: int
    title: str
    similarity: float | None = None


@dataclass
class ChunkLookup:
    """What the catalogue holds for one chunk: matches by row number, and
    who holds each incoming identifier (to check uniqueness)."""

    matches: dict[int, Match] = field(default_factory=dict)
    # "doi" -> {value: (publication id, title)}
    holders: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)
    unknown_record_ids: set[int] = field(default_factory=set)

    def holder(self, name: str, value: str) -> tuple[int, str] | None:
        return self.holders.get(name, {}).get(value) if value else None


def lookup_chunk(
    records: Sequence[NormalisedRecord],
    *,
    match: bool = True,
    below: int | None = None,
) -> ChunkLookup:
    """Matches and identifier holders for a chunk; `match` false skips the
    matching by source and title (applying needs only who holds the
    identifiers). `below`: look only among records of lower id, the
    catalogue as it was before this batch wrote to it."""
    lookup = ChunkLookup()
    catalogue = Publication.objects.all()
    if below is not None:
        catalogue = catalogue.filter(pk__lt=below)
    record_ids = {r.record_id for r in records if r.record_id}
    titles_by_id = {}
    if record_ids:
        titles_by_id = dict(
            catalogue.filter(pk__in=record_ids).values_list("pk", "title")
        )
        lookup.unknown_record_ids = record_ids - set(titles_by_id)
    for name in IDENTIFIERS:
        values = {getattr(r, name) for r in records} - {""}
        lookup.holders[name] = (
            {
                value: (pk, title)
                for value, pk, title in catalogue.filter(
                    **{f"{name}__in": values}
                ).values_list(name, "pk", "title")
            }
            if values
            else {}
        )
    from_sources = (
        sources.records_by_identifier(r.source_id for r in records) if match else {}
    )
    unmatched = []
    for record in records:
        row = record.source_row
        if record.record_id:
            if record.record_id in titles_by_id:
                lookup.matches[row] = Match(
                    ImportRow.Match.RECORD,
                    record.record_id,
                    titles_by_id[record.record_id],
                )
            continue  # an unknown id is an error, not a reason to look further
        if record.source_id in from_sources:
            lookup.matches[row] = Match(
                ImportRow.Match.SOURCE, *from_sources[record.source_id]
            )
            continue
        for name, kind in (
            ("doi", ImportRow.Match.DOI),
            ("pmid", ImportRow.Match.PMID),
        ):
            held = lookup.holder(name, getattr(record, name))
            if held is not None:
                lookup.matches[row] = Match(kind, *held)
                break
        else:
            if record.publication_date is not None and record.title:
                unmatched.append(record)
    if match:
        lookup.matches.update(_title_matches(unmatched, catalogue))
    return lookup


def _title_matches(records: Sequence[NormalisedRecord], catalogue) -> dict[int, Match]:
    if not records:
        return {}
    keys = {r.source_row: title_key(r.title) for r in records}
    years = set()
    for record in records:
        year = record.publication_date.year
        years.update((year - 1, year, year + 1))
    prefixes = {title_prefix(key) for key in keys.values() if key}
    suffixes = {title_suffix(key) for key in keys.values() if key}
    if not prefixes:
        return {}
    by_prefix, by_suffix = defaultdict(set), defaultdict(set)
    rows = (
        catalogue.annotate(
            key_prefix=Substr("title_key", 1, TITLE_PREFIX_LENGTH),
            key_suffix=Right("title_key", TITLE_PREFIX_LENGTH),
        )
        .filter(
            Q(key_prefix__in=prefixes) | Q(key_suffix__in=suffixes),
            pub_year__in=years,
        )
        .values_list("pk", "title", "title_key", "pub_year", "doi", "pmid")
    )
    for row in rows:
        by_prefix[title_prefix(row[2])].add(row)
        by_suffix[title_suffix(row[2])].add(row)
    matches = {}
    for record in records:
        key = keys[record.source_row]
        candidates = by_prefix[title_prefix(key)] | by_suffix[title_suffix(key)]
        found = _best(record, key, candidates)
        if found is not None:
            matches[record.source_row] = found
    return matches


def _best(record: NormalisedRecord, key: str, candidates) -> Match | None:
    year = record.publication_date.year
    best, best_ratio = None, 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    for pk, title, other_key, other_year, doi, pmid in sorted(candidates):
        if (record.doi and doi and doi != record.doi) or (
            record.pmid and pmid and pmid != record.pmid
        ):
            continue
        if other_key == key and abs(other_year - year) <= 1:
            return Match(ImportRow.Match.TITLE, pk, title, 1.0)
        if other_year != year:
            continue
        matcher.set_seq1(other_key)
        if (
            matcher.real_quick_ratio() < NEAR_MATCH
            or matcher.quick_ratio() < NEAR_MATCH
        ):
            continue
        ratio = matcher.ratio()
        if ratio >= NEAR_MATCH and ratio > best_ratio:
            best, best_ratio = Match(ImportRow.Match.TITLE, pk, title, ratio), ratio
    if best is not None:
        return Match(best.kind, best.publication_id, best.title, round(best_ratio, 3))
    return None
