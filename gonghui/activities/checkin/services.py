"""Check-in and check-out at activities, certified hours and the no-show rule.

Three ways in, one record (``CheckIn``):

* a member opens the URL in the organiser's rotating QR code (``checkin_by_code``, source qr);
* the organiser scans the member's e-card, or types its token (``checkin_by_card``, card);
* the organiser's phone sends the scans it queued while offline (``checkins_sync``), each with
  the phone's nonce and the scan time.

Only a place-holding sign-up (confirmed, or already attended) checks in; each person checks in
once and out once, the check-out after the check-in. Hours = min(out, scheduled end) −
max(in, scheduled start); for an activity that records hours the organising union certifies
them (``attendance_certify``), which marks the sign-up attended; at one that does not, the
check-in itself does. After the activity, confirmed sign-ups without a check-in become
no-shows (``no_shows_mark``, the ``mark_no_shows`` command).
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.activities.checkin import permissions, tokens
from gonghui.activities.checkin.choices import AttendanceAction
from gonghui.activities.choices import SignupStatus, Status
from gonghui.activities.models import Activity, Attendance, CheckIn, Signup
from gonghui.activities.models_attendance import Direction, Source
from gonghui.core import audit, inputs
from gonghui.core.inputs import field_error
from gonghui.members.services import cards

# Sign-ups that may check in: a held place (attended: certified already, still may check out).
CHECKIN_STATUSES = (SignupStatus.CONFIRMED, SignupStatus.ATTENDED)
MAX_SYNC_SCANS = 500
NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# A scan time a little ahead of our clock is a phone's clock, not a forgery.
CLOCK_SKEW = datetime.timedelta(minutes=5)

_CODE_MESSAGES = {
    "code_invalid": lambda: _(
        "This check-in code is not valid. Scan the code on the organiser's screen again."
    ),
    "code_expired": lambda: _(
        "This check-in code has expired. Scan the code on the organiser's screen again."
    ),
    "wrong_activity": lambda: _("This code belongs to another activity."),
}
_CARD_CODES = {"expired": "card_expired", "invalid": "card_invalid", "inactive": "card_inactive"}
_CARD_MESSAGES = {
    "card_expired": lambda: _("This member card code has expired: ask the member to open their card again."),
    "card_invalid": lambda: _("This is not a valid member card code."),
    "card_inactive": lambda: _("This member is no longer in the union."),
}


def published_activity_or_404(activity_id) -> Activity:
    """A published activity (drafts and cancelled ones cannot be checked into)."""
    activity = Activity.objects.select_related("organisation").filter(pk=activity_id).first()
    if activity is None or activity.status != Status.PUBLISHED:
        raise Http404
    return activity


def _refuse(code: str, message) -> ValidationError:
    return field_error("", message, code)


def _require_open(activity: Activity, at) -> None:
    """Check-in is for a published activity around its time: from the margin before its start
    to the margin after its end (``GONGHUI_CHECKIN_MARGIN_MINUTES``), so a code shown while the
    screen is tested the day before, or a card scanned days later, records nothing."""
    margin = datetime.timedelta(minutes=settings.GONGHUI_CHECKIN_MARGIN_MINUTES)
    if activity.status != Status.PUBLISHED or not (
        activity.starts_at - margin <= at <= activity.ends_at + margin
    ):
        raise _refuse(
            "checkin_closed",
            _("Check-in for this activity is open from %(opens)s to %(closes)s.")
            % {
                "opens": timezone.localtime(activity.starts_at - margin).strftime("%Y-%m-%d %H:%M"),
                "closes": timezone.localtime(activity.ends_at + margin).strftime("%Y-%m-%d %H:%M"),
            },
        )


def _record(*, signup: Signup, direction: str, at, source: str, by, nonce: str | None = None) -> CheckIn:
    """Write one check-in or check-out of ``signup`` (locked) after the checks that need the
    rows: no second one in the same direction, no check-out without a check-in (or before
    it). Called inside a transaction."""
    signup = Signup.objects.select_for_update().select_related("activity").get(pk=signup.pk)
    if signup.status not in CHECKIN_STATUSES:
        raise _refuse("not_signed_up", _("Only people with a confirmed place can check in."))
    _require_open(signup.activity, at)
    existing = {c.direction: c for c in CheckIn.objects.filter(signup=signup)}
    if direction == Direction.IN and Direction.IN in existing:
        raise _refuse("already_checked_in", _("You are already checked in."))
    if direction == Direction.OUT:
        if Direction.IN not in existing:
            raise _refuse("not_checked_in", _("Check in before checking out."))
        if Direction.OUT in existing:
            raise _refuse("already_checked_out", _("You are already checked out."))
        if at < existing[Direction.IN].at:
            raise _refuse("not_checked_in", _("Check in before checking out."))
    checkin = CheckIn.objects.create(
        signup=signup, direction=direction, at=at, source=source, nonce=nonce, by=by
    )
    activity = signup.activity
    changes = {"direction": [None, direction], "at": [None, at.isoformat()], "source": [None, source]}
    if not activity.records_hours and signup.status == SignupStatus.CONFIRMED:
        # Without hours there is nothing to certify: coming is attending.
        Signup.objects.filter(pk=signup.pk).update(status=SignupStatus.ATTENDED)
        changes["status"] = [SignupStatus.CONFIRMED, SignupStatus.ATTENDED]
    audit.record(
        actor=by,
        action=AttendanceAction.CHECKED_IN,
        obj=signup,
        organisation_id=activity.organisation_id,
        changes=changes,
    )
    return checkin


def checkin_by_code(*, actor, activity: Activity, code: str, moment=None) -> CheckIn:
    """A signed-in person checks in (or out) by opening the rotating code's URL. Refuses with
    ``code_invalid``, ``code_expired``, ``wrong_activity`` (the code), ``not_signed_up`` (no
    confirmed place), ``already_checked_in`` / ``already_checked_out`` (a replay) and
    ``not_checked_in`` (a check-out first)."""
    moment = moment or timezone.now()
    try:
        read = tokens.read(code, activity_id=activity.pk, moment=moment)
    except tokens.CodeError as error:
        raise _refuse(error.code, _CODE_MESSAGES[error.code]()) from None
    with transaction.atomic():
        signup = (
            Signup.objects.filter(activity=activity, user=actor, status__in=CHECKIN_STATUSES)
            .select_related("activity")
            .first()
        )
        if signup is None:
            raise _refuse("not_signed_up", _("Only people with a confirmed place can check in."))
        return _record(signup=signup, direction=read.direction, at=moment, source=Source.QR, by=actor)


def _card_token(text: str) -> str:
    """The token of an e-card: as typed, or the card's whole verification URL as scanned."""
    value = str(text or "").strip()
    match = re.search(r"/card/verify/([^/?#]+)", value)
    return match.group(1) if match else value


