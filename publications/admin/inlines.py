"""The rows edited on a record's admin page: authors in order, departments
("Affiliation") and related links."""

from django.contrib import admin
from django.db import models

from ..forms import AuthorshipInlineForm
from ..models import Authorship, PublicationDepartment, RelatedLink


class AuthorshipInline(admin.TabularInline):
    """Authors in order. Reorder by editing the position numbers (no script
    needed); PublicationAdmin.save_formset sends the list to the service layer."""

    model = Authorship
    form = AuthorshipInlineForm
    fields = ("position", "person", "name_as_printed", "affiliation", "corresponding")
    autocomplete_fields = ("person",)
    verbose_name = "author"
    verbose_name_plural = "authors"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    def get_extra(self, request, obj=None, **kwargs):
        return 3 if obj is None else 1


class PublicationDepartmentInline(admin.TabularInline):
    model = PublicationDepartment
    fields = ("department", "position")
    autocomplete_fields = ("department",)
    extra = 1
    verbose_name = "department"
    verbose_name_plural = "departments (affiliation)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    # Pasted links without a scheme are https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("label", "url", "kind", "position")
    extra = 1
