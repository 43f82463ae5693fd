"""Problem reports and repair tickets (报修工单) of stations.

A worker — signed in or not — reports a problem at a station (locked, no water …). It becomes
a ticket for the station's keeper, owned by the station's union, due within the SLA of its
kind. A second report of the same kind at the same station while a ticket is still open is
added to that ticket ("same problem reported again") instead of opening another one.

The keeper of the station, or an officer with ``manage_stations`` on the owning union's
subtree, acknowledges the ticket and then resolves it (saying what was done) or rejects it
(with a reason). ``resolved_on_time`` is ``resolved_at <= due_at``. Overdue open tickets are
escalated by the ``escalate_station_tickets`` command (once per ticket). Every change is a
:class:`TicketEvent` and an audit entry.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit, crypto, inputs, locking
from gonghui.core.inputs import field_error
from gonghui.core.validators import mask_phone, validate_mobile
from gonghui.notifications.services import notify
from gonghui.organisations import scoping
from gonghui.stations import hours, permissions
from gonghui.stations.choices import (
    OPEN_TICKET_STATUSES,
    AuditAction,
    NotificationKind,
    ProblemKind,
    TicketEventKind,
    TicketStatus,
)
from gonghui.stations.models import Station, Ticket, TicketEvent
from gonghui.stations.selectors import tickets as reads
from gonghui.stations.services import fields

# Hours from the report to the due time, per kind of problem. A locked station shuts workers
# out in heat or cold, so it comes first; a broken microwave or wrong map data can wait
# longer. Override any of them with the setting GONGHUI_STATION_TICKET_SLA_HOURS (a dict).
DEFAULT_SLA_HOURS: dict[str, int] = {
    ProblemKind.LOCKED: 4,
    ProblemKind.NO_WATER: 24,
    ProblemKind.NO_POWER: 24,
    ProblemKind.AIR_CONDITIONING: 24,
    ProblemKind.BROKEN_MICROWAVE: 72,
    ProblemKind.DIRTY: 24,
    ProblemKind.SUPPLIES: 48,
    ProblemKind.WRONG_INFO: 72,
    ProblemKind.OTHER: 72,
}

DESCRIPTION_MAX = 500
NOTE_MAX = 500


def sla_hours(kind: str) -> int:
    """The SLA of ``kind`` in hours: the setting's value if it has one, else the default."""
    override = getattr(settings, "GONGHUI_STATION_TICKET_SLA_HOURS", None) or {}
    value = override.get(kind, DEFAULT_SLA_HOURS.get(kind, DEFAULT_SLA_HOURS[ProblemKind.OTHER]))
    return int(value)


# --- reporting -------------------------------------------------------------------------------


