"""Which departments an author's affiliation as printed names, by the rules
curators keep in the admin (AffiliationRule): a rule matches when its
pattern stands in the affiliation, case, accents and spacing ignored."""

from collections.abc import Iterable

from publications.models import Department

from .folding import fold
from .models import AffiliationRule

# Authors of one institution share a handful of affiliations; the caches stop
# growing here so a batch of any size keeps its memory.
CACHE_LIMIT = 100_000


class AffiliationRules:
    """The active rules, read and folded once (per import batch)."""

    def __init__(self, departments: dict[int, Department] | None = None):
        rules = AffiliationRule.objects.filter(is_active=True).order_by(
            "position", "pattern", "pk"
        )
        if departments is None:
            rules = rules.select_related("department")
        self.rules = [
            (
                fold(rule.pattern),
                rule.department
                if departments is None
                else departments[rule.department_id],
            )
            for rule in rules
            if fold(rule.pattern)
        ]
        self._by_affiliation: dict[str, tuple[Department, ...]] = {}
        self._by_list: dict[tuple[str, ...], tuple[Department, ...]] = {}

    def departments(self, affiliations: Iterable[str]) -> tuple[Department, ...]:
        """The departments of every rule the affiliations match, in rule order."""
        key = tuple(affiliations)
        found = self._by_list.get(key)
        if found is None:
            found = self._departments(key)
            if len(self._by_list) < CACHE_LIMIT:
                self._by_list[key] = found
        return found

    def _departments(self, affiliations: tuple[str, ...]) -> tuple[Department, ...]:
        found: dict[int, Department] = {}
        for affiliation in affiliations:
            departments = self._by_affiliation.get(affiliation)
            if departments is None:
                text = fold(affiliation)
                departments = tuple(
                    dict.fromkeys(d for pattern, d in self.rules if pattern in text)
                )
                if len(self._by_affiliation) < CACHE_LIMIT:
                    self._by_affiliation[affiliation] = departments
            for department in departments:
                found.setdefault(department.pk, department)
        return tuple(found.values())
