"""Organisers' activity pages: their activities (drafts too), create and edit, publish,
cancel, and each activity's sign-ups (places, waiting list) with a spreadsheet export.

Everything needs ``manage_activities`` on the activity's organising union: out of scope is 404,
in scope without the right 403. Writes go through ``services.activities`` by ``form_action``.
"""

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.activities import forms, selectors
from gonghui.activities.choices import AuditAction, SignupStatus
from gonghui.activities.services import activities as services
from gonghui.core import audit
from gonghui.core.spreadsheets.cells import neutralise
from gonghui.core.web import form_action, paginate
from gonghui.organisations import scoping
from gonghui.organisations.permissions import officer_required

Action = scoping.Action


@officer_required
@require_GET
def manage_list(request):
    page = paginate(request, selectors.managed_activities(request.user))
    can_create = scoping.has_any(request.user, Action.MANAGE_ACTIVITIES)
    return render(request, "activities/officer_list.html", {"page": page, "can_create": can_create})


@officer_required
@require_http_methods(["GET", "POST"])
def activity_new(request):
    if not scoping.has_any(request.user, Action.MANAGE_ACTIVITIES):
        scoping.refuse(visible=True)
    form = forms.ActivityForm(
        request.POST or None, user=request.user, creating=True, initial={"waitlist": True}
    )
    if request.method == "POST":
        outcome = form_action(
            request,
            lambda data: services.activity_create(
                actor=request.user, organisation=data["organisation"], data=form.service_data()
            ),
            form=form,
            success=_("The activity is saved as a draft."),
        )
        if outcome.ok:
            return redirect("activities:manage_detail", activity_id=outcome.result.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "activities/officer_form.html", {"form": form, "activity": None}, status=status)


@officer_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, activity_id):
    activity = selectors.managed_activity_or_404(request.user, activity_id)
    initial = forms.ActivityForm.initial_for(activity)
    form = forms.ActivityForm(request.POST or None, user=request.user, creating=False, initial=initial)
    if request.method == "POST":
        outcome = form_action(
            request,
            lambda data: services.activity_update(
                actor=request.user, activity=activity, data=form.service_data()
            ),
            form=form,
            success=_("The activity is saved."),
        )
        if outcome.ok:
            return redirect("activities:manage_detail", activity_id=activity.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "activities/officer_form.html", {"form": form, "activity": activity}, status=status
    )


@officer_required
@require_GET
def manage_detail(request, activity_id):
    activity = selectors.managed_activity_or_404(request.user, activity_id)
    signups = list(selectors.signups_of(activity))
    return render(
        request,
        "activities/officer_detail.html",
        {
            "activity": activity,
            "confirmed": [
                s
                for s in signups
                if s.status != SignupStatus.WAITLISTED and s.status != SignupStatus.CANCELLED
            ],
            "waiting": [s for s in signups if s.status == SignupStatus.WAITLISTED],
            "cancelled": [s for s in signups if s.status == SignupStatus.CANCELLED],
            "cancel_form": forms.CancelForm(),
        },
    )


@officer_required
@require_POST
def publish(request, activity_id):
    activity = selectors.managed_activity_or_404(request.user, activity_id)
    form_action(
        request,
        lambda: services.activity_publish(actor=request.user, activity=activity),
        success=_("The activity is published."),
    )
    return redirect("activities:manage_detail", activity_id=activity.pk)


@officer_required
@require_POST
def cancel(request, activity_id):
    activity = selectors.managed_activity_or_404(request.user, activity_id)
    form = forms.CancelForm(request.POST)
    form_action(
        request,
        lambda data: services.activity_cancel(actor=request.user, activity=activity, reason=data["reason"]),
        form=form,
        success=_("The activity is cancelled and everyone signed up is told."),
    )
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("activities:manage_detail", activity_id=activity.pk)


@officer_required
@require_GET
def export(request, activity_id):
    """The sign-ups as CSV (UTF-8 with BOM, so that Excel reads the Chinese): names of the
    members and the answers; the export itself is audited."""
    activity = selectors.managed_activity_or_404(request.user, activity_id)
    signups = selectors.signups_of(activity)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    labels = [q["label"] for q in activity.questions]
    writer.writerow(
        [_("Status"), _("Queue position"), _("Name"), _("Union"), _("Account"), _("Signed up at"), *labels]
    )
    for s in signups:
        answers = {a["label"]: a["answer"] for a in s.answers}
        # Answers and names are typed by the people signing up: a cell starting with = + - @
        # would run as a formula when the organiser opens the file.
        writer.writerow(
            [
                neutralise(str(cell))
                for cell in (
                    s.get_status_display(),
                    s.position or "",
                    s.member.name if s.member else "",
                    s.member.organisation.name if s.member else "",
                    s.user.get_username(),
                    timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M"),
                    *[answers.get(label, "") for label in labels],
                )
            ]
        )
    audit.record(
        actor=request.user,
        action=AuditAction.SIGNUPS_EXPORTED,
        obj=activity,
        organisation_id=activity.organisation_id,
    )
    return response
