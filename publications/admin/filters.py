"""Changelist filters that stay cheap on a million records.

None of them scans the publication table to build its choices, and none joins
in a way that makes the changelist add DISTINCT: department and subject
filters are semi-joins (`id IN (SELECT publication_id ...)`).
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.cache import cache
from django.db.models import Q

from .. import stats
from ..models import Department, Publication, PublicationDepartment, Subject

# Years of drafts and withdrawn records change rarely; a stale year for ten
# minutes only hides a filter choice, never a record.
OTHER_YEARS_KEY = "publications:admin:all_years"
OTHER_YEARS_TIMEOUT = 10 * 60


def record_years() -> list[int]:
    """Every publication year in use, newest first.

    Published years come from the cached counts the service layer invalidates
    on every write; years used only by drafts or withdrawn records come from a
    DISTINCT over the whole table, cached for ten minutes, so the scan runs at
    most that often rather than on every changelist request.
    """
    years = cache.get(OTHER_YEARS_KEY)
    if years is None:
        years = list(
            # Drafts and withdrawn records are few; the (status, updated_at)
            # index finds them without reading the published ones.
            Publication.objects.filter(
                status__in=[Publication.Status.DRAFT, Publication.Status.WITHDRAWN]
            )
            .order_by()
            .values_list("pub_year", flat=True)
            .distinct()
        )
        cache.set(OTHER_YEARS_KEY, years, OTHER_YEARS_TIMEOUT)
    published = [year for year, _count in stats.published_year_counts()]
    return sorted(set(published) | set(years), reverse=True)


def _int_value(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as error:
        raise IncorrectLookupParameters(f"{value!r} is not a number") from error


class YearFilter(admin.SimpleListFilter):
    title = "publication year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in record_years()]

    def queryset(self, request, queryset):
        year = _int_value(self.value())
        return queryset if year is None else queryset.filter(pub_year=year)


class TreeFilter(admin.SimpleListFilter):
    """A drill-down over a shallow tree (subjects, departments): the top
    level first; once one is chosen, its broader and narrower entries. A
    choice matches records filed under it or anything beneath it."""

    tree_model: type
    through_model: type  # links records to tree nodes
    through_field: str

    def lookups(self, request, model_admin):
        selected_id = _int_value(self.value())
        nodes = self.tree_model.objects.select_related("parent__parent")
        selected = nodes.filter(pk=selected_id).first() if selected_id else None
        if selected is None:
            return [(str(node.pk), str(node)) for node in nodes.filter(parent=None)]
        ancestors = []
        node = selected.parent
        while node is not None:
            ancestors.insert(0, node)
            node = node.parent
        choices = [
            (str(node.pk), "› " * depth + str(node))
            for depth, node in enumerate([*ancestors, selected])
        ]
        depth = len(ancestors) + 1
        choices += [
            (str(child.pk), "› " * depth + str(child))
            for child in self.tree_model.objects.filter(parent=selected)
        ]
        return choices

    def queryset(self, request, queryset):
        node_id = _int_value(self.value())
        if node_id is None:
            return queryset
        # Subjects have three levels; departments may have a fourth
        # (school, department, division, program).
        subtree = self.tree_model.objects.filter(
            Q(pk=node_id)
            | Q(parent_id=node_id)
            | Q(parent__parent_id=node_id)
            | Q(parent__parent__parent_id=node_id)
        ).values("pk")
        links = self.through_model.objects.filter(
            **{f"{self.through_field}__in": subtree}
        )
        return queryset.filter(pk__in=links.values("publication_id"))


class SubjectFilter(TreeFilter):
    title = "subject (with narrower subjects)"
    parameter_name = "subject"
    tree_model = Subject
    through_model = Publication.subjects.through
    through_field = "subject_id"


class DepartmentFilter(TreeFilter):
    title = "department (with its units)"
    parameter_name = "department"
    tree_model = Department
    through_model = PublicationDepartment
    through_field = "department_id"
