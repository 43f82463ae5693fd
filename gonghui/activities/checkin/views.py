"""Pages of check-in, attendance and the photo report (docs/modules/activities.md).

* ``/activities/<id>/checkin/?c=<code>`` — what a member's phone camera opens from the
  organiser's QR code: signed in, the member is checked in (or out) at once.
* ``/activities/<id>/checkin/screen/`` — the organiser's screen with the rotating code (its
  script fetches ``…/checkin/code/`` as the code changes).
* ``/activities/<id>/checkin/scan/`` — the organiser scans members' cards (camera or typed),
  online or offline (its script queues scans and sends them to the sync endpoint).
* ``/activities/<id>/attendance/`` — who came, their times and hours; certification.
* ``/activities/<id>/report/`` — the photo report after the activity.
"""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.activities.checkin import permissions, reports, selectors, services, tokens
from gonghui.activities.models_attendance import Direction
from gonghui.core import qr
from gonghui.core.forms import Form
from gonghui.core.web import form_action


def checkin_url(request, activity, direction: str) -> str:
    path = reverse("activities:checkin", kwargs={"activity_id": activity.pk})
    return request.build_absolute_uri(f"{path}?c={tokens.make(activity.pk, direction)}")


def _direction(request) -> str:
    return Direction.OUT if request.GET.get("direction") == Direction.OUT else Direction.IN


# A scan by someone not signed in yet: the code and when it was scanned, kept in their
# session while they sign in, so that a code valid at the scan still counts after a slow
# sign-in (an SMS code can take minutes). The session is stored on the server.
PENDING = "activities.checkin.pending"
PENDING_MAX = datetime.timedelta(minutes=10)


def _scan_moment(request, activity_id, code: str):
    """When ``code`` was scanned: the time kept before signing in (for this activity and code,
    at most PENDING_MAX ago), else now."""
    pending = request.session.pop(PENDING, None)
    now = timezone.now()
    if (
        not isinstance(pending, dict)
        or pending.get("activity") != str(activity_id)
        or pending.get("code") != code
    ):
        return now
    try:
        scanned = datetime.datetime.fromisoformat(pending.get("at", ""))
    except (TypeError, ValueError):
        return now
    return scanned if now - PENDING_MAX <= scanned <= now else now


@never_cache
@require_GET
def checkin(request, activity_id):
    """Opened from the organiser's QR code: checks the signed-in person in or out at once (one
    scan, no further tap). A GET that writes is safe here because the code is the proof: it is
    only on the organiser's screen, lives a minute, and a second use is refused. Someone not
    signed in signs in first and comes back; the scan time is kept meanwhile (PENDING), so the
    code is judged as at the scan and the check-in carries that time."""
    code = request.GET.get("c", "")
    if not request.user.is_authenticated:
        request.session[PENDING] = {
            "activity": str(activity_id),
            "code": code,
            "at": timezone.now().isoformat(),
        }
        return redirect_to_login(request.get_full_path())
    activity = services.published_activity_or_404(activity_id)
    moment = _scan_moment(request, activity_id, code)
    outcome = form_action(
        request,
        lambda: services.checkin_by_code(actor=request.user, activity=activity, code=code, moment=moment),
    )
    return render(
        request,
        "activities/checkin/member_checkin.html",
        {"activity": activity, "checkin": outcome.result if outcome.ok else None, "ok": outcome.ok},
        status=200 if outcome.ok else 400,
    )


@login_required
@never_cache
@require_GET
def screen(request, activity_id):
    """The organiser's screen: the current code as a QR, replaced as it rotates."""
    activity = selectors.activity_to_run_or_404(request.user, activity_id)
    direction = _direction(request)
    url = checkin_url(request, activity, direction)
    return render(
        request,
        "activities/checkin/screen.html",
        {
            "activity": activity,
            "direction": direction,
            "url": url,
            "qr_svg": qr.qr_svg(url, title=_("Check-in code"), scale=8),
            "seconds_left": tokens.seconds_left(),
            "period": tokens.period(),
        },
    )


@login_required
@never_cache
@require_GET
def code(request, activity_id):
    """The current code for the screen's script: ``{"svg", "url", "seconds_left"}``."""
    activity = selectors.activity_to_run_or_404(request.user, activity_id)
    url = checkin_url(request, activity, _direction(request))
    return JsonResponse(
        {
            "svg": str(qr.qr_svg(url, title=_("Check-in code"), scale=8)),
            "url": url,
            "seconds_left": tokens.seconds_left(),
        }
    )


class CardScanForm(Form):
    token = forms.CharField(label=gettext_lazy("Member card code"), max_length=2000)
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"), choices=Direction.choices, initial=Direction.IN
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def scan(request, activity_id):
    """The organiser scans members' cards. Without JavaScript the form posts here; with it,
    scans are queued on the phone and sent to the sync endpoint, offline too."""
    activity = selectors.activity_to_run_or_404(request.user, activity_id)
    form = CardScanForm(request.POST or None)
    if request.method == "POST":
        outcome = form_action(
            request,
            lambda data: services.checkin_by_card(
                actor=request.user, activity=activity, token=data["token"], direction=data["direction"]
            ),
            form=form,
            success=_("Recorded."),
        )
        if outcome.ok:
            return redirect("activities:checkin_scan", activity_id=activity.pk)
    return render(
        request,
        "activities/checkin/scan.html",
        {
            "activity": activity,
            "form": form,
            "sync_url": f"/api/v1/activities/{activity.pk}/checkins/sync",
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@require_GET
def attendance(request, activity_id):
    """Who came, when, for how long; certify each person's hours."""
    activity = selectors.activity_to_run_or_404(request.user, activity_id)
    return render(
        request,
        "activities/checkin/attendance.html",
        {
            "activity": activity,
            "rows": selectors.attendance_rows(activity),
            "can_certify": permissions.can_certify(request.user, activity),
        },
    )


@login_required
@require_POST
def certify(request, activity_id, signup_id):
    activity = selectors.activity_to_run_or_404(request.user, activity_id)
    signup = selectors.signup_of_activity_or_404(activity, signup_id)
    # The minutes and the reason are read by the service (core.inputs); its refusals become
    # messages on the attendance page.
    form_action(
        request,
        lambda: services.attendance_certify(
            actor=request.user,
            signup=signup,
            minutes=request.POST.get("minutes", ""),
            reason=request.POST.get("reason", ""),
        ),
        success=_("Hours certified."),
    )
    return redirect("activities:attendance", activity_id=activity.pk)


class ReportForm(Form):
    summary = forms.CharField(label=gettext_lazy("Summary"), widget=forms.Textarea, max_length=5000)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def report(request, activity_id):
    """The photo report after the activity, sent on as a news draft."""
    activity = selectors.activity_to_run_or_404(request.user, activity_id)
    existing = selectors.report_of(activity)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and existing is None:
        outcome = form_action(
            request,
            lambda data: reports.report_submit(
                actor=request.user,
                activity=activity,
                summary=data["summary"],
                photos=request.FILES.getlist("photos"),
            ),
            form=form,
            success=_("The report was sent to the news review as a draft."),
        )
        if outcome.ok:
            return redirect("activities:report", activity_id=activity.pk)
    return render(
        request,
        "activities/checkin/report.html",
        {"activity": activity, "form": form, "report": existing},
        status=400 if form.errors else 200,
    )


@require_GET
def report_photo(request, photo_id):
    photo = selectors.report_photo_or_404(request.user, photo_id)
    response = HttpResponse(bytes(photo.data), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
