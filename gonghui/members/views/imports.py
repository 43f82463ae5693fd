"""Officer pages for bulk member import: upload (with the duplicate policy and a preview
choice), a live progress page (htmx polls it every second), import-for-real after a preview,
undo, resume and roll back. Thin: scoped fetch → service → redirect or render."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.web import form_action, is_fragment_request
from gonghui.members import permissions
from gonghui.members.imports import forms, importer, queries
from gonghui.members.imports import template as import_template
from gonghui.members.models import ImportBatch
from gonghui.members.services import imports as import_services
from gonghui.organisations.permissions import officer_required


@officer_required
def import_list(request):
    """Recent batches in scope and the upload form."""
    permissions.require_roster_keeper(request.user)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        outcome = form_action(
            request,
            lambda data: import_services.import_start(
                actor=request.user,
                file=data["file"],
                file_name=data["file"].name,
                organisation=data["organisation"] or None,
                dry_run=data["dry_run"],
                duplicates=data["duplicates"],
            ),
            form=form,
            fields_by_code=forms.UploadForm.ERROR_FIELDS,
        )
        if outcome.ok:
            return redirect("members:import_detail", batch_id=outcome.result.pk)
    context = {"form": form, "batches": queries.recent_batches(request.user)}
    status = 400 if request.method == "POST" else 200
    return render(request, "members/officer/imports/list.html", context, status=status)


@officer_required
def import_detail(request, batch_id):
    batch = queries.batch_or_404(request.user, batch_id)
    context = {
        "batch": batch,
        "live": batch.status in {ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING}
        and not (batch.status == ImportBatch.Status.RUNNING and importer.is_stale(batch)),
        "stale": batch.status == ImportBatch.Status.RUNNING and importer.is_stale(batch),
        "percent": int(100 * batch.processed / batch.total) if batch.total else 0,
        "remaining_errors": max(0, batch.error_count - len(batch.errors)),
    }
    if is_fragment_request(request, "import-progress"):
        return render(request, "members/officer/imports/_progress.html", context)
    return render(request, "members/officer/imports/detail.html", context)


def _batch_action(request, batch_id, service, success: str):
    """A button on a batch's page: the service on the batch, then that page (a confirmed
    preview's is the new batch's)."""
    batch = queries.batch_or_404(request.user, batch_id)
    outcome = form_action(request, lambda: service(actor=request.user, batch=batch), success=success)
    return redirect("members:import_detail", batch_id=outcome.result.pk if outcome.ok else batch.pk)


@officer_required
@require_POST
def import_commit(request, batch_id):
    return _batch_action(request, batch_id, import_services.import_confirm, _("The import has started."))


@officer_required
@require_POST
def import_undo(request, batch_id):
    return _batch_action(request, batch_id, import_services.import_undo, _("The import is undone."))


@officer_required
@require_POST
def import_resume(request, batch_id):
    return _batch_action(request, batch_id, import_services.import_resume, _("The import carries on."))


@officer_required
@require_POST
def import_rollback(request, batch_id):
    return _batch_action(request, batch_id, import_services.import_rollback, _("The import is rolled back."))


@officer_required
def import_template_download(request, file_format):
    if file_format == "csv":
        response = HttpResponse(import_template.as_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            import_template.as_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="members-template.{file_format}"'
    return response
