"""The pages of an import batch: upload a file, look up identifiers, the
batch page (progress, dry run, choices, report), and its buttons: save the
choices and apply, retry a failed step, download the original file.

Every write goes through ingest.services (via ingest.jobs); bad input gives
a form error or a message on the batch page, never a server error.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from publications.importers import PARSERS

from .. import jobs, services
from ..forms import LookupForm, UploadForm
from ..models import ImportBatch, ImportRow
from . import rows as batch_rows
from . import state

# Seconds between refreshes of a running batch's page.
REFRESH_SECONDS = 3


def batch_url(batch: ImportBatch) -> str:
    return reverse("admin:ingest_importbatch_change", args=[batch.pk])


def _context(modeladmin, request, title: str, **extra) -> dict:
    opts = modeladmin.model._meta
    request.current_app = modeladmin.admin_site.name
    return {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "app_label": opts.app_label,
        "has_view_permission": modeladmin.has_view_permission(request),
        **extra,
    }


def _started(request: HttpRequest, batch: ImportBatch, started: jobs.Started):
    if started.refused:
        messages.error(request, started.refused)
    elif started.background:
        messages.info(
            request,
            "The batch is large, so it is processed in the background; this "
            "page follows its progress.",
        )
    return redirect(batch_url(batch))


def upload(modeladmin, request: HttpRequest):
    """The "Import records" page: the file, its format and the mode."""
    if not modeladmin.has_add_permission(request):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            batch = services.batch_create(
                file=file,
                filename=file.name,
                user=request.user,
                mode=form.cleaned_data["mode"],
                format=form.cleaned_data["format"],
                source=form.cleaned_data["source"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return _started(request, batch, jobs.plan_file(batch))
    context = _context(modeladmin, request, "Import records", form=form)
    return TemplateResponse(request, "admin/ingest/importbatch/upload.html", context)


def lookup(modeladmin, request: HttpRequest):
    """The "Look up DOIs / PubMed IDs" page: Crossref and NCBI are asked."""
    if not modeladmin.has_add_permission(request):
        raise PermissionDenied
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch = jobs.lookup_create(
            identifiers=form.cleaned_data["identifiers"],
            user=request.user,
            mode=form.cleaned_data["mode"],
        )
        return _started(request, batch, jobs.plan_lookup(batch))
    context = _context(modeladmin, request, "Look up DOIs / PubMed IDs", form=form)
    return TemplateResponse(request, "admin/ingest/importbatch/lookup.html", context)


def _batch_or_404(modeladmin, request, object_id) -> ImportBatch:
    batch = modeladmin.get_object(request, object_id)
    if batch is None:
        raise Http404("No such import batch.")
    return batch


def batch_page(modeladmin, request: HttpRequest, object_id: str):
    if not modeladmin.has_view_permission(request):
        raise PermissionDenied
    if request.method != "GET":
        # The page only shows; its forms post to the choose and retry URLs.
        return HttpResponseNotAllowed(["GET"])
    batch = _batch_or_404(modeladmin, request, object_id)
    row_filter = batch_rows.chosen_filter(request.GET.get("show"))
    page = batch_rows.rows_page(batch, row_filter, request.GET.get("page"))
    running, failed = state.is_running(batch), state.is_failed(batch)
    can_choose = choosable(batch) and modeladmin.has_add_permission(request)
    context = _context(
        modeladmin,
        request,
        str(batch),
        batch=batch,
        original=batch,
        status_label=state.status_label(batch),
        running=running,
        failed=failed,
        refresh_seconds=REFRESH_SECONDS if running else None,
        retry_step=jobs.failed_step(batch) if failed else "",
        can_retry=failed and _may_run(modeladmin, request, jobs.failed_step(batch)),
        can_choose=can_choose,
        can_apply=can_choose and modeladmin.has_apply_permission(request),
        file_issues=batch.issues,
        count_items=state.count_items(batch),
        format_label=_format_label(batch.format),
        filter_links=_filter_links(batch, row_filter),
        row_filter=row_filter,
        page=page,
        rows=[batch_rows.row_view(row) for row in page],
        actions=ImportRow.Action.choices,
    )
    return TemplateResponse(request, "admin/ingest/importbatch/batch.html", context)


def _format_label(name: str) -> str:
    parser = PARSERS.get(name)
    return parser.label if parser else name


def _filter_links(batch: ImportBatch, current: batch_rows.RowFilter) -> list[dict]:
    counts = batch_rows.tallies(batch)
    return [
        {
            "label": row_filter.label,
            "count": counts[row_filter.key],
            "query": urlencode({"show": row_filter.key}),
            "current": row_filter.key == current.key,
        }
        for row_filter in batch_rows.FILTERS
    ]


def choosable(batch: ImportBatch) -> bool:
    """Rows may be chosen before applying, and again after an all-or-nothing
    apply failed (to skip the row that failed, say) before applying again."""
    if batch.status == ImportBatch.Status.PLANNED:
        return True
    return (
        batch.status == ImportBatch.Status.FAILED and jobs.failed_step(batch) == "apply"
    )


def _may_run(modeladmin, request, step: str) -> bool:
    if step == "apply":
        return modeladmin.has_apply_permission(request)
    return modeladmin.has_add_permission(request)


def _back(request: HttpRequest, batch: ImportBatch) -> HttpResponseRedirect:
    """To the page of rows the form was posted from."""
    row_filter = batch_rows.chosen_filter(request.POST.get("show"))
    query = {"show": row_filter.key}
    if request.POST.get("page", "").isdigit():
        query["page"] = request.POST["page"]
    return redirect(f"{batch_url(batch)}?{urlencode(query)}")


def posted_actions(request: HttpRequest) -> dict[int, str]:
    """{row number: action} from the selects named "action-<row number>"."""
    actions = {}
    for name, value in request.POST.items():
        prefix, _, number = name.partition("-")
        if prefix == "action" and number.isdigit():
            actions[int(number)] = value
    return actions


def choose(modeladmin, request: HttpRequest, object_id: str):
    """Save the choices of the rows on the page; with "apply", then apply
    the whole batch."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not modeladmin.has_add_permission(request):
        raise PermissionDenied
    applying = "apply" in request.POST
    if applying and not modeladmin.has_apply_permission(request):
        raise PermissionDenied
    batch = _batch_or_404(modeladmin, request, object_id)
    if not choosable(batch):
        messages.error(
            request,
            f"This batch is {state.status_label(batch).lower()}; "
            "its choices can no longer be changed.",
        )
        return redirect(batch_url(batch))
    try:
        services.batch_set_actions(batch=batch, actions=posted_actions(request))
    except ValidationError as error:
        messages.error(request, "Nothing was saved: " + " ".join(error.messages))
        return _back(request, batch)
    if not applying:
        messages.success(request, "Your choices were saved.")
        return _back(request, batch)
    return _started(request, batch, jobs.apply(batch, user=request.user))


