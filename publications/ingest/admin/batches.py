"""Import batches in the admin. The list is the audit of every import (who,
when, from where, which file, what came of it) and can be neither edited
nor deleted; "add" is the upload page, "change" the batch's own page."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from ..models import ImportBatch
from . import batch_views, state

APPLY_PERMISSION = "ingest.apply_importbatch"


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "batch",
        "created_at",
        "created_by",
        "source",
        "file_link",
        "format",
        "status_shown",
        "counts_shown",
    ]
    list_display_links = ["batch"]
    list_filter = ["status", "source"]
    list_select_related = ["created_by"]
    search_fields = ["filename", "created_by__username"]
    search_help_text = "A file name or the user name of who imported it."
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description="batch", ordering="pk")
    def batch(self, obj: ImportBatch) -> str:
        return f"Import #{obj.pk}"

    @admin.display(description="file", ordering="filename")
    def file_link(self, obj: ImportBatch) -> str:
        if not obj.file:
            return obj.filename or "—"
        url = reverse("admin:ingest_importbatch_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.filename or "file")

    @admin.display(description="status", ordering="status")
    def status_shown(self, obj: ImportBatch) -> str:
        return state.status_label(obj)

    @admin.display(description="rows")
    def counts_shown(self, obj: ImportBatch) -> str:
        items = state.count_items(obj)
        return ", ".join(f"{n} {label}" for label, n in items) or "—"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, extra_context={"title": "Import batches", **(extra_context or {})}
        )

    # View only: batches and their rows are the record of what happened.
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_apply_permission(self, request) -> bool:
        return request.user.has_perm(APPLY_PERMISSION)

    def get_urls(self):
        def view(function):
            def wrapped(request, *args, **kwargs):
                return function(self, request, *args, **kwargs)

            return self.admin_site.admin_view(wrapped)

        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("lookup/", view(batch_views.lookup), name=f"{name}_lookup"),
            path(
                "<path:object_id>/choose/",
                view(batch_views.choose),
                name=f"{name}_choose",
            ),
            path(
                "<path:object_id>/retry/", view(batch_views.retry), name=f"{name}_retry"
            ),
            path(
                "<path:object_id>/file/",
                view(batch_views.download),
                name=f"{name}_file",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return batch_views.upload(self, request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return batch_views.batch_page(self, request, object_id)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("created_by", "applied_by", "harvest_source")
        )
