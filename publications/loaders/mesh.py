"""Load MeSH headings as Keyword(vocabulary="mesh").

The CSV has columns name and descriptor_ui_2017 (tree_numbers and categories
are read past). A heading is matched by its descriptor UI, else by its term;
a new heading gets slugify(term), or on a collision the slug with its UI (or a
number) appended. Writes are bulk inserts and updates in batches: the 2023
file's 30,452 headings load in seconds.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from ..models import Keyword
from .base import LoadError, LoadReport, ProgressFactory, no_progress
from .csvfile import csv_rows

NAME, UI = "name", "descriptor_ui_2017"
# Descriptor UIs are "D" and 6 digits, or 9 digits for those since 2017.
DESCRIPTOR_UI = re.compile(r"^D\d{6}(\d{3})?$")
TERM_MAX_LENGTH = Keyword._meta.get_field("term").max_length
SLUG_MAX_LENGTH = Keyword._meta.get_field("slug").max_length
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Heading:
    row: int
    term: str
    identifier: str | None


def _parse_all(rows: list[tuple[int, dict]]) -> list[Heading]:
    headings, terms, identifiers = [], {}, {}
    for row_number, row in rows:
        term, identifier = row[NAME], row[UI] or None
        if not term:
            raise LoadError("the heading is empty.", row=row_number, column=NAME)
        if len(term) > TERM_MAX_LENGTH:
            raise LoadError(
                f"the heading is longer than {TERM_MAX_LENGTH} characters.",
                row=row_number,
                column=NAME,
            )
        if term in terms:
            raise LoadError(
                f"“{term}” is already in row {terms[term]}.",
                row=row_number,
                column=NAME,
            )
        if identifier is not None:
            if not DESCRIPTOR_UI.match(identifier):
                raise LoadError(
                    f"“{identifier}” is not a MeSH descriptor UI (D and 6 or 9 "
                    "digits, e.g. D051359).",
                    row=row_number,
                    column=UI,
                )
            if identifier in identifiers:
                raise LoadError(
                    f"{identifier} is already in row {identifiers[identifier]}.",
                    row=row_number,
                    column=UI,
                )
            identifiers[identifier] = row_number
        terms[term] = row_number
        headings.append(Heading(row_number, term, identifier))
    return headings


class SlugAllocator:
    """Unique keyword slugs: slugify(term), then with the UI, then numbered."""

    def __init__(self, taken: set[str]):
        self.taken = taken

    def allocate(self, term: str, identifier: str | None) -> str:
        base = (slugify(term) or "keyword")[: SLUG_MAX_LENGTH - 16].strip("-")
        candidates = [base]
        if identifier:
            candidates.append(f"{base}-{identifier.lower()}")
        for slug in candidates:
            if slug not in self.taken:
                self.taken.add(slug)
                return slug
        n = 2
        while f"{base}-{n}" in self.taken:
            n += 1
        self.taken.add(f"{base}-{n}")
        return f"{base}-{n}"


def mesh_load(
    path: str | Path,
    *,
    progress: ProgressFactory = no_progress,
    batch_size: int = BATCH_SIZE,
) -> LoadReport:
    """Create or update MeSH keywords from the CSV at `path`; raise LoadError
    (and write nothing) when any row is bad."""
    headings = _parse_all(csv_rows(path, required=(NAME, UI)))
    report = LoadReport("MeSH headings")
    with transaction.atomic():
        mesh = list(Keyword.objects.filter(vocabulary=Keyword.Vocabulary.MESH))
        by_identifier = {k.identifier: k for k in mesh if k.identifier}
        by_term = {k.term: k for k in mesh}
        slugs = SlugAllocator(set(Keyword.objects.values_list("slug", flat=True)))
        new, changed = [], []
        with progress(total=len(headings), desc="MeSH headings") as bar:
            for heading in headings:
                keyword = _match(heading, by_identifier, by_term)
                if keyword is None:
                    keyword = Keyword(
                        vocabulary=Keyword.Vocabulary.MESH,
                        term=heading.term,
                        identifier=heading.identifier,
                        slug=slugs.allocate(heading.term, heading.identifier),
                    )
                    new.append(keyword)
                elif _update(keyword, heading, slugs):
                    changed.append(keyword)
                else:
                    report.unchanged += 1
                by_term[keyword.term] = keyword
                if keyword.identifier:
                    by_identifier[keyword.identifier] = keyword
                bar.update()
        writes = len(new) + len(changed)
        report_writes = progress if writes else no_progress
        with report_writes(total=writes, desc="Writing") as bar:
            for start in range(0, len(changed), batch_size):
                batch = changed[start : start + batch_size]
                Keyword.objects.bulk_update(batch, ["term", "slug", "identifier"])
                bar.update(len(batch))
            for start in range(0, len(new), batch_size):
                batch = new[start : start + batch_size]
                Keyword.objects.bulk_create(batch)
                bar.update(len(batch))
    report.created, report.updated = len(new), len(changed)
    return report


def _match(heading: Heading, by_identifier, by_term) -> Keyword | None:
    """The keyword this heading is: by UI first, else by term. A term held by
    another heading's keyword is a conflict the file must resolve."""
    keyword = by_identifier.get(heading.identifier) if heading.identifier else None
    holder = by_term.get(heading.term)
    if keyword is None:
        if holder is not None and heading.identifier and holder.identifier:
            raise LoadError(
                f"“{heading.term}” is already keyword #{holder.pk} with descriptor "
                f"UI {holder.identifier}, not {heading.identifier}.",
                row=heading.row,
                column=UI,
            )
        return holder
    if holder is not None and holder is not keyword:
        raise LoadError(
            f"{heading.identifier} is keyword #{keyword.pk} “{keyword.term}”, but "
            f"“{heading.term}” is already keyword #{holder.pk}.",
            row=heading.row,
            column=NAME,
        )
    return keyword


def _update(keyword: Keyword, heading: Heading, slugs: SlugAllocator) -> bool:
    """Bring a matched keyword in line with the heading; True if it changed.
    A heading without a UI keeps the UI the keyword already has."""
    changed = False
    if keyword.term != heading.term:
        keyword.term = heading.term
        keyword.slug = slugs.allocate(heading.term, heading.identifier)
        changed = True
    if heading.identifier and keyword.identifier != heading.identifier:
        keyword.identifier = heading.identifier
        changed = True
    return changed