def retry(modeladmin, request: HttpRequest, object_id: str):
    """Run the failed (or interrupted) step again: check the file again, or
    apply again (what is still pending, row by row; or everything, all or
    nothing, whose transaction was rolled back)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    batch = _batch_or_404(modeladmin, request, object_id)
    step = jobs.failed_step(batch)
    if not _may_run(modeladmin, request, step):
        raise PermissionDenied
    if not state.is_failed(batch):
        messages.error(request, "Only a failed batch can be retried.")
        return redirect(batch_url(batch))
    return _started(request, batch, jobs.retry(batch, user=request.user))


def download(modeladmin, request: HttpRequest, object_id: str):
    """The original file, as uploaded."""
    if not modeladmin.has_view_permission(request):
        raise PermissionDenied
    batch = _batch_or_404(modeladmin, request, object_id)
    if not batch.file:
        raise Http404("This batch has no file.")
    try:
        file = batch.file.open("rb")
    except OSError as error:
        raise Http404("The file of this batch is no longer stored.") from error
    stored_name = batch.file.name.rsplit("/", 1)[-1]
    uploaded = batch.source in (ImportBatch.Source.FILE, ImportBatch.Source.BULK_EDIT)
    name = batch.filename if uploaded and batch.filename else stored_name
    return FileResponse(file, as_attachment=True, filename=name)