def _next_number(day: datetime.date) -> str:
    prefix = f"WX{day:%Y%m%d}"
    last = (
        Ticket.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def clean_report(*, kind: object, description: object = "", contact: object = "") -> dict:
    """Validate a report's fields → clean values; one ValidationError naming every bad field.
    ``contact`` is an optional mobile number."""
    values = fields.read_all(
        {
            "kind": lambda: inputs.choice(inputs.text(kind, "kind"), "kind", ProblemKind),
            "description": lambda: inputs.text(
                description, "description", prose=True, max_length=DESCRIPTION_MAX
            ),
            "contact": lambda: validate_mobile(contact) if inputs.text(contact, "contact") else "",
        }
    )
    values["phone"] = values.pop("contact")
    return values


def report_problem(
    *, actor, station: Station, kind: str, description: str = "", contact: str = "", at=None
) -> tuple[Ticket, bool]:
    """Anyone (anonymous too; the view throttles) reports a problem at an active station.
    Returns ``(ticket, merged)``: a new ticket, or the open ticket of the same kind at the
    station with a "same problem reported again" event (``merged`` True). The optional
    contact mobile is stored encrypted and shown masked only. Raises ValidationError naming
    ``kind``, ``description`` or ``contact``."""
    values = clean_report(kind=kind, description=description, contact=contact)
    at = at or timezone.now()
    reporter = actor if permissions.signed_in(actor) else None
    should_be_open = values["kind"] == ProblemKind.LOCKED and hours.is_open(station, at)
    for attempt in range(5):
        try:
            with transaction.atomic():
                # One report at a time per station: the duplicate check below stays true.
                Station.objects.select_for_update().filter(pk=station.pk).first()
                existing = (
                    Ticket.objects.select_for_update()
                    .filter(station=station, kind=values["kind"], status__in=OPEN_TICKET_STATUSES)
                    .order_by("reported_at")
                    .first()
                )
                if existing is not None:
                    TicketEvent.objects.create(
                        ticket=existing, at=at, actor=reporter, kind=TicketEventKind.REPORTED_AGAIN
                    )
                    if should_be_open:
                        TicketEvent.objects.create(
                            ticket=existing, at=at, actor=reporter, kind=TicketEventKind.SHOULD_BE_OPEN
                        )
                    audit.record(
                        actor=actor, action=AuditAction.TICKET_REPORTED_AGAIN, obj=existing,
                        organisation_id=existing.organisation_id,
                        changes={"reports": [None, reads.reports_count(existing)]},
                    )  # fmt: skip
                    return existing, True
                ticket = Ticket.objects.create(
                    number=_next_number(timezone.localdate(at)),
                    station=station,
                    organisation_id=station.organisation_id,
                    kind=values["kind"],
                    description=values["description"],
                    reporter=reporter,
                    contact_enc=crypto.encrypt(values["phone"]),
                    contact_masked=mask_phone(values["phone"]),
                    reported_at=at,
                    due_at=at + datetime.timedelta(hours=sla_hours(values["kind"])),
                )
                TicketEvent.objects.create(
                    ticket=ticket, at=at, actor=reporter, kind=TicketEventKind.REPORTED
                )
                if should_be_open:
                    TicketEvent.objects.create(
                        ticket=ticket, at=at, actor=reporter, kind=TicketEventKind.SHOULD_BE_OPEN
                    )
                audit.record(
                    actor=actor, action=AuditAction.TICKET_REPORTED, obj=ticket,
                    organisation_id=ticket.organisation_id,
                    changes={"kind": [None, ticket.kind], "station": [None, station.code]},
                )  # fmt: skip
            return ticket, False
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


# --- the keeper's and officers' lifecycle ----------------------------------------------------


# The audit action of each step of the lifecycle.
_ACTIONS = {
    TicketEventKind.ACKNOWLEDGED: AuditAction.TICKET_ACKNOWLEDGED,
    TicketEventKind.RESOLVED: AuditAction.TICKET_RESOLVED,
    TicketEventKind.REJECTED: AuditAction.TICKET_REJECTED,
}


def _transition(actor, ticket: Ticket, *, kind: str, note: str, changes: dict) -> None:
    TicketEvent.objects.create(
        ticket=ticket, actor=actor if permissions.signed_in(actor) else None, kind=kind, note=note
    )
    audit.record(
        actor=actor, action=_ACTIONS[kind], obj=ticket,
        organisation_id=ticket.organisation_id, changes=changes, reason=note,
    )  # fmt: skip


def _not_open() -> ValidationError:
    return field_error("status", _("This ticket is already closed."), "not_open")


def ticket_acknowledge(*, actor, ticket: Ticket, note: str = "", at=None) -> Ticket:
    """The keeper (or an officer) has seen the ticket and is on it. Only an open ticket."""
    permissions.require_handle(actor, ticket)
    note = inputs.text(note, "note", prose=True, max_length=NOTE_MAX)
    with transaction.atomic():
        ticket = locking.locked(ticket, "station", "organisation")
        if ticket.status != TicketStatus.OPEN:
            raise field_error("status", _("Only an open ticket can be acknowledged."), "not_open")
        ticket.status = TicketStatus.ACKNOWLEDGED
        ticket.acknowledged_at = at or timezone.now()
        ticket.save(update_fields=["status", "acknowledged_at"])
        _transition(
            actor, ticket, kind=TicketEventKind.ACKNOWLEDGED, note=note,
            changes={"status": [TicketStatus.OPEN, ticket.status]},
        )  # fmt: skip
    return ticket


def ticket_resolve(*, actor, ticket: Ticket, resolution: str, at=None) -> Ticket:
    """Fixed: say what was done. On time when resolved at or before ``due_at``."""
    permissions.require_handle(actor, ticket)
    resolution = inputs.text(resolution, "resolution", prose=True, required=True, max_length=NOTE_MAX)
    with transaction.atomic():
        ticket = locking.locked(ticket, "station", "organisation")
        if ticket.status not in OPEN_TICKET_STATUSES:
            raise _not_open()
        before = ticket.status
        ticket.status = TicketStatus.RESOLVED
        ticket.resolved_at = at or timezone.now()
        ticket.resolved_on_time = ticket.resolved_at <= ticket.due_at
        ticket.resolution = resolution
        ticket.save(update_fields=["status", "resolved_at", "resolved_on_time", "resolution"])
        _transition(
            actor, ticket, kind=TicketEventKind.RESOLVED, note=resolution,
            changes={"status": [before, ticket.status], "on_time": [None, ticket.resolved_on_time]},
        )  # fmt: skip
        _tell_reporter(ticket)
    return ticket


def _tell_reporter(ticket: Ticket) -> None:
    """The worker who reported the problem hears it is fixed: their account if they were
    signed in, the phone they left (if any) for the SMS or, without an account, the inbox."""
    phone = crypto.decrypt(ticket.contact_enc) if ticket.contact_enc else ""
    if ticket.reporter is None and not phone:
        return
    notify(
        kind=NotificationKind.TICKET_RESOLVED,
        user=ticket.reporter,
        phone=phone or None,
        title=gettext_lazy("The problem you reported at %(station)s is fixed"),
        body=gettext_lazy("Ticket %(number)s: %(resolution)s"),
        params={"station": ticket.station.name, "number": ticket.number, "resolution": ticket.resolution},
        link=reverse("stations:ticket", args=[ticket.number]),
    )


def ticket_reject(*, actor, ticket: Ticket, reason: str, at=None) -> Ticket:
    """Not a real problem (or not this station's): close it with a reason the worker sees."""
    permissions.require_handle(actor, ticket)
    reason = inputs.text(reason, "reason", prose=True, required=True, max_length=NOTE_MAX)
    with transaction.atomic():
        ticket = locking.locked(ticket, "station", "organisation")
        if ticket.status not in OPEN_TICKET_STATUSES:
            raise _not_open()
        before = ticket.status
        ticket.status = TicketStatus.REJECTED
        ticket.resolution = reason
        ticket.save(update_fields=["status", "resolution"])
        _transition(
            actor, ticket, kind=TicketEventKind.REJECTED, note=reason,
            changes={"status": [before, ticket.status]},
        )  # fmt: skip
    return ticket


def escalate_overdue(*, now=None) -> list[Ticket]:
    """Mark every open ticket past its due time as escalated (an event and an audit entry
    each), once: a ticket already escalated is left alone, so running it again changes
    nothing. Officers of the owning union see escalated tickets on top of their queue."""
    now = now or timezone.now()
    done = []
    pending = Ticket.objects.filter(
        status__in=OPEN_TICKET_STATUSES, escalated=False, due_at__lt=now
    ).values_list("pk", flat=True)
    for pk in list(pending):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
            if (
                ticket is None
                or ticket.escalated
                or ticket.status not in OPEN_TICKET_STATUSES
                or ticket.due_at >= now
            ):
                continue
            ticket.escalated = True
            ticket.save(update_fields=["escalated"])
            TicketEvent.objects.create(ticket=ticket, at=now, kind=TicketEventKind.ESCALATED)
            audit.record(
                actor=None, action=AuditAction.TICKET_ESCALATED, obj=ticket,
                organisation_id=ticket.organisation_id, changes={"escalated": [False, True]},
            )  # fmt: skip
            _tell_overdue(ticket)
            done.append(ticket)
    return done


def warn_due_soon(*, now=None) -> list[Ticket]:
    """Warn before the SLA breaks: every open ticket, not escalated, due within the next
    ``GONGHUI_TICKET_WARN_HOURS`` hours (default 2) is told to the officers who manage stations
    at the owning union (or at the nearest union above it that has any), as
    ``ticket.due_soon``.

    Once per ticket and due time: ``due_warned_for`` keeps the due time warned about, written
    in the same transaction as the notifications, so running it again tells nobody anything
    new. A ticket already past its due time is not warned: ``escalate_overdue`` deals with it.
    The system speaks, so there is no actor, and the marker is bookkeeping, not a step of the
    ticket: no event, no audit entry. Returns the tickets warned."""
    now = now or timezone.now()
    until = now + datetime.timedelta(hours=settings.GONGHUI_TICKET_WARN_HOURS)
    pending = (
        Ticket.objects.filter(
            status__in=OPEN_TICKET_STATUSES, escalated=False, due_at__gte=now, due_at__lte=until
        )
        .exclude(due_warned_for=F("due_at"))
        .values_list("pk", flat=True)
    )
    done = []
    for pk in list(pending):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
            if (
                ticket is None
                or ticket.escalated
                or ticket.status not in OPEN_TICKET_STATUSES
                or not now <= ticket.due_at <= until
                or ticket.due_warned_for == ticket.due_at
            ):
                continue
            ticket.due_warned_for = ticket.due_at
            ticket.save(update_fields=["due_warned_for"])
            _tell_due_soon(ticket)
            done.append(ticket)
    return done


def _tell_due_soon(ticket: Ticket) -> None:
    """The officers of the owning union (or of the nearest union above it that has any) hear
    the ticket is about to break its SLA; the reporter is told only when it is fixed."""
    station = ticket.station
    for officer in scoping.nearest_holders(scoping.Action.MANAGE_STATIONS, ticket.organisation):
        notify(
            kind=NotificationKind.TICKET_DUE_SOON,
            user=officer,
            title=gettext_lazy("Repair ticket at %(station)s due at %(due)s"),
            body=gettext_lazy("Ticket %(number)s (%(problem)s) is still open: fix it by %(due)s."),
            params={
                "station": station.name,
                "number": ticket.number,
                "problem": ProblemKind(ticket.kind).label,  # lazy: in the officer's language
                "due": timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M"),
            },
            link=reverse("stations:ticket_detail", args=[ticket.number]),
        )


def _tell_overdue(ticket: Ticket) -> None:
    """The officers of the owning union (or of the nearest union above it that has any) hear
    of a ticket that broke its time limit, once, with the escalation. The reporter is not told:
    they hear when it is fixed."""
    station = ticket.station
    for officer in scoping.nearest_holders(scoping.Action.MANAGE_STATIONS, ticket.organisation):
        notify(
            kind=NotificationKind.TICKET_OVERDUE,
            user=officer,
            title=gettext_lazy("Repair ticket overdue at %(station)s"),
            body=gettext_lazy("Ticket %(number)s (%(problem)s) was due at %(due)s and is still open."),
            params={
                "station": station.name,
                "number": ticket.number,
                "problem": ProblemKind(ticket.kind).label,  # lazy: in the officer's language
                "due": timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M"),
            },
            link=reverse("stations:ticket_detail", args=[ticket.number]),
        )
