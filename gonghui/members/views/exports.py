"""Officer pages for member exports: the export form (reached from the member list with its
filters), the job page that polls its progress, and the download.

Thin by design: the form shapes the input, ``services.exports`` checks rights, counts, logs
and queues; the job and its file are fetched for their creator only (404 otherwise)."""

from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache

from gonghui.core.web import form_action, is_fragment_request
from gonghui.members import permissions
from gonghui.members.exports import CONTENT_TYPES
from gonghui.members.forms import ExportForm
from gonghui.members.services import exports
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required

Action = scoping.Action


@officer_required
@never_cache
def export_new(request):
    """The export form; GET takes the member list's filters so "Export" exports what is shown."""
    permissions.require_exporter(request.user)
    if request.method == "POST":
        form = ExportForm(request.POST, user=request.user)
        outcome = form_action(
            request,
            lambda data: exports.export_start(
                actor=request.user,
                organisation=data["organisation"],
                file_format=data["file_format"],
                filters={k: data[k] for k in exports.FILTER_KEYS},
                unmasked=data["unmasked"],
                reason=data["reason"],
            ),
            form=form,
            fields_by_code=form.ERROR_FIELDS,
        )
        if outcome.ok:
            return redirect("members:export_detail", job_id=outcome.result.pk)
    else:
        homes = scoping.home_organisations(request.user, Action.EXPORT)
        initial = {
            "organisation": request.GET.get("organisation") or (homes[0].code if homes else ""),
            "q": request.GET.get("q", ""),
            "status": request.GET.get("status", ""),
            "employment_form": request.GET.get("employment_form", ""),
        }
        form = ExportForm(user=request.user, initial=initial)
    return render(
        request,
        "members/officer/exports/new.html",
        {"form": form, "jobs": exports.recent_jobs(request.user)},
    )


@officer_required
@never_cache
def export_detail(request, job_id):
    """One of your exports: progress while it runs (htmx polls the fragment), then the link."""
    job = exports.job_or_404(request.user, job_id)
    context = {"job": job, "available": exports.is_available(job)}
    if is_fragment_request(request, "export-progress"):
        response = render(request, "members/officer/exports/_progress.html", context)
    else:
        response = render(request, "members/officer/exports/detail.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@officer_required
@never_cache
def export_download(request, job_id):
    """The file, for its creator while it has not expired (410 afterwards); logged."""
    job = exports.job_or_404(request.user, job_id)
    try:
        handle = exports.export_download(actor=request.user, job=job)
    except exports.Gone:
        response = render(request, "members/officer/exports/gone.html", {"job": job}, status=410)
        return response
    return FileResponse(
        handle,
        as_attachment=True,
        filename=exports.download_name(job),
        content_type=CONTENT_TYPES[job.file_format],
    )
