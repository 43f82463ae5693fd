"""Organising activities: create, edit, publish, cancel (docs/modules/activities.md).

draft ─publish→ published ─cancel (with reason, everyone signed up told)→ cancelled

Every write needs ``manage_activities`` on the activity's organising union (or above) and leaves
one audit entry. Raising the capacity of a published activity gives the new places to the
waiting list at once (``signups.fill_places``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.activities import permissions, search
from gonghui.activities.choices import (
    PLACE_TAKING_STATUSES,
    Audience,
    AuditAction,
    Kind,
    NotificationKind,
    SignupStatus,
    Status,
)
from gonghui.activities.models import Activity, ActivityReservation, Signup
from gonghui.activities.services import signups as signup_services
from gonghui.core import audit, inputs, locking
from gonghui.core.inputs import field_error
from gonghui.core.validation import merge_errors
from gonghui.core.validators import validate_division_code
from gonghui.notifications.services import notify

TITLE_MAX = 120
DESCRIPTION_MAX = 5000
ADDRESS_MAX = 200
REASON_MAX = 2000
CAPACITY_MAX = 100_000
QUESTIONS_MAX = 10
QUESTION_MAX = 100

_FIELDS = (
    "kind", "title", "description", "audience", "division_code", "address", "lat", "lng", "starts_at",
    "ends_at", "signup_opens", "signup_closes", "capacity", "waitlist", "questions", "cancel_until",
    "records_hours",
)  # fmt: skip


def clean_activity(data: dict, organisation) -> dict:
    """Validate an activity's fields → clean values (``targets`` a list of organisations,
    ``reservations`` a list of ``(organisation, places)``); one ValidationError naming every bad
    field. Times arrive as aware datetimes (forms and API schemas parse them)."""
    errors: dict = {}
    out: dict = {}
    readers = {
        "kind": lambda: inputs.choice(data.get("kind"), "kind", Kind),
        "title": lambda: inputs.text(
            data.get("title", ""), "title", prose=True, required=True, max_length=TITLE_MAX
        ),
        "description": lambda: inputs.text(
            data.get("description", ""), "description", prose=True, max_length=DESCRIPTION_MAX
        ),
        "audience": lambda: inputs.choice(data.get("audience"), "audience", Audience),
        "division_code": lambda: _division(data.get("division_code")),
        "address": lambda: inputs.text(
            data.get("address", ""), "address", required=True, max_length=ADDRESS_MAX
        ),
        "lat": lambda: _coordinate(data.get("lat"), "lat", 90),
        "lng": lambda: _coordinate(data.get("lng"), "lng", 180),
        "starts_at": lambda: _moment(data.get("starts_at"), "starts_at", required=True),
        "ends_at": lambda: _moment(data.get("ends_at"), "ends_at", required=True),
        "signup_opens": lambda: _moment(data.get("signup_opens"), "signup_opens"),
        "signup_closes": lambda: _moment(data.get("signup_closes"), "signup_closes"),
        "cancel_until": lambda: _moment(data.get("cancel_until"), "cancel_until"),
        "capacity": lambda: inputs.integer(data.get("capacity"), "capacity", minimum=1, maximum=CAPACITY_MAX),
        "questions": lambda: _questions(data.get("questions") or []),
        "targets": lambda: _inside(data.get("targets") or [], organisation, "targets"),
        "reservations": lambda: _reservations(data.get("reservations") or [], organisation),
    }
    for field, reader in readers.items():
        try:
            out[field] = reader()
        except ValidationError as error:
            merge_errors(errors, error, field=field)
    out["waitlist"] = bool(data.get("waitlist", True))
    out["records_hours"] = bool(data.get("records_hours"))
    if (out.get("lat") is None) != (out.get("lng") is None):
        merge_errors(
            errors,
            field_error("lng", _("Give both coordinates or neither."), "coordinates_half"),
            field="lng",
        )
    _after(errors, out, "ends_at", "starts_at", _("The end must be after the start."))
    _after(errors, out, "signup_closes", "signup_opens", _("Sign-up must close after it opens."))
    if out.get("signup_closes") and out.get("ends_at") and out["signup_closes"] > out["ends_at"]:
        merge_errors(
            errors,
            field_error("signup_closes", _("Sign-up must close before the activity ends."), "date_too_late"),
            field="signup_closes",
        )
    reserved = sum(places for _org, places in out.get("reservations") or [])
    if out.get("capacity") and reserved > out["capacity"]:
        message = _("%(reserved)d places are reserved but the activity has only %(capacity)d.") % {
            "reserved": reserved,
            "capacity": out["capacity"],
        }
        merge_errors(
            errors, field_error("reservations", message, "reserved_over_capacity"), field="reservations"
        )
    if errors:
        raise ValidationError(errors)
    return out


def _division(value) -> str:
    try:
        return validate_division_code(value)
    except ValidationError as exc:
        raise field_error("division_code", exc.messages[0], "division_unknown") from None


def _coordinate(value, field: str, limit: int):
    return inputs.number(value, field, required=False, minimum=-limit, maximum=limit, places=7)


def _moment(value, field: str, *, required: bool = False):
    if value in (None, ""):
        if required:
            raise field_error(field, _("This field is required."), "required")
        return None
    if not isinstance(value, datetime.datetime):
        raise field_error(field, _("Enter a date and time."), "date_invalid")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _after(errors: dict, out: dict, later: str, earlier: str, message) -> None:
    if out.get(later) and out.get(earlier) and out[later] <= out[earlier]:
        merge_errors(errors, field_error(later, message, "date_too_early"), field=later)


def _questions(questions) -> list[dict]:
    """``[{"label", "required"}]``, at most QUESTIONS_MAX, each label given and short."""
    if not isinstance(questions, list) or len(questions) > QUESTIONS_MAX:
        raise field_error(
            "questions", _("At most %(limit)d questions.") % {"limit": QUESTIONS_MAX}, "questions_invalid"
        )
    out = []
    for question in questions:
        if isinstance(question, str):
            question = {"label": question, "required": False}
        if not isinstance(question, dict):
            raise field_error("questions", _("Each question needs a label."), "questions_invalid")
        label = inputs.text(question.get("label", ""), "questions", max_length=QUESTION_MAX)
        if not label:
            raise field_error("questions", _("Each question needs a label."), "questions_invalid")
        out.append({"label": label, "required": bool(question.get("required"))})
    return out


def _inside(unions, organisation, field: str) -> list:
    """Each union part of the organiser's subtree (the organiser itself included)."""
    for union in unions:
        if not organisation.contains(union):
            raise field_error(
                field, _("%(union)s is not part of this union.") % {"union": union.name}, "target_outside"
            )
    return list(dict.fromkeys(unions))


