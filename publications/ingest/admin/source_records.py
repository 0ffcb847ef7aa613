"""Harvested records: which catalogue record came from which record at
another repository, by its OAI identifier. Imports make these links (the
next harvest matches by them); curators look them up and may remove a wrong
one, so that the next harvest matches that record afresh."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from ..models import SourceRecord


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ["identifier", "record"]
    list_select_related = ["publication"]
    search_fields = ["identifier", "publication__title"]
    fields = ["identifier", "record"]
    readonly_fields = ["identifier", "record"]
    list_per_page = 100

    @admin.display(description="Record", ordering="publication__title")
    def record(self, link: SourceRecord) -> str:
        publication = link.publication
        return format_html(
            '<a href="{}">#{} {}</a>',
            reverse("admin:publications_publication_change", args=[publication.pk]),
            publication.pk,
            publication.title,
        )

    # Links are made by imports only.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