def _signup_of_card(activity: Activity, token: str) -> Signup:
    member, reason = cards.card_verify(_card_token(token))
    if reason != "ok":
        code = _CARD_CODES[reason]
        raise _refuse(code, _CARD_MESSAGES[code]())
    people = Signup.objects.filter(activity=activity, status__in=CHECKIN_STATUSES).select_related("activity")
    signup = people.filter(member=member).first()
    if signup is None and member.user_id:
        signup = people.filter(user_id=member.user_id).first()
    if signup is None:
        raise _refuse("not_signed_up", _("This member has no confirmed place at this activity."))
    return signup


def checkin_by_card(*, actor, activity: Activity, token: str, direction: str = Direction.IN) -> CheckIn:
    """The organiser scans (or types) a member's e-card: that member checks in or out now.
    Needs ``manage_activities`` on the organising union. Refuses a bad card (``card_invalid``,
    ``card_expired``, ``card_inactive``) and as :func:`checkin_by_code` otherwise."""
    permissions.require_run(actor, activity)
    direction = inputs.choice(direction, "direction", Direction)
    with transaction.atomic():
        signup = _signup_of_card(activity, token)
        return _record(signup=signup, direction=direction, at=timezone.now(), source=Source.CARD, by=actor)


def _scan_time(value, activity: Activity, now) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        at = value
    else:
        try:
            at = datetime.datetime.fromisoformat(str(value or "").strip().replace("Z", "+00:00"))
        except ValueError:
            raise _refuse("scan_time_invalid", _("The scan time is not a valid time.")) from None
    if timezone.is_naive(at):
        raise _refuse("scan_time_invalid", _("The scan time is not a valid time."))
    margin = datetime.timedelta(minutes=settings.GONGHUI_CHECKIN_MARGIN_MINUTES)
    if at > now + CLOCK_SKEW or not (activity.starts_at - margin <= at <= activity.ends_at + margin):
        raise _refuse("scan_time_out_of_range", _("The scan time is outside the activity's time."))
    return min(at, now)


