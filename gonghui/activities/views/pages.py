"""Members' activity pages (phone first): the list of activities the person may see, an
activity with its sign-up form (answers to its questions) or their sign-up, cancelling, and
my sign-ups (我的). Anonymous visitors see the activities open to anyone signed in and are
asked to sign in to take part. Writes go through ``services.signups`` by ``form_action``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gonghui.activities import permissions, selectors
from gonghui.activities.choices import SignupStatus
from gonghui.activities.services import signups
from gonghui.core import divisions
from gonghui.core.web import form_action, paginate


@require_GET
def activity_list(request):
    page = paginate(
        request, selectors.activity_list(request.user, upcoming_only=request.GET.get("all") != "1")
    )
    return render(request, "activities/list.html", {"page": page, "show_all": request.GET.get("all") == "1"})


def _detail_context(request, activity, *, answers=None):
    user = request.user
    mine = selectors.own_signup(user, activity)
    members_only_refusal = False
    if user.is_authenticated and mine is None:
        try:
            permissions.require_signup(user, activity)
        except PermissionDenied:
            members_only_refusal = True
    questions = [
        {
            "index": i,
            "label": q["label"],
            "required": q.get("required"),
            "value": answers[i] if answers else "",
        }
        for i, q in enumerate(activity.questions)
    ]
    return {
        "activity": activity,
        "place": divisions.full_name(activity.division_code),
        "mine": mine,
        "rank": selectors.queue_rank(mine) if mine else None,
        "members_only": members_only_refusal,
        "questions": questions,
        "can_manage": permissions.can_manage(user, activity.organisation),
        "free": max(activity.capacity - activity.confirmed, 0),
    }


@never_cache
@require_GET
def activity_detail(request, activity_id):
    activity = selectors.activity_or_404(request.user, activity_id)
    return render(request, "activities/detail.html", _detail_context(request, activity))


@login_required
@require_POST
def signup(request, activity_id):
    activity = selectors.activity_or_404(request.user, activity_id)
    answers = [request.POST.get(f"answer_{i}", "") for i in range(len(activity.questions))]
    try:
        outcome = form_action(
            request, lambda: signups.signup_create(actor=request.user, activity=activity, answers=answers)
        )
    except permissions.MembersOnly:
        # Visible (an officer in scope) but for members they are not: the page says so.
        return render(request, "activities/detail.html", _detail_context(request, activity), status=403)
    if not outcome.ok:
        activity = selectors.activity_or_404(request.user, activity_id)
        context = _detail_context(request, activity, answers=answers)
        return render(request, "activities/detail.html", context, status=400)
    if outcome.result.status == SignupStatus.CONFIRMED:
        messages.success(request, _("You are signed up."))
    else:
        messages.info(request, _("All places are taken: you are on the waiting list."))
    return redirect("activities:detail", activity_id=activity.pk)


@login_required
@require_POST
def cancel(request, activity_id):
    activity = selectors.activity_or_404(request.user, activity_id)
    form_action(
        request,
        lambda: signups.signup_cancel(actor=request.user, activity=activity),
        success=_("Your sign-up is cancelled."),
    )
    return redirect("activities:detail", activity_id=activity.pk)


@login_required
@never_cache
@require_GET
def my_signups(request):
    page = paginate(request, selectors.own_signups(request.user))
    rows = [{"signup": s, "rank": selectors.queue_rank(s)} for s in page.items]
    return render(request, "activities/mine.html", {"page": page, "rows": rows})
