"""Batch actions on selected records: publish, withdraw (with a note asked
for on a confirmation page) and CSV export. Each record goes through the
service layer, so history, timestamps and cached counts follow."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from .. import services
from ..forms import WithdrawForm
from ..models import Publication
from .csv_export import csv_response

# The confirmation page lists every record it will withdraw and posts their
# ids back; past this a curator narrows the selection with filters first.
MAX_WITHDRAW = 1000


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@admin.action(permissions=["publish"], description="Publish selected records")
def publish_selected(modeladmin, request, queryset):
    published, failed = 0, []
    for publication in queryset.exclude(status=Publication.Status.PUBLISHED):
        try:
            services.publication_publish(publication=publication, user=request.user)
        except ValidationError as error:
            failed.append(f"#{publication.pk} ({_errors(error)})")
            continue
        modeladmin.log_change(request, publication, "Published.")
        published += 1
    modeladmin.message_user(
        request, f"Published {published} record(s).", messages.SUCCESS
    )
    if failed:
        modeladmin.message_user(
            request, "Not published: " + "; ".join(failed), messages.ERROR
        )


def _withdraw(modeladmin, request, queryset, note: str) -> None:
    withdrawn, failed = 0, []
    for publication in queryset:
        try:
            services.publication_withdraw(
                publication=publication, note=note, user=request.user
            )
        except ValidationError as error:
            failed.append(f"#{publication.pk} ({_errors(error)})")
            continue
        modeladmin.log_change(request, publication, f"Withdrawn: {note}")
        withdrawn += 1
    modeladmin.message_user(
        request, f"Withdrew {withdrawn} record(s).", messages.SUCCESS
    )
    if failed:
        modeladmin.message_user(
            request, "Not withdrawn: " + "; ".join(failed), messages.ERROR
        )


@admin.action(permissions=["withdraw"], description="Withdraw selected records")
def withdraw_selected(modeladmin, request, queryset):
    """First show the records and ask for the note; withdraw on confirmation."""
    queryset = queryset.exclude(status=Publication.Status.WITHDRAWN)
    count = queryset.count()
    if count == 0:
        modeladmin.message_user(
            request, "The selected records are already withdrawn.", messages.WARNING
        )
        return None
    if count > MAX_WITHDRAW:
        modeladmin.message_user(
            request,
            f"Withdraw at most {MAX_WITHDRAW} records at a time; {count} are selected.",
            messages.ERROR,
        )
        return None

    if "confirm_withdraw" in request.POST:
        form = WithdrawForm(request.POST)
        if form.is_valid():
            _withdraw(
                modeladmin, request, queryset, form.cleaned_data["withdrawal_note"]
            )
            return None
        modeladmin.message_user(
            request,
            "Nothing was withdrawn: a withdrawal note is required.",
            messages.ERROR,
        )
    else:
        form = WithdrawForm()

    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Withdraw records",
        "opts": opts,
        "app_label": opts.app_label,
        "publications": queryset.select_related("document_type").order_by("pk"),
        "count": count,
        "form": form,
        "action_name": "withdraw_selected",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(
        request, "admin/publications/publication/withdraw_confirmation.html", context
    )


@admin.action(permissions=["view"], description="Export selected records as CSV")
def export_csv(modeladmin, request, queryset):
    return csv_response(request, queryset)