def _first_code(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code or "invalid"
    return error.error_list[0].code or "invalid"


def checkins_sync(*, actor, activity: Activity, scans) -> list[dict]:
    """The organiser's phone sends the card scans it queued (``[{"nonce", "token",
    "direction", "at"}]``). Each scan is answered on its own: ``accepted``, ``duplicate`` (this
    nonce was recorded already — the queue was sent twice) or ``refused`` with its code
    (``wrong_activity`` for a nonce recorded at another activity, ``scan_time_out_of_range``,
    the card and check-in codes). Needs ``manage_activities`` on the organising union; a list
    that is not a list of objects, or longer than 500, is refused whole (``invalid_scans``)."""
    permissions.require_run(actor, activity)
    if (
        not isinstance(scans, list)
        or len(scans) > MAX_SYNC_SCANS
        or not all(isinstance(s, dict) for s in scans)
    ):
        raise field_error(
            "scans", _("Send a list of at most %(limit)d scans.") % {"limit": MAX_SYNC_SCANS}, "invalid_scans"
        )
    now = timezone.now()
    results = []
    for scan in scans:
        nonce = str(scan.get("nonce") or "")
        result = {"nonce": nonce}
        try:
            if not NONCE.match(nonce):
                raise _refuse(
                    "nonce_invalid", _("Each scan needs its own id (8 to 64 letters, digits, - or _).")
                )
            earlier = CheckIn.objects.filter(nonce=nonce).select_related("signup").first()
            if earlier is not None:
                if earlier.signup.activity_id != activity.pk:
                    raise _refuse("wrong_activity", _("This scan was recorded at another activity."))
                results.append({**result, "status": "duplicate", "code": "", "detail": ""})
                continue
            direction = inputs.choice(scan.get("direction") or Direction.IN, "direction", Direction)
            at = _scan_time(scan.get("at"), activity, now)
            with transaction.atomic():
                signup = _signup_of_card(activity, str(scan.get("token") or ""))
                _record(signup=signup, direction=direction, at=at, source=Source.CARD, by=actor, nonce=nonce)
        except ValidationError as error:
            code = _first_code(error)
            for message in error.messages[:1]:
                results.append({**result, "status": "refused", "code": code or "invalid", "detail": message})
            continue
        except IntegrityError:
            # The same nonce (or person and direction) written by a parallel request.
            results.append({**result, "status": "duplicate", "code": "", "detail": ""})
            continue
        results.append({**result, "status": "accepted", "code": "", "detail": ""})
    return results


# ---- hours --------------------------------------------------------------------------------


def computed_minutes(activity: Activity, checkins) -> int | None:
    """min(check-out, scheduled end) − max(check-in, scheduled start) in whole minutes (0 when
    negative), or None without both a check-in and a check-out."""
    times = {c.direction: c.at for c in checkins}
    if Direction.IN not in times or Direction.OUT not in times:
        return None
    start = max(times[Direction.IN], activity.starts_at)
    end = min(times[Direction.OUT], activity.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


def attendance_certify(*, actor, signup: Signup, minutes=None, reason: str = "") -> Attendance:
    """The organising union certifies ``signup``'s hours (谁组织谁记录，谁记录谁证明): the
    computed figure, or ``minutes`` with a ``reason`` when it differs (a forgotten check-out,
    a late start) — audited with both figures. The sign-up becomes attended. Certifying again
    replaces the figure. Needs a role at the organising union itself (403 above it, 404 out of
    scope). Refuses ``activity_not_ended``, ``reason_required``, ``minutes_required`` (no
    check-out to compute from), ``not_signed_up`` (waiting list, cancelled),
    ``hours_not_recorded`` (an activity without hours: there a check-in marks the sign-up
    attended by itself)."""
    activity = signup.activity
    permissions.require_certify(actor, activity)
    if not activity.records_hours:
        raise _refuse("hours_not_recorded", _("This activity does not record hours."))
    if activity.ends_at > timezone.now():
        raise _refuse("activity_not_ended", _("Hours are certified after the activity has ended."))
    duration = int((activity.ends_at - activity.starts_at).total_seconds() // 60)
    minutes = inputs.integer(minutes, "minutes", required=False, minimum=0, maximum=duration)
    reason = inputs.text(reason, "reason", max_length=500, prose=True)
    with transaction.atomic():
        signup = Signup.objects.select_for_update().get(pk=signup.pk)
        if signup.status not in (SignupStatus.CONFIRMED, SignupStatus.ATTENDED, SignupStatus.NO_SHOW):
            raise _refuse("not_signed_up", _("Only people with a confirmed place can have hours."))
        computed = computed_minutes(activity, CheckIn.objects.filter(signup=signup))
        if minutes is None:
            if computed is None:
                raise field_error(
                    "minutes", _("There is no check-in and check-out to count from: enter the minutes."),
                    "minutes_required",
                )  # fmt: skip
            minutes = computed
        if minutes != computed and not reason:
            raise field_error(
                "reason", _("Say why the hours differ from the check-in times."), "reason_required"
            )
        if minutes == computed:
            reason = ""
        before = Attendance.objects.filter(signup=signup).first()
        attendance, _created = Attendance.objects.update_or_create(
            signup=signup,
            defaults={
                "computed_minutes": computed,
                "minutes": minutes,
                "reason": reason,
                "certified_by": actor,
                "certified_at": timezone.now(),
            },
        )
        status_before = signup.status
        Signup.objects.filter(pk=signup.pk).update(status=SignupStatus.ATTENDED)
        audit.record(
            actor=actor,
            action=AttendanceAction.HOURS_CERTIFIED,
            obj=signup,
            organisation_id=activity.organisation_id,
            changes={
                "minutes": [before.minutes if before else None, minutes],
                "computed_minutes": [None, computed],
                "status": [status_before, SignupStatus.ATTENDED],
            },
            reason=reason,
        )
    return attendance


def no_shows_mark(*, now=None) -> int:
    """After an activity has ended, each confirmed sign-up without a check-in becomes a
    no-show (one audit entry each, by the system). Run daily by ``mark_no_shows``; running
    it again changes nothing. Returns how many were marked."""
    now = now or timezone.now()
    marked = 0
    candidates = (
        Signup.objects.filter(
            status=SignupStatus.CONFIRMED, activity__status=Status.PUBLISHED, activity__ends_at__lt=now
        )
        .exclude(checkins__direction=Direction.IN)
        .select_related("activity")
    )
    for signup in candidates.iterator():
        with transaction.atomic():
            updated = (
                Signup.objects.filter(pk=signup.pk, status=SignupStatus.CONFIRMED)
                .exclude(checkins__direction=Direction.IN)
                .update(status=SignupStatus.NO_SHOW)
            )
            if updated:
                marked += 1
                audit.record(
                    actor=None,
                    action=AttendanceAction.NO_SHOW,
                    obj=signup,
                    organisation_id=signup.activity.organisation_id,
                    changes={"status": [SignupStatus.CONFIRMED, SignupStatus.NO_SHOW]},
                )
    return marked
