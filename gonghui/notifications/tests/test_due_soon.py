"""Officers are warned before a deadline breaks (request.due_soon, ticket.due_soon): by the
services behind the warn_due_requests and warn_due_tickets commands, once per deadline, only
at the union whose queue holds the item."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from gonghui.core import workdays
from gonghui.notifications.models import Notification
from gonghui.rights.models import Request
from gonghui.rights.services import requests as request_services
from gonghui.rights.tests.helpers import file_request
from gonghui.stations.models import Ticket
from gonghui.stations.services import tickets
from gonghui.stations.tests.helpers import make_station
from gonghui.testing import api_for


def inbox(user) -> list[str]:
    return [i["kind"] for i in api_for(user).get("/api/v1/me/notifications").json()["items"]]


def next_working_day() -> datetime.date:
    return workdays.add_working_days(timezone.localdate(), 1)


def request_due(due_on: datetime.date, **overrides) -> Request:
    req = file_request(**overrides)
    Request.objects.filter(pk=req.pk).update(due_on=due_on)
    req.refresh_from_db()
    return req


def ticket_due(world, in_hours: float, org: str = "xian", kind: str = "no_water") -> Ticket:
    station = make_station(world, org)
    ticket, _merged = tickets.report_problem(actor=None, station=station, kind=kind, contact="13800004444")
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() + datetime.timedelta(hours=in_hours))
    ticket.refresh_from_db()
    return ticket


def warned(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# ---- requests ----------------------------------------------------------------------------


def test_a_request_due_on_the_next_working_day_warns_the_officers_of_the_union_holding_it(world):
    due = next_working_day()
    req = request_due(due)
    assert req.organisation == world.orgs["yanta_joint"]  # nobody there: the 西安 officers handle it
    call_command("warn_due_requests")
    assert warned("request.due_soon") == ["xian", "xian_officer"]
    n = Notification.objects.filter(kind="request.due_soon").first()
    assert n.title == f"诉求 {req.number} 将于 {due.isoformat()} 到期"
    assert n.body == f"雁塔区新就业形态劳动者联合工会办理的投诉尚未答复，请于 {due.isoformat()} 前答复。"
    assert n.link == f"/rights/requests/{req.pk}/"
    assert "request.due_soon" in inbox(world.users["xian_officer"])


def test_a_request_is_warned_once_per_due_date_and_again_when_the_date_moves(world):
    req = request_due(next_working_day())
    call_command("warn_due_requests")
    call_command("warn_due_requests")
    assert len(warned("request.due_soon")) == 2
    # A new deadline (say, a transfer accepted) is a new warning.
    Request.objects.filter(pk=req.pk).update(due_on=timezone.localdate())
    call_command("warn_due_requests")
    assert len(warned("request.due_soon")) == 4


def test_a_request_due_later_than_the_next_working_day_is_not_warned_yet(world):
    request_due(workdays.add_working_days(timezone.localdate(), 2))
    call_command("warn_due_requests")
    assert not Notification.objects.filter(kind="request.due_soon").exists()


def test_a_closed_request_due_tomorrow_is_not_warned(world):
    req = request_due(next_working_day())
    request_services.request_close(
        actor=world.users["xian_officer"], request=req, reply="已协调企业补发加班费。"
    )
    call_command("warn_due_requests")
    assert not Notification.objects.filter(kind="request.due_soon").exists()


def test_an_overdue_request_escalated_is_not_warned(world):
    req = request_due(timezone.localdate() - datetime.timedelta(days=3))
    call_command("escalate_overdue_requests")
    req.refresh_from_db()
    assert req.auto_escalated
    call_command("warn_due_requests")
    assert not Notification.objects.filter(kind="request.due_soon").exists()


def test_a_sibling_branchs_officers_never_hear_of_a_request_due_soon(world):
    request_due(next_working_day())
    call_command("warn_due_requests")
    assert warned("request.due_soon")
    for sibling in ("baoji", "gansu"):
        assert inbox(world.users[sibling]) == []


# ---- station tickets ---------------------------------------------------------------------


def test_a_ticket_due_within_the_warning_hours_warns_the_owning_unions_officers(world):
    ticket = ticket_due(world, in_hours=1)
    call_command("warn_due_tickets")
    assert warned("ticket.due_soon") == ["xian", "xian_officer"]
    n = Notification.objects.filter(kind="ticket.due_soon").first()
    due = timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M")
    assert n.title == f"{ticket.station.name}报修工单将于 {due} 到期"
    assert n.body == f"工单 {ticket.number}（没有饮用水）尚未办结，请于 {due} 前处理。"
    assert n.link == f"/stations/tickets/{ticket.number}/"
    assert "ticket.due_soon" in inbox(world.users["xian"])


def test_a_ticket_is_warned_once(world):
    ticket_due(world, in_hours=1)
    call_command("warn_due_tickets")
    call_command("warn_due_tickets")
    assert len(warned("ticket.due_soon")) == 2


def test_a_ticket_due_after_the_warning_hours_is_not_warned_until_the_setting_says_so(world, settings):
    ticket_due(world, in_hours=3)
    call_command("warn_due_tickets")
    assert not Notification.objects.filter(kind="ticket.due_soon").exists()
    settings.GONGHUI_TICKET_WARN_HOURS = 4
    call_command("warn_due_tickets")
    assert len(warned("ticket.due_soon")) == 2


def test_a_resolved_ticket_is_not_warned(world):
    ticket = ticket_due(world, in_hours=1)
    tickets.ticket_resolve(actor=world.users["xian_officer"], ticket=ticket, resolution="已更换饮水机。")
    call_command("warn_due_tickets")
    assert not Notification.objects.filter(kind="ticket.due_soon").exists()


def test_an_overdue_escalated_ticket_is_not_warned(world):
    ticket_due(world, in_hours=-1)
    call_command("escalate_station_tickets")
    call_command("warn_due_tickets")
    assert Notification.objects.filter(kind="ticket.overdue").exists()
    assert not Notification.objects.filter(kind="ticket.due_soon").exists()


def test_a_sibling_branchs_officers_never_hear_of_a_ticket_due_soon(world):
    ticket_due(world, in_hours=1, org="baoji")
    call_command("warn_due_tickets")
    assert warned("ticket.due_soon") == ["baoji"]
    for other in ("xian", "xian_officer", "gansu"):
        assert inbox(world.users[other]) == []
