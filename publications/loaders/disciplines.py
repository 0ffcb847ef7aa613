"""Load the Digital Commons three-tier discipline taxonomy into Subject.

The CSV has columns tier1, tier2, tier3, level and source (one row per node,
parents before or after their children). A node is found by its place in the
tree (parent and name); a `source` of "renamed 2017 (was: X)" renames the
existing node X under the same parent instead of adding a second node. Slugs
are slugify(name): names are unique across the taxonomy.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from ..models import Subject
from .base import LoadError, LoadReport, ProgressFactory, no_progress
from .csvfile import csv_rows

TIERS = ("tier1", "tier2", "tier3")
RENAMED = re.compile(r"renamed \d{4} \(was: ([^)]+)\)")
NAME_MAX_LENGTH = Subject._meta.get_field("name").max_length

Path_ = tuple[str, ...]


@dataclass(frozen=True)
class DisciplineRow:
    row: int
    path: Path_
    renamed_from: str | None

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def depth(self) -> int:
        return len(self.path)


def _parse(row_number: int, row: dict) -> DisciplineRow:
    tiers = [row[column] for column in TIERS]
    for column, name in zip(TIERS, tiers, strict=True):
        if len(name) > NAME_MAX_LENGTH:
            raise LoadError(
                f"the name is longer than {NAME_MAX_LENGTH} characters.",
                row=row_number,
                column=column,
            )
    if not tiers[0]:
        raise LoadError(
            "every row needs a tier-1 name.", row=row_number, column="tier1"
        )
    if tiers[2] and not tiers[1]:
        raise LoadError(
            "empty, but the row names a tier-3 discipline; give its tier-2 parent.",
            row=row_number,
            column="tier2",
        )
    path = tuple(name for name in tiers if name)
    level = row["level"]
    if level not in ("1", "2", "3"):
        raise LoadError(
            f"“{level}” is not a level; write 1, 2 or 3.",
            row=row_number,
            column="level",
        )
    if int(level) != len(path):
        raise LoadError(
            f"the level is {level} but the row names {len(path)} tier(s) "
            f"({' > '.join(path)}).",
            row=row_number,
            column="level",
        )
    match = RENAMED.search(row.get("source", ""))
    return DisciplineRow(row_number, path, match.group(1).strip() if match else None)


def _parse_all(rows: list[tuple[int, dict]]) -> list[DisciplineRow]:
    parsed = [_parse(row_number, row) for row_number, row in rows]
    seen_paths: dict[Path_, int] = {}
    seen_slugs: dict[str, DisciplineRow] = {}
    for node in parsed:
        column = TIERS[node.depth - 1]
        if node.path in seen_paths:
            raise LoadError(
                f"“{' > '.join(node.path)}” is already in row {seen_paths[node.path]}.",
                row=node.row,
                column=column,
            )
        seen_paths[node.path] = node.row
        slug = slugify(node.name)
        if not slug:
            raise LoadError(
                f"“{node.name}” has no letters or digits to make a slug from.",
                row=node.row,
                column=column,
            )
        if slug in seen_slugs:
            other = seen_slugs[slug]
            raise LoadError(
                f"“{node.name}” has the same slug ({slug}) as “{other.name}” in row "
                f"{other.row}; discipline names must differ.",
                row=node.row,
                column=column,
            )
        seen_slugs[slug] = node
    return parsed


def _existing_paths() -> dict[Path_, Subject]:
    subjects = {subject.pk: subject for subject in Subject.objects.all()}
    paths = {}
    for subject in subjects.values():
        path, node = [], subject
        while node is not None and len(path) <= 3:
            path.append(node.name)
            node = subjects.get(node.parent_id)
        paths[tuple(reversed(path))] = subject
    return paths


def _check_parents(parsed: list[DisciplineRow], existing: dict[Path_, Subject]):
    in_file = {node.path for node in parsed}
    for node in parsed:
        for depth in range(1, node.depth):
            parent = node.path[:depth]
            if parent not in in_file and parent not in existing:
                raise LoadError(
                    f"its parent “{' > '.join(parent)}” is neither in the file nor "
                    "in the database; add a row for it.",
                    row=node.row,
                    column=TIERS[depth - 1],
                )


def disciplines_load(
    path: str | Path, *, progress: ProgressFactory = no_progress
) -> LoadReport:
    """Create or update the taxonomy from the CSV at `path`; raise LoadError
    (and write nothing) when any row is bad."""
    parsed = _parse_all(csv_rows(path, required=(*TIERS, "level")))
    report = LoadReport("Disciplines")
    with transaction.atomic():
        existing = _existing_paths()
        before = len(existing)
        _check_parents(parsed, existing)
        by_slug = {subject.slug: subject for subject in existing.values()}
        with progress(total=len(parsed), desc="Disciplines") as bar:
            # Tier by tier, so every parent has its id before its children.
            for depth in (1, 2, 3):
                nodes = [node for node in parsed if node.depth == depth]
                _load_tier(nodes, existing, by_slug, report)
                bar.update(len(nodes))
        left_alone = before - report.updated - report.unchanged
        if left_alone > 0:
            report.notes.append(
                f"{left_alone:,} subject(s) not in the file were left as they are."
            )
    return report


def _load_tier(nodes, existing, by_slug, report: LoadReport) -> None:
    new, changed = [], []
    for node in nodes:
        parent = existing[node.path[:-1]] if node.depth > 1 else None
        subject = existing.get(node.path)
        if subject is None and node.renamed_from:
            subject = existing.get((*node.path[:-1], node.renamed_from))
        slug = slugify(node.name)
        holder = by_slug.get(slug)
        if holder is not None and holder is not subject:
            raise LoadError(
                f"the slug {slug} of “{node.name}” is taken by subject #{holder.pk} "
                f"“{holder.name}” elsewhere in the tree; rename or move it first.",
                row=node.row,
                column=TIERS[node.depth - 1],
            )
        wanted = {
            "name": node.name,
            "slug": slug,
            "depth": node.depth,
            "parent_id": parent.pk if parent else None,
        }
        if subject is None:
            subject = Subject(**wanted)
            new.append(subject)
        elif any(getattr(subject, key) != value for key, value in wanted.items()):
            by_slug.pop(subject.slug, None)
            for key, value in wanted.items():
                setattr(subject, key, value)
            changed.append(subject)
        else:
            report.unchanged += 1
        existing[node.path] = by_slug[slug] = subject
    Subject.objects.bulk_update(changed, ["name", "slug", "depth", "parent"])
    Subject.objects.bulk_create(new)
    if new and new[0].pk is None:
        # Engines that cannot return ids from a bulk insert.
        ids = dict(
            Subject.objects.filter(slug__in=[s.slug for s in new]).values_list(
                "slug", "pk"
            )
        )
        for subject in new:
            subject.pk = ids[subject.slug]
    report.created += len(new)
    report.updated += len(changed)