def _reservations(rows, organisation) -> list[tuple]:
    out, seen = [], set()
    for union, places in rows:
        _inside([union], organisation, "reservations")
        places = inputs.integer(places, "reservations", minimum=1, maximum=CAPACITY_MAX)
        if union.pk in seen:
            raise field_error("reservations", _("Each union once."), "reservation_twice")
        seen.add(union.pk)
        out.append((union, places))
    return out


def activity_create(*, actor, organisation, data: dict) -> Activity:
    """A draft activity of ``organisation`` (``manage_activities`` there). Raises ValidationError
    naming the fields."""
    permissions.require_manage(actor, organisation)
    values = clean_activity(data, organisation)
    targets, reservations = values.pop("targets"), values.pop("reservations")
    with transaction.atomic():
        activity = Activity.objects.create(organisation=organisation, created_by=actor, **values)
        activity.targets.set(targets)
        ActivityReservation.objects.bulk_create(
            ActivityReservation(activity=activity, organisation=union, places=places)
            for union, places in reservations
        )
        audit.record(
            actor=actor, action=AuditAction.ACTIVITY_CREATED, obj=activity, organisation_id=organisation.pk,
            changes={"title": [None, activity.title], "capacity": [None, activity.capacity]},
        )  # fmt: skip
    return activity


def activity_update(*, actor, activity: Activity, data: dict) -> Activity:
    """Edit a draft or published activity (not a cancelled one). The capacity cannot go below
    the places already taken (``capacity_below_taken``); raised, it promotes from the waiting
    list."""
    permissions.require_manage(actor, activity.organisation)
    values = clean_activity(data, activity.organisation)
    targets, reservations = values.pop("targets"), values.pop("reservations")
    with transaction.atomic():
        activity = locking.locked(activity, "organisation")
        _require_not_cancelled(activity)
        taken = Signup.objects.filter(activity=activity, status__in=PLACE_TAKING_STATUSES).count()
        if values["capacity"] < taken:
            raise field_error(
                "capacity",
                _("%(taken)d places are already taken: the capacity cannot be lower.") % {"taken": taken},
                "capacity_below_taken",
            )
        before = {**audit.snapshot(activity, _FIELDS), **_who(activity)}
        for field, value in values.items():
            setattr(activity, field, value)
        activity.updated_at = timezone.now()
        activity.save()
        activity.targets.set(targets)
        _sync_reservations(activity, reservations)
        audit.record(
            actor=actor, action=AuditAction.ACTIVITY_UPDATED, obj=activity, organisation_id=activity.organisation_id,
            changes=audit.diff(before, {**audit.snapshot(activity, _FIELDS), **_who(activity)}),
        )  # fmt: skip
        if activity.status == Status.PUBLISHED:
            signup_services.fill_places(activity)
            search.index_activity(activity)
    return activity


