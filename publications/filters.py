"""Request-driven filtering of records: the search page and the browse pages
read the same filters from the same FilterSet.

`department` includes its sub-units and `subject` its narrower subjects. A
value that names nothing, or a year that is not a year, is a form error on
that field; pages show the message and ignore that filter.
"""

import re

import django_filters
from django import forms
from django.db.models import QuerySet

from .models import (
    Authorship,
    Department,
    DocumentType,
    Keyword,
    Person,
    Publication,
    PublicationDepartment,
    Subject,
)
from .search.base import NEWEST, OLDEST, RELEVANCE, TITLE, SearchFilters

SORT_CHOICES = [
    (RELEVANCE, "Relevance"),
    (NEWEST, "Newest first"),
    (OLDEST, "Oldest first"),
    (TITLE, "Title A–Z"),
]
FIRST_YEAR, LAST_YEAR = 1000, 9999
# The filters that name a thing by its slug, in the order pages list them.
SLUG_FILTERS = ("department", "subject", "keyword", "type", "author")
SLUG = re.compile(r"[-\w]{1,255}")


class YearFilter(django_filters.NumberFilter):
    """A whole year: "2013", not "2013.5" or "twenty"."""

    field_class = forms.IntegerField


class PublicationFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first is not None and last is not None and first > last:
            self.add_error(
                "year_to",
                forms.ValidationError(
                    "“To year” (%(last)s) is before “From year” (%(first)s).",
                    code="reversed_years",
                    params={"first": first, "last": last},
                ),
            )
        return cleaned


def _descendants(model, node) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for child, parent in model.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(child)
    found, pending = set(), [node.pk]
    while pending:
        current = pending.pop()
        if current not in found:
            found.add(current)
            pending.extend(children.get(current, []))
    return sorted(found)


class SlugChoiceField(forms.Field):
    """A record of `queryset` named by its slug. The text must look like a
    slug before the database is asked (NUL bytes and 10,000-character values
    never reach SQL).

    A plain field rather than a ModelChoiceField: nothing lists these
    choices, and every form a request makes would clone a ModelChoiceField's
    queryset."""

    default_error_messages = {"invalid_choice": "There is no “%(value)s”."}

    def __init__(self, *, queryset, to_field_name: str = "slug", **kwargs):
        for unused in ("empty_label", "null_label", "null_value"):
            kwargs.pop(unused, None)  # what django-filter gives choice fields
        super().__init__(**kwargs)
        self.queryset, self.to_field_name = queryset, to_field_name

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str) and SLUG.fullmatch(value):
            found = self.queryset.filter(**{self.to_field_name: value}).first()
            if found is not None:
                return found
        raise forms.ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": str(value)[:80]},
        )


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField


def _slug_filter(model, label: str, **kwargs) -> SlugChoiceFilter:
    def choices(request):
        return model.objects.all()

    return SlugChoiceFilter(
        # A function, not a queryset: a FilterSet deep-copies its filters
        # for every request, and copying a queryset copies its whole query.
        queryset=choices,
        to_field_name="slug",
        label=label,
        error_messages={"invalid_choice": f"There is no {label.lower()} “%(value)s”."},
        **kwargs,
    )


class PublicationFilter(django_filters.FilterSet):
    department = _slug_filter(Department, "Department", method="filter_department")
    subject = _slug_filter(Subject, "Subject", method="filter_subject")
    keyword = _slug_filter(Keyword, "Keyword", method="filter_keyword")
    type = _slug_filter(DocumentType, "Type", field_name="document_type")
    author = _slug_filter(Person, "Author", method="filter_author")
    year_from = YearFilter(
        field_name="pub_year",
        lookup_expr="gte",
        label="From year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )
    year_to = YearFilter(
        field_name="pub_year",
        lookup_expr="lte",
        label="To year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, label="Sort by", method="sort_by", empty_label=None
    )

    class Meta:
        model = Publication
        fields: list[str] = []
        form = PublicationFilterForm

    # Membership through a subquery, not a join: no duplicate rows, no DISTINCT.
    def filter_department(self, queryset: QuerySet, name, value) -> QuerySet:
        links = PublicationDepartment.objects.filter(
            department_id__in=_descendants(Department, value)
        )
        return queryset.filter(pk__in=links.values("publication_id"))

    def filter_subject(self, queryset: QuerySet, name, value) -> QuerySet:
        links = Publication.subjects.through.objects.filter(
            subject_id__in=_descendants(Subject, value)
        )
        return queryset.filter(pk__in=links.values("publication_id"))

    def filter_keyword(self, queryset: QuerySet, name, value) -> QuerySet:
        links = Publication.keywords.through.objects.filter(keyword=value)
        return queryset.filter(pk__in=links.values("publication_id"))

    def filter_author(self, queryset: QuerySet, name, value) -> QuerySet:
        links = Authorship.objects.filter(person=value)
        return queryset.filter(pk__in=links.values("publication_id"))

    def sort_by(self, queryset: QuerySet, name, value) -> QuerySet:
        # Relevance needs a query; browse pages list newest first instead.
        if value == OLDEST:
            return queryset.order_by("date_sort", "id")
        if value == TITLE:
            return queryset.order_by("title", "id")
        return queryset.order_by("-date_sort", "-id")

    def get_form_class(self):
        """The form class, built once per FilterSet class rather than once
        per request: it is the same every time, and each form copies the
        class's fields when it is made."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def valid_data(self) -> dict:
        """The cleaned values of the fields that validated; the others are
        left out (their errors are in `self.form.errors`)."""
        self.form.is_valid()
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in self.form.errors and value not in (None, "")
        }

    def search_filters(self) -> SearchFilters:
        """The valid filters as a search backend takes them (ids)."""
        data = self.valid_data()

        def pk(name):
            return data[name].pk if name in data else None

        return SearchFilters(
            department=pk("department"),
            subject=pk("subject"),
            keyword=pk("keyword"),
            document_type=pk("type"),
            author=pk("author"),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
        )
