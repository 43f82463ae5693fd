"""Signing up for an activity, the waiting list and its promotions (docs/modules/activities.md).

Capacity is enforced under a row lock on the activity: every sign-up, cancellation and
promotion of one activity first locks its row (``SELECT … FOR UPDATE`` on PostgreSQL), so the
count of places taken that a sign-up reads is the count it writes over and the activity is
never oversold, however many people press at once (tests/test_concurrency_signups.py).

Places come from two pools: the places reserved for a union (``ActivityReservation``), taken
only by members of that union's subtree, and the open places (capacity minus all
reservations). A member takes a reserved place first, then an open one. When neither is free
the person joins the waiting list (``position``: order of arrival), or, without a waiting list,
is refused (``activity_full``). A cancelled place goes to the first on the waiting list it fits.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.activities import permissions
from gonghui.activities.choices import (
    PLACE_TAKING_STATUSES,
    AuditAction,
    NotificationKind,
    SignupStatus,
    Status,
)
from gonghui.activities.models import Activity, ActivityReservation, Signup
from gonghui.core import audit, inputs, locking
from gonghui.core.inputs import field_error
from gonghui.notifications.services import notify

ANSWER_MAX = 500
# The error codes the API answers with 409 (a conflict with the current state), not 400.
CONFLICT_CODES = frozenset({"already_signed_up"})


def activity_link(activity: Activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


def clean_answers(questions: list[dict], answers) -> list[dict]:
    """The answers to the activity's questions, in their order: ``answers`` a list of texts (one
    per question) or a ``{label: text}`` mapping. A required question left blank: ``required``."""
    if isinstance(answers, dict):
        texts = [answers.get(q["label"], "") for q in questions]
    elif isinstance(answers, list | tuple):
        texts = list(answers) + [""] * (len(questions) - len(answers))
    else:
        texts = [""] * len(questions)
    out = []
    for question, value in zip(questions, texts, strict=False):
        text = inputs.text(value if value is not None else "", "answers", prose=True, max_length=ANSWER_MAX)
        if question.get("required") and not text:
            raise field_error(
                "answers", _("Answer the question “%(label)s”.") % {"label": question["label"]}, "required"
            )
        out.append({"label": question["label"], "answer": text})
    return out


def signup_create(*, actor, activity: Activity, answers=None, now: datetime.datetime | None = None) -> Signup:
    """``actor`` signs up for ``activity``: a place (``confirmed``) when one is free for them,
    else a turn on the waiting list (``waitlisted``, with its position).

    Raises Http404 when the activity is not visible to them, ``permissions.MembersOnly`` (403)
    when it is visible but for members they are not; ValidationError ``signup_closed`` (not
    published, or outside the sign-up window), ``already_signed_up`` (a live sign-up exists: the
    API answers 409), ``no_show_blocked`` (too many recent no-shows), ``activity_full`` (no place
    and no waiting list), ``required`` (an unanswered required question)."""
    if not permissions.signed_in(actor):
        raise Http404
    member = permissions.require_signup(actor, activity)
    now = now or timezone.now()
    answers = clean_answers(activity.questions, answers)
    # The person's own record, not the activity's: checked before the lock, which it need not hold.
    _require_no_show_record(actor, now)
    with transaction.atomic():
        activity = locking.locked(activity, "organisation")
        _require_open(activity, now)
        if (
            Signup.objects.filter(activity=activity, user=actor)
            .exclude(status=SignupStatus.CANCELLED)
            .exists()
        ):
            raise ValidationError(
                _("You have already signed up for this activity."), code="already_signed_up"
            )
        reservation, fits = _free_place(activity, member)
        if fits:
            signup = Signup(status=SignupStatus.CONFIRMED, reservation=reservation)
        elif activity.waitlist:
            signup = Signup(status=SignupStatus.WAITLISTED, position=_next_position(activity))
        else:
            raise ValidationError(_("All places are taken."), code="activity_full")
        signup.activity, signup.user, signup.member, signup.answers = activity, actor, member, answers
        signup.created_at = now
        signup.save(force_insert=True)
        audit.record(
            actor=actor, action=AuditAction.SIGNUP_CREATED, obj=signup, organisation_id=activity.organisation_id,
            changes={"status": [None, signup.status], "position": [None, signup.position]},
        )  # fmt: skip
    return signup


def signup_cancel(*, actor, activity: Activity, now: datetime.datetime | None = None) -> Signup:
    """``actor`` cancels their own live sign-up (a place or a turn on the waiting list) before
    the cancellation deadline (the activity's ``cancel_until``, else its start). A place freed
    goes at once to the first on the waiting list it fits, who is notified
    (``activity.promoted``). Raises Http404 when they have no live sign-up (or cannot see the
    activity), ValidationError ``cancel_closed`` after the deadline."""
    if not permissions.signed_in(actor):
        raise Http404
    permissions.require_view(actor, activity)
    now = now or timezone.now()
    with transaction.atomic():
        activity = locking.locked(activity, "organisation")
        signup = (
            Signup.objects.select_for_update()
            .filter(
                activity=activity, user=actor, status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED]
            )
            .first()
        )
        if signup is None:
            raise Http404
        if now >= (activity.cancel_until or activity.starts_at):
            raise field_error("status", _("It is too late to cancel this sign-up."), "cancel_closed")
        before = signup.status
        signup.status = SignupStatus.CANCELLED
        signup.cancelled_at = now
        signup.save(update_fields=["status", "cancelled_at"])
        audit.record(
            actor=actor, action=AuditAction.SIGNUP_CANCELLED, obj=signup, organisation_id=activity.organisation_id,
            changes={"status": [before, SignupStatus.CANCELLED]},
        )  # fmt: skip
        if before == SignupStatus.CONFIRMED and activity.status == Status.PUBLISHED:
            fill_places(activity, now=now)
    return signup


def fill_places(activity: Activity, *, now: datetime.datetime | None = None) -> list[Signup]:
    """Give free places to the waiting list, first come first served: each waiting sign-up in
    order of position takes a place it fits (a reserved place of its union, or an open one);
    each one promoted is told. The caller holds the activity's row lock."""
    now = now or timezone.now()
    promoted = []
    waiting = (
        Signup.objects.filter(activity=activity, status=SignupStatus.WAITLISTED)
        .select_related("user", "member__organisation")
        .order_by("position")
    )
    for signup in waiting:
        if _taken_total(activity) >= activity.capacity:
            break
        reservation, fits = _free_place(activity, signup.member)
        if not fits:
            continue
        signup.status = SignupStatus.CONFIRMED
        signup.reservation = reservation
        signup.promoted_at = now
        signup.save(update_fields=["status", "reservation", "promoted_at"])
        audit.record(
            actor=None, action=AuditAction.SIGNUP_PROMOTED, obj=signup, organisation_id=activity.organisation_id,
            changes={"status": [SignupStatus.WAITLISTED, SignupStatus.CONFIRMED]},
        )  # fmt: skip
        notify(
            kind=NotificationKind.PROMOTED,
            user=signup.user,
            title=gettext_lazy("You have a place: %(title)s"),
            body=gettext_lazy(
                "A place freed up and you are now signed up for %(title)s on %(date)s. "
                "If you cannot come, cancel so that the next person gets it."
            ),
            params={"title": activity.title[:20], "date": _date(activity)},
            link=activity_link(activity),
        )
        promoted.append(signup)
    return promoted


def _date(activity: Activity) -> str:
    return timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M")


def _require_open(activity: Activity, now) -> None:
    """Published, and ``now`` inside the sign-up window (default: until the activity starts)."""
    closes = activity.signup_closes or activity.starts_at
    opens = activity.signup_opens
    if activity.status != Status.PUBLISHED or now >= closes or (opens is not None and now < opens):
        raise ValidationError(_("Sign-up for this activity is not open."), code="signup_closed")


def _require_no_show_record(actor, now) -> None:
    limit = settings.GONGHUI_ACTIVITY_NO_SHOW_LIMIT
    if not limit:
        return
    since = now - datetime.timedelta(days=settings.GONGHUI_ACTIVITY_NO_SHOW_DAYS)
    missed = Signup.objects.filter(
        user=actor, status=SignupStatus.NO_SHOW, activity__starts_at__gte=since, activity__starts_at__lte=now
    ).count()
    if missed >= limit:
        raise ValidationError(
            _(
                "You did not come to %(count)d activities you signed up for lately; you can sign up again later."
            )
            % {"count": missed},
            code="no_show_blocked",
        )


def _taken(activity: Activity) -> dict:
    """Places taken per reservation id (None: the open places)."""
    rows = (
        Signup.objects.filter(activity=activity, status__in=PLACE_TAKING_STATUSES)
        .values("reservation_id")
        .annotate(n=Count("id"))
    )
    return {row["reservation_id"]: row["n"] for row in rows}


def _taken_total(activity: Activity) -> int:
    return Signup.objects.filter(activity=activity, status__in=PLACE_TAKING_STATUSES).count()


def _free_place(activity: Activity, member) -> tuple[ActivityReservation | None, bool]:
    """``(reservation, True)`` for a free place ``member`` may take (reservation None: an open
    place), ``(None, False)`` when none is free for them."""
    reservations = list(activity.reservations.select_related("organisation"))
    taken = _taken(activity)
    if sum(taken.values()) >= activity.capacity:
        return None, False
    if member is not None:
        theirs = [r for r in reservations if r.organisation.contains(member.organisation)]
        # The reservation nearest to the member's own union first.
        for reservation in sorted(theirs, key=lambda r: -len(r.organisation.path)):
            if taken.get(reservation.pk, 0) < reservation.places:
                return reservation, True
    open_places = activity.capacity - sum(r.places for r in reservations)
    if taken.get(None, 0) < open_places:
        return None, True
    return None, False


def _next_position(activity: Activity) -> int:
    """After every position ever given in this activity (positions stay on promoted and
    cancelled sign-ups), so the queue order is the order of arrival."""
    last = Signup.objects.filter(activity=activity).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1
