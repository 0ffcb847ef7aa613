"""Other repositories harvested over OAI-PMH. "Harvest now" (a button on a
source's page, and an action on the list) starts a harvest batch of what
changed since the last harvest; its dry run is reviewed and applied like a
file's, and applying it moves the source's `harvested_until`."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html

from .. import jobs
from ..models import HarvestSource, ImportBatch
from .batch_views import batch_url

ADD_BATCH_PERMISSION = "ingest.add_importbatch"


def start_harvest(source: HarvestSource, user) -> ImportBatch:
    batch = jobs.harvest_create(source=source, user=user)
    jobs.plan_harvest(batch)
    return batch


@admin.action(description="Harvest the selected sources now")
def harvest_selected(modeladmin, request, queryset):
    if not request.user.has_perm(ADD_BATCH_PERMISSION):
        raise PermissionDenied
    for source in queryset:
        batch = start_harvest(source, request.user)
        modeladmin.message_user(
            request,
            format_html(
                'Harvesting {}: <a href="{}">{}</a>.', source, batch_url(batch), batch
            ),
            messages.SUCCESS,
        )


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "base_url",
        "metadata_prefix",
        "set_spec",
        "harvested_until",
    ]
    search_fields = ["name", "base_url"]
    fields = ["name", "base_url", "metadata_prefix", "set_spec", "harvested_until"]
    actions = [harvest_selected]
    change_form_template = "admin/ingest/harvestsource/change_form.html"
    # Pasted addresses without a scheme are https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_harvest"
        return [
            path(
                "<path:object_id>/harvest/",
                self.admin_site.admin_view(self.harvest_view),
                name=name,
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_harvest"] = request.user.has_perm(ADD_BATCH_PERMISSION)
        return super().render_change_form(request, context, *args, **kwargs)

    @staticmethod
    def harvest_url(source: HarvestSource) -> str:
        return reverse("admin:ingest_harvestsource_harvest", args=[source.pk])

    def harvest_view(self, request, object_id):
        return _harvest_now(self, request, object_id)


def _harvest_now(modeladmin, request, object_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not (
        request.user.has_perm(ADD_BATCH_PERMISSION)
        and modeladmin.has_view_permission(request)
    ):
        raise PermissionDenied
    source = modeladmin.get_object(request, object_id)
    if source is None:
        return redirect("admin:ingest_harvestsource_changelist")
    batch = start_harvest(source, request.user)
    messages.info(request, f"Harvesting {source}; this page follows its progress.")
    return redirect(batch_url(batch))
