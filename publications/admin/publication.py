"""The curators' record admin: the form and its inlines, the changelist, the
batch actions and the audit history. Every write goes through services."""

from django.contrib import admin
from django.db import models
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..forms import PublicationAdminForm
from ..models import Authorship, Publication
from . import actions, bulk_edit, filters
from .history import related_changes
from .inlines import AuthorshipInline, PublicationDepartmentInline, RelatedLinkInline
from .search import search_publications

PUBLISH_PERMISSION = "publications.publish_publication"
WITHDRAW_PERMISSION = "publications.withdraw_publication"


@admin.register(Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    form = PublicationAdminForm
    # Pasted links without a scheme are https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        ("Record", {"fields": ["title", "document_type", "status"]}),
        (
            "Date",
            {
                "fields": [("pub_year", "pub_month", "pub_day"), "epub_date"],
                "description": "A year, a year and month, or a full date.",
            },
        ),
        (
            "Source",
            {
                "fields": [
                    "venue",
                    ("volume", "issue", "pages"),
                    "source_citation",
                    "publisher_url",
                ]
            },
        ),
        ("Identifiers", {"fields": ["doi", "pmid", "pmcid"]}),
        ("Content", {"fields": ["abstract"]}),
        ("Classification", {"fields": ["subjects", "keywords"]}),
        ("Withdrawal", {"fields": ["withdrawal_note"]}),
        (
            "In this repository",
            {
                "fields": [
                    ("created_at", "updated_at"),
                    ("first_published_at", "withdrawn_at"),
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    readonly_fields = ["created_at", "updated_at", "first_published_at", "withdrawn_at"]
    inlines = [AuthorshipInline, PublicationDepartmentInline, RelatedLinkInline]
    autocomplete_fields = ["venue", "subjects", "keywords"]

    list_display = [
        "title",
        "publication_date",
        "document_type",
        "status",
        "doi",
        "pmid",
        "updated_at",
    ]
    list_filter = [
        "status",
        "document_type",
        filters.DepartmentFilter,
        filters.SubjectFilter,
        filters.YearFilter,
    ]
    # The search box; get_search_results below does the matching.
    search_fields = ["title", "=doi", "=pmid", "authorships__person__family_name"]
    search_help_text = (
        "Words of the title or an author's family name; or a DOI (also as a "
        "https://doi.org/ link), a PubMed ID or a PMCID."
    )
    # Newest changes first, which the (status, updated_at) index serves.
    ordering = ["-updated_at"]
    list_select_related = ["document_type"]
    list_per_page = 50
    # A million records: no second COUNT(*) of the unfiltered table, and no
    # facet counts over it.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = [
        actions.publish_selected,
        actions.withdraw_selected,
        actions.export_csv,
        bulk_edit.export_bulk_edit_xlsx,
        bulk_edit.export_bulk_edit_csv,
    ]

    object_history_template = "admin/publications/publication/object_history.html"

    @admin.display(description="date", ordering="date_sort")
    def publication_date(self, obj: Publication) -> str:
        return str(obj.partial_date)

    def view_on_site(self, obj: Publication) -> str | None:
        # Drafts get a "Preview" link instead (see change_form.html): readers
        # cannot see them yet.
        if obj.status == Publication.Status.DRAFT:
            return None
        return obj.get_absolute_url()

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)

    def has_withdraw_permission(self, request) -> bool:
        return request.user.has_perm(WITHDRAW_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Setting the status in the form publishes or withdraws; only those
        # allowed to do both may use it, the others use the actions.
        if not (
            self.has_publish_permission(request)
            and self.has_withdraw_permission(request)
        ):
            fields.append("status")
        return fields

    def get_search_results(self, request, queryset, search_term):
        return search_publications(queryset, search_term), False

    def save_model(self, request, obj, form, change):
        # A status set in the form publishes or withdraws as the actions do,
        # with the reason in the history.
        status_set = "status" in form.changed_data
        if status_set and obj.status == Publication.Status.PUBLISHED:
            services.publication_publish(publication=obj, user=request.user)
        elif status_set and obj.status == Publication.Status.WITHDRAWN:
            services.publication_withdraw(
                publication=obj, note=obj.withdrawal_note, user=request.user
            )
        else:
            services.publication_save(publication=obj, user=request.user)

    def delete_model(self, request, obj):
        services.publication_delete(publication=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for publication in queryset:
            services.publication_delete(publication=publication, user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is Authorship:
            self.save_authorships(request, form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)

    def save_authorships(self, request, publication: Publication, formset) -> None:
        """Hand the whole author list to the service layer in the order of the
        positions entered (ties and blanks keep the order of the rows), so
        swapped positions never collide."""
        deleted_forms = formset.deleted_forms
        deleted = [f.instance for f in deleted_forms if f.instance.pk]
        kept, new, changed = [], [], []
        for index, row in enumerate(formset.forms):
            if row in deleted_forms or not hasattr(row, "cleaned_data"):
                continue
            if row.instance.pk is None and not row.has_changed():
                continue  # an empty extra row
            position = row.cleaned_data.get("position")
            kept.append((position is None, position or 0, index, row.instance))
            if row.instance.pk is None:
                new.append(row.instance)
            elif row.has_changed():
                changed.append((row.instance, row.changed_data))
        # The admin's change message reads these (formset.save() sets them).
        formset.new_objects, formset.changed_objects = new, changed
        formset.deleted_objects = deleted
        if not (new or changed or deleted):
            return
        kept.sort(key=lambda entry: entry[:3])
        services.authorships_save(
            publication=publication,
            authorships=[entry[3] for entry in kept],
            deleted=deleted,
            user=request.user,
        )

    def history_view(self, request, object_id, extra_context=None):
        try:
            publication_id = int(object_id)
        except ValueError as error:
            raise Http404 from error
        context = {"related_changes": related_changes(publication_id)}
        return super().history_view(
            request, object_id, extra_context={**context, **(extra_context or {})}
        )
