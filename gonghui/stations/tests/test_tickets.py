"""Problem reports → repair tickets: numbering, SLA, duplicates, the lifecycle, permissions,
escalation and the closed-loop rate (arithmetic checked by hand)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.stations.choices import ProblemKind, TicketStatus
from gonghui.stations.models import Ticket, TicketEvent
from gonghui.stations.selectors import tickets as selectors
from gonghui.stations.services import tickets
from gonghui.stations.tests.helpers import make_keeper, make_station, t
from gonghui.testing import make_user

SH = ZoneInfo("Asia/Shanghai")
# A Wednesday, 10:00 in 西安.
WED_10 = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def _fresh_throttles(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def keeper(world):
    return make_keeper(world, "keeper_a")


@pytest.fixture
def station(world, keeper):
    # Weekdays 08:00–18:00 only.
    return make_station(
        world, "xian", name="钟楼驿站", intervals=[(d, t(8), t(18)) for d in range(5)], keeper=keeper
    )


def _report(station, kind=ProblemKind.NO_WATER, at=WED_10, actor=None, **kw):
    return tickets.report_problem(actor=actor or AnonymousUser(), station=station, kind=kind, at=at, **kw)


def test_a_report_opens_a_numbered_ticket_due_within_the_sla_of_its_kind(world, station):
    ticket, merged = _report(station, ProblemKind.NO_WATER, description=" 饮水机没水了 ")
    assert not merged
    assert ticket.number == "WX202606100001"
    assert ticket.organisation == world.orgs["xian"]
    assert ticket.status == TicketStatus.OPEN
    assert ticket.description == "饮水机没水了"
    assert ticket.due_at == WED_10 + datetime.timedelta(hours=24)
    assert ticket.reporter is None
    assert [e.kind for e in ticket.events.all()] == ["reported"]
    entry = AuditEntry.objects.get(action="stations.ticket.reported")
    assert entry.object_id == str(ticket.pk) and entry.actor_label == "anonymous"
    second, _ = _report(station, ProblemKind.DIRTY)
    assert second.number == "WX202606100002"
    assert second.due_at == WED_10 + datetime.timedelta(hours=24)


@pytest.mark.parametrize(
    ("kind", "hours"),
    [
        (ProblemKind.LOCKED, 4),
        (ProblemKind.NO_WATER, 24),
        (ProblemKind.NO_POWER, 24),
        (ProblemKind.AIR_CONDITIONING, 24),
        (ProblemKind.BROKEN_MICROWAVE, 72),
        (ProblemKind.DIRTY, 24),
        (ProblemKind.SUPPLIES, 48),
        (ProblemKind.WRONG_INFO, 72),
        (ProblemKind.OTHER, 72),
    ],
)
def test_default_sla_hours(kind, hours):
    assert tickets.sla_hours(kind) == hours


def test_the_sla_can_be_overridden_per_kind_by_a_setting(world, station, settings):
    settings.GONGHUI_STATION_TICKET_SLA_HOURS = {"no_water": 6}
    ticket, _ = _report(station, ProblemKind.NO_WATER)
    assert ticket.due_at == WED_10 + datetime.timedelta(hours=6)
    assert tickets.sla_hours(ProblemKind.LOCKED) == 4  # the others keep their default


def test_the_contact_number_is_stored_encrypted_and_shown_masked(world, station):
    ticket, _ = _report(station, contact="139 1234 5678")
    assert ticket.contact_masked == "139****5678"
    assert "13912345678" not in ticket.contact_enc
    assert crypto.decrypt(ticket.contact_enc) == "13912345678"


def test_a_signed_in_reporter_is_recorded(member_user, station):
    ticket, _ = _report(station, actor=member_user)
    assert ticket.reporter == member_user


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "on_fire"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"description": "长" * 501}, "description"),
        ({"contact": "12345"}, "contact"),
        ({"contact": "phone"}, "contact"),
    ],
)
def test_bad_reports_name_the_field_and_write_nothing(world, station, kwargs, field):
    kwargs = {"kind": ProblemKind.NO_WATER, **kwargs}
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        tickets.report_problem(actor=AnonymousUser(), station=station, at=WED_10, **kwargs)
    assert field in exc.value.error_dict
    assert Ticket.objects.count() == 0 and TicketEvent.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_the_same_problem_reported_again_joins_the_open_ticket(city_admin, station):
    first, _ = _report(station, ProblemKind.NO_WATER)
    later = WED_10 + datetime.timedelta(hours=1)
    again, merged = _report(station, ProblemKind.NO_WATER, at=later)
    assert merged and again.pk == first.pk
    assert Ticket.objects.count() == 1
    assert [e.kind for e in first.events.all()] == ["reported", "reported_again"]
    assert selectors.reports_count(first) == 2
    assert AuditEntry.objects.filter(action="stations.ticket.reported_again").count() == 1
    # another kind is another ticket; after resolving, the same kind opens a new one
    other, merged = _report(station, ProblemKind.DIRTY)
    assert not merged and other.pk != first.pk
    tickets.ticket_resolve(actor=city_admin, ticket=first, resolution="加满了水")
    fresh, merged = _report(station, ProblemKind.NO_WATER, at=later + datetime.timedelta(hours=1))
    assert not merged and fresh.pk not in {first.pk, other.pk}


def test_the_same_problem_at_another_station_is_another_ticket(world, station):
    other_station = make_station(world, "xian", name="大雁塔驿站")
    a, _ = _report(station, ProblemKind.NO_WATER)
    b, merged = _report(other_station, ProblemKind.NO_WATER)
    assert not merged and a.pk != b.pk


def test_locked_while_the_hours_say_open_is_flagged(world, station):
    ticket, _ = _report(station, ProblemKind.LOCKED, at=WED_10)
    assert selectors.should_have_been_open(ticket)
    assert ticket.due_at == WED_10 + datetime.timedelta(hours=4)


def test_locked_outside_the_hours_is_not_flagged(world, station):
    night = datetime.datetime(2026, 6, 10, 21, 0, tzinfo=SH)
    ticket, _ = _report(station, ProblemKind.LOCKED, at=night)
    assert not selectors.should_have_been_open(ticket)
    saturday = datetime.datetime(2026, 6, 13, 10, 0, tzinfo=SH)
    other = make_station(world, "xian", intervals=[(0, t(8), t(18))])
    ticket, _ = _report(other, ProblemKind.LOCKED, at=saturday)
    assert not selectors.should_have_been_open(ticket)


# --- lifecycle ------------------------------------------------------------------------------


def test_the_keeper_acknowledges_and_resolves_on_time(world, station, keeper):
    ticket, _ = _report(station)
    tickets.ticket_acknowledge(actor=keeper, ticket=ticket, at=WED_10 + datetime.timedelta(hours=1))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ACKNOWLEDGED
    assert ticket.acknowledged_at == WED_10 + datetime.timedelta(hours=1)
    tickets.ticket_resolve(
        actor=keeper, ticket=ticket, resolution="换了新水桶", at=WED_10 + datetime.timedelta(hours=24)
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.resolved_on_time is True  # exactly at the due time counts as on time
    assert ticket.resolution == "换了新水桶"
    assert [e.kind for e in ticket.events.all()] == ["reported", "acknowledged", "resolved"]
    actions = set(AuditEntry.objects.filter(object_id=str(ticket.pk)).values_list("action", flat=True))
    assert {"stations.ticket.acknowledged", "stations.ticket.resolved"} <= actions


def test_resolving_after_the_due_time_is_late(city_officer, station):
    ticket, _ = _report(station, ProblemKind.LOCKED)
    tickets.ticket_resolve(
        actor=city_officer,
        ticket=ticket,
        resolution="开门了",
        at=WED_10 + datetime.timedelta(hours=4, seconds=1),
    )
    ticket.refresh_from_db()
    assert ticket.resolved_on_time is False


def test_reject_needs_a_reason_and_closes_the_ticket(world, station, keeper):
    ticket, _ = _report(station)
    with pytest.raises(ValidationError) as exc:
        tickets.ticket_reject(actor=keeper, ticket=ticket, reason="  ")
    assert "reason" in exc.value.error_dict
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.events.count() == 1
    tickets.ticket_reject(actor=keeper, ticket=ticket, reason="饮水机有水 是误报")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REJECTED and ticket.resolution == "饮水机有水 是误报"
    assert ticket.resolved_on_time is None


def test_a_closed_ticket_cannot_change_again(world, station, keeper):
    ticket, _ = _report(station)
    tickets.ticket_resolve(actor=keeper, ticket=ticket, resolution="修好了")
    for call in (
        lambda: tickets.ticket_acknowledge(actor=keeper, ticket=ticket),
        lambda: tickets.ticket_resolve(actor=keeper, ticket=ticket, resolution="again"),
        lambda: tickets.ticket_reject(actor=keeper, ticket=ticket, reason="again"),
    ):
        with pytest.raises(ValidationError):
            call()
    assert ticket.events.count() == 2


def test_resolve_needs_what_was_done(world, station, keeper):
    ticket, _ = _report(station)
    with pytest.raises(ValidationError) as exc:
        tickets.ticket_resolve(actor=keeper, ticket=ticket, resolution="")
    assert "resolution" in exc.value.error_dict
    with pytest.raises(ValidationError):
        tickets.ticket_resolve(actor=keeper, ticket=ticket, resolution="x" * 501)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.events.count() == 1


def test_only_the_keeper_and_managing_officers_may_handle_a_ticket(
    world, city_viewer, province_admin, sibling_city_admin, sibling_admin, station
):
    ticket, _ = _report(station)
    other_keeper = make_keeper(world, "keeper_b")
    make_station(world, "xian", name="别的驿站", keeper=other_keeper)
    # the keeper of another station does not even see it: 404, from the service too
    with pytest.raises(Http404):
        selectors.ticket_or_404(other_keeper, ticket.number)
    with pytest.raises(Http404):
        tickets.ticket_acknowledge(actor=other_keeper, ticket=ticket)
    # the sibling city's admin and the other province's admin: 404
    for sibling in (sibling_city_admin, sibling_admin):
        with pytest.raises(Http404):
            selectors.ticket_or_404(sibling, ticket.number)
    # the viewer sees it but may not act: 403
    viewer = city_viewer
    assert selectors.ticket_or_404(viewer, ticket.number) == ticket
    with pytest.raises(PermissionDenied):
        tickets.ticket_acknowledge(actor=viewer, ticket=ticket)
    with pytest.raises(Http404):
        tickets.ticket_acknowledge(actor=AnonymousUser(), ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.events.count() == 1
    # the province above and the city officer may
    tickets.ticket_acknowledge(actor=province_admin, ticket=ticket)


def test_a_keeper_role_in_a_union_does_not_open_its_tickets(world, station):
    """station_keeper grants nothing on the subtree: only the stations kept count."""
    user = make_user("keeper_c")
    org_services.role_assign(actor=None, user=user, organisation=world.orgs["xian"], role=Role.STATION_KEEPER)
    ticket, _ = _report(station)
    with pytest.raises(Http404):
        selectors.ticket_or_404(user, ticket.number)


# --- SLA colours and escalation ---------------------------------------------------------------


def test_sla_colours(city_admin, station):
    ticket, _ = _report(station, ProblemKind.NO_WATER)  # 24 h
    assert selectors.sla_state(ticket, WED_10 + datetime.timedelta(hours=1)) == ("green", "in_time")
    assert selectors.sla_state(ticket, WED_10 + datetime.timedelta(hours=18)) == ("amber", "due_soon")
    assert selectors.sla_state(ticket, WED_10 + datetime.timedelta(hours=25)) == ("red", "overdue")
    tickets.ticket_reject(actor=city_admin, ticket=ticket, reason="误报")
    ticket.refresh_from_db()
    assert selectors.sla_state(ticket, WED_10 + datetime.timedelta(hours=25)) == ("closed", "closed")


def test_escalation_marks_overdue_open_tickets_once(city_admin, station):
    locked, _ = _report(station, ProblemKind.LOCKED)  # due 14:00
    water, _ = _report(station, ProblemKind.NO_WATER)  # due tomorrow 10:00
    done, _ = _report(station, ProblemKind.DIRTY)
    tickets.ticket_resolve(actor=city_admin, ticket=done, resolution="打扫了")
    five_pm = WED_10 + datetime.timedelta(hours=7)
    escalated = tickets.escalate_overdue(now=five_pm)
    assert [t_.pk for t_ in escalated] == [locked.pk]
    locked.refresh_from_db()
    assert locked.escalated and locked.events.filter(kind="escalated").count() == 1
    assert tickets.escalate_overdue(now=five_pm) == []  # idempotent
    assert AuditEntry.objects.filter(action="stations.ticket.escalated").count() == 1
    water.refresh_from_db()
    assert not water.escalated
    # escalated ones come first in the officers' queue
    queue = list(selectors.ticket_queue(city_admin, status="active"))
    assert queue[0].pk == locked.pk


def test_the_command_escalates(world, station, capsys):
    ticket, _ = _report(station, ProblemKind.LOCKED, at=datetime.datetime(2020, 1, 1, 10, tzinfo=SH))
    call_command("escalate_station_tickets")
    assert "escalated 1" in capsys.readouterr().out
    call_command("escalate_station_tickets")
    assert "escalated 0" in capsys.readouterr().out
    ticket.refresh_from_db()
    assert ticket.escalated


def test_keeper_queue_lists_own_open_tickets_oldest_due_first(world, city_admin, station, keeper):
    water, _ = _report(station, ProblemKind.NO_WATER)  # due +24 h
    locked, _ = _report(station, ProblemKind.LOCKED)  # due +4 h
    closed, _ = _report(station, ProblemKind.DIRTY)
    tickets.ticket_reject(actor=keeper, ticket=closed, reason="误报")
    make_station(world, "baoji")
    assert [x.pk for x in selectors.keeper_tickets(keeper)] == [locked.pk, water.pk]
    assert list(selectors.keeper_tickets(city_admin)) == []


def test_queue_filters_and_scope(
    world, national_admin, sibling_admin, city_admin, sibling_city_admin, station
):
    a, _ = _report(station, ProblemKind.LOCKED)
    baoji_station = make_station(world, "baoji")
    b, _ = _report(baoji_station, ProblemKind.LOCKED)
    national = national_admin
    assert {x.pk for x in selectors.ticket_queue(national)} == {a.pk, b.pk}
    assert [x.pk for x in selectors.ticket_queue(city_admin)] == [a.pk]
    assert [x.pk for x in selectors.ticket_queue(sibling_city_admin)] == [b.pk]
    assert list(selectors.ticket_queue(sibling_admin)) == []
    assert [x.pk for x in selectors.ticket_queue(national, organisation=world.orgs["baoji"])] == [b.pk]
    later = WED_10 + datetime.timedelta(hours=5)
    assert {x.pk for x in selectors.ticket_queue(national, overdue=True, now=later)} == {a.pk, b.pk}
    assert list(selectors.ticket_queue(national, overdue=True, now=WED_10)) == []
    tickets.ticket_resolve(actor=national, ticket=a, resolution="开门")
    assert [x.pk for x in selectors.ticket_queue(national, status="resolved")] == [a.pk]
    assert [x.pk for x in selectors.ticket_queue(national, status="active")] == [b.pk]


# --- the closed-loop rate -----------------------------------------------------------------------


def _ticket_at(station, kind, at):
    ticket, _ = _report(station, kind, at=at)
    return ticket


def test_closed_loop_rate_by_hand(world, city_admin, province_admin, sibling_admin, station):
    """Yanta's station and Xi'an's own station; tickets due in the period:

    xian (own station): 1 on time (resolved after 2 h), 1 late (after 30 h), 1 still open,
    1 rejected (left out) → due 3, on time 1 → 33.3 %, resolved 2 → 66.7 %, median of 2 h and
    30 h = 16 h.
    yanta: 1 on time (after 3 h) → 1/1 = 100 %. Xi'an with yanta below: due 4, on time 2 → 50 %,
    resolved 3 → 75 %, median of 2, 3, 30 = 3 h. One ticket due after the period is not counted.
    """
    yanta_station = make_station(world, "yanta")
    admin = city_admin
    base = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SH)
    start, end = base - datetime.timedelta(days=1), base + datetime.timedelta(days=30)

    on_time = _ticket_at(station, ProblemKind.NO_WATER, base)
    tickets.ticket_resolve(
        actor=admin, ticket=on_time, resolution="ok", at=base + datetime.timedelta(hours=2)
    )
    late = _ticket_at(station, ProblemKind.DIRTY, base)
    tickets.ticket_resolve(actor=admin, ticket=late, resolution="ok", at=base + datetime.timedelta(hours=30))
    _ticket_at(station, ProblemKind.NO_POWER, base)  # still open
    rejected = _ticket_at(station, ProblemKind.SUPPLIES, base)
    tickets.ticket_reject(actor=admin, ticket=rejected, reason="误报")
    y = _ticket_at(yanta_station, ProblemKind.LOCKED, base)
    tickets.ticket_resolve(actor=admin, ticket=y, resolution="ok", at=base + datetime.timedelta(hours=3))
    _ticket_at(station, ProblemKind.OTHER, end)  # due after the period

    own = selectors.closed_loop(world.orgs["xian"], start=start, end=end, subtree=False)
    assert (own.due, own.on_time, own.resolved, own.still_open, own.rejected) == (3, 1, 2, 1, 1)
    assert own.rate == Decimal("33.3") and own.resolved_rate == Decimal("66.7")
    assert own.median_hours == Decimal("16.0")

    yanta = selectors.closed_loop(world.orgs["yanta"], start=start, end=end)
    assert (yanta.due, yanta.on_time, yanta.rate) == (1, 1, Decimal("100.0"))
    assert yanta.median_hours == Decimal("3.0")

    sub = selectors.closed_loop(world.orgs["xian"], start=start, end=end)
    assert (sub.due, sub.on_time, sub.resolved) == (4, 2, 3)
    assert sub.rate == Decimal("50.0") and sub.resolved_rate == Decimal("75.0")
    assert sub.median_hours == Decimal("3.0")

    empty = selectors.closed_loop(world.orgs["baoji"], start=start, end=end)
    assert empty.due == 0 and empty.rate is None and empty.median_hours is None

    rows = selectors.closed_loop_table(province_admin, world.orgs["xian"], start=start, end=end)
    assert [o.code for o, _r in rows] == ["610100", "610113"]
    with pytest.raises(Http404):
        selectors.closed_loop_table(sibling_admin, world.orgs["xian"], start=start, end=end)