def _who(activity: Activity) -> dict:
    """Who the activity is for, as audited: the target unions decide who may see and sign up,
    the reserved places who gets a place first (union names, sorted, so a diff is stable)."""
    reserved = activity.reservations.values_list("organisation__name", "places")
    return {
        "targets": "、".join(sorted(activity.targets.values_list("name", flat=True))),
        "reservations": "、".join(sorted(f"{name} × {places}" for name, places in reserved)),
    }


def _sync_reservations(activity: Activity, reservations: list[tuple]) -> None:
    """Bring the activity's reserved places to ``reservations`` in place (the caller holds the
    activity's row lock). A kept union keeps its row, so the sign-ups holding its places stay
    counted against it; its places cannot go below those taken (``reservation_below_taken``).
    A union taken off the list frees its row: its sign-ups keep their places as open ones."""
    existing = {r.organisation_id: r for r in activity.reservations.all()}
    taken = dict(
        Signup.objects.filter(activity=activity, status__in=PLACE_TAKING_STATUSES, reservation__isnull=False)
        .values_list("reservation_id")
        .annotate(n=Count("id"))
    )
    wanted = {union.pk: (union, places) for union, places in reservations}
    for organisation_id, reservation in existing.items():
        if organisation_id not in wanted:
            reservation.delete()
    for organisation_id, (union, places) in wanted.items():
        reservation = existing.get(organisation_id)
        if reservation is None:
            ActivityReservation.objects.create(activity=activity, organisation=union, places=places)
            continue
        if places < taken.get(reservation.pk, 0):
            raise field_error(
                "reservations",
                _("%(union)s already holds %(taken)d reserved places: no fewer can be kept.")
                % {"union": union.name, "taken": taken[reservation.pk]},
                "reservation_below_taken",
            )
        if reservation.places != places:
            reservation.places = places
            reservation.save(update_fields=["places"])


def activity_publish(*, actor, activity: Activity) -> Activity:
    """A draft becomes visible to its audience and open for sign-up in its window."""
    permissions.require_manage(actor, activity.organisation)
    with transaction.atomic():
        activity = locking.locked(activity, "organisation")
        if activity.status != Status.DRAFT:
            raise field_error("status", _("Only a draft can be published."), "wrong_status")
        activity.status = Status.PUBLISHED
        activity.published_at = activity.updated_at = timezone.now()
        activity.save(update_fields=["status", "published_at", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.ACTIVITY_PUBLISHED, obj=activity,
            organisation_id=activity.organisation_id, changes={"status": [Status.DRAFT, Status.PUBLISHED]},
        )  # fmt: skip
        search.index_activity(activity)
    return activity


def activity_cancel(*, actor, activity: Activity, reason: str) -> Activity:
    """The activity is called off, with the reason (required); everyone holding a place or a
    turn on the waiting list is told (``activity.cancelled``). Their sign-ups stay as they were,
    for the record."""
    permissions.require_manage(actor, activity.organisation)
    reason = inputs.text(reason, "reason", prose=True, required=True, max_length=REASON_MAX)
    with transaction.atomic():
        activity = locking.locked(activity, "organisation")
        _require_not_cancelled(activity)
        before = activity.status
        activity.status = Status.CANCELLED
        activity.cancelled_at = activity.updated_at = timezone.now()
        activity.cancel_reason = reason
        activity.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.ACTIVITY_CANCELLED, obj=activity,
            organisation_id=activity.organisation_id, changes={"status": [before, Status.CANCELLED]},
            reason=reason,
        )  # fmt: skip
        search.unindex_activity(activity)
        live = Signup.objects.filter(
            activity=activity, status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED]
        ).select_related("user")
        for signup in live:
            notify(
                kind=NotificationKind.CANCELLED,
                user=signup.user,
                title=gettext_lazy("Cancelled: %(title)s"),
                body=gettext_lazy("The activity %(title)s on %(date)s has been cancelled: %(reason)s"),
                params={"title": activity.title[:20], "date": _date(activity), "reason": reason},
                link=signup_services.activity_link(activity),
            )
    return activity


def _date(activity: Activity) -> str:
    return timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M")


def _require_not_cancelled(activity: Activity) -> None:
    if activity.status == Status.CANCELLED:
        raise field_error("status", _("This activity has been cancelled."), "wrong_status")
