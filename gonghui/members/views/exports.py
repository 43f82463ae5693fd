"""Officer pages for member exports: the export form (reached from the member list with its
filters), the job page that polls its progress, and the download.

Thin by design: the form shapes the input, ``services.exports`` checks rights, counts, logs
and queues; the job and its file are fetched for their creator only (404 otherwise)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from gonghui.core.forms import Form as NaturalForm
from gonghui.core.forms import add_service_error
from gonghui.core.web import is_fragment_request
from gonghui.members.choices import EmploymentForm, MembershipStatus
from gonghui.members.exports import CONTENT_TYPES
from gonghui.members.forms import OrganisationCodeField
from gonghui.members.services import exports
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required

Action = scoping.Action


class ExportForm(NaturalForm):
    organisation = OrganisationCodeField(label=_("Organisation (code)"))
    file_format = forms.ChoiceField(
        label=_("File format"),
        choices=[("xlsx", _("Excel (.xlsx)")), ("csv", _("CSV (UTF-8, opens in Excel)"))],
        initial="xlsx",
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("active", _("In membership")), *MembershipStatus.choices],
    )
    employment_form = forms.ChoiceField(
        label=_("Employment form"), required=False, choices=[("", _("Any")), *EmploymentForm.choices]
    )
    unmasked = forms.BooleanField(
        label=_("Include full ID numbers and phone numbers"),
        required=False,
        help_text=_("Only with the right to reveal personal data; the reason is recorded."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].user = user


EXPORT_ERROR_FIELDS = {"invalid_format": "file_format", "reason_required": "reason"}


@officer_required
@never_cache
def export_new(request):
    """The export form; GET takes the member list's filters so "Export" exports what is shown."""
    if not scoping.has_any(request.user, Action.EXPORT):
        raise PermissionDenied
    if request.method == "POST":
        form = ExportForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = exports.export_start(
                    actor=request.user,
                    organisation=data["organisation"],
                    file_format=data["file_format"],
                    filters={k: data[k] for k in ("q", "status", "employment_form")},
                    unmasked=data["unmasked"],
                    reason=data["reason"],
                )
            except ValidationError as exc:
                add_service_error(form, exc, EXPORT_ERROR_FIELDS)
            else:
                return redirect("members:export_detail", job_id=job.pk)
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
