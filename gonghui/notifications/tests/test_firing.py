"""Each notification kind is fired by the service that makes the change (never by a view),
reaches the right person's inbox and the API, and queues its SMS."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from gonghui.assistance.services import households, workflow
from gonghui.assistance.tests.conftest import OPEN, dibao  # noqa: F401  (fixture)
from gonghui.competitions.tests import helpers as competition_helpers
from gonghui.core import crypto
from gonghui.honours.services import lists, objections
from gonghui.honours.tests.conftest import accept, plist, recommend, supervisor, today  # noqa: F401
from gonghui.members.services import enrolment, transfers
from gonghui.members.services import members as member_services
from gonghui.notifications import services
from gonghui.notifications.choices import Channel
from gonghui.notifications.models import Dispatch, Notification
from gonghui.organisations import scoping
from gonghui.rights.models import Request
from gonghui.rights.services import requests as request_services
from gonghui.rights.services import transfers as request_transfers
from gonghui.rights.tests.helpers import file_request
from gonghui.stations.models import Ticket
from gonghui.stations.services import tickets
from gonghui.stations.tests.helpers import make_station
from gonghui.testing import api_for, make_id_number, make_phone, make_user


def inbox(user) -> list[str]:
    return [i["kind"] for i in api_for(user).get("/api/v1/me/notifications").json()["items"]]


def sms_to(notification: Notification) -> list[str]:
    return [
        crypto.decrypt(d.to_enc)
        for d in Dispatch.objects.filter(notification=notification, channel=Channel.SMS)
    ]


def apply(phone: str):
    return enrolment.enrolment_submit(
        actor=None,
        name="王芳",
        id_number=make_id_number("610113", gender="F"),
        phone=phone,
        employer="某快递公司",
        work_division="610113",
        employment_form="courier",
    )


# ---- enrolment ---------------------------------------------------------------------------


def test_an_approved_applicant_is_told_on_the_phone_and_sees_it_once_signed_in_with_it(world, city_officer):
    phone = make_phone(60)
    application = apply(phone)
    enrolment.enrolment_approve(actor=city_officer, enrolment=application)
    n = Notification.objects.get(kind="enrolment.approved")
    assert n.recipient is None and sms_to(n) == [phone]
    assert "雁塔区新就业形态劳动者联合工会" in n.body
    worker = make_user("wangfang")  # the account made later, signed in with that phone
    services.claim_for_phone(worker, phone)
    assert inbox(worker) == ["enrolment.approved"]
    assert api_for(worker).get("/api/v1/me").json()["unread"] == 1


def test_a_rejected_applicant_is_told_why_on_the_phone(world, city_officer):
    phone = make_phone(61)
    application = apply(phone)
    enrolment.enrolment_reject(actor=city_officer, enrolment=application, reason="工作单位不在本区")
    n = Notification.objects.get(kind="enrolment.rejected")
    assert "工作单位不在本区" in n.body and sms_to(n) == [phone]
    assert n.link == f"/join/status/{application.pk}/"


def test_a_refused_decision_writes_no_notification(world, city_viewer):
    application = apply(make_phone(62))
    with pytest.raises(ValidationError):
        enrolment.enrolment_reject(actor=world.users["xian"], enrolment=application, reason="")
    assert not Notification.objects.filter(kind="enrolment.rejected").exists()


def test_a_new_application_is_in_the_inbox_of_the_officers_whose_queue_it_lands_in(world):
    apply(make_phone(63))  # to the 雁塔 joint union: no officer there or at 雁塔, so 西安's
    assert inbox(world.users["xian_officer"]) == ["enrolment.submitted"]
    assert inbox(world.users["xian"]) == ["enrolment.submitted"]
    assert inbox(world.users["xian_viewer"]) == []  # a viewer decides nothing
    assert inbox(world.users["shaanxi"]) == [] and inbox(world.users["gansu"]) == []


# ---- transfers ---------------------------------------------------------------------------


def test_each_step_of_a_transfer_reaches_the_members_account(world, member_user):
    xian_admin, baoji_admin = world.users["xian"], world.users["baoji"]
    worker = world.members["xian_worker"]
    t = transfers.transfer_request(
        actor=member_user, member=worker, to_organisation=world.orgs["baoji_factory"], reason="换工作"
    )
    transfers.transfer_release(actor=xian_admin, transfer=t)
    transfers.transfer_accept(actor=baoji_admin, transfer=t)
    assert inbox(member_user) == ["transfer.accepted", "transfer.released"]
    n = Notification.objects.get(kind="transfer.accepted")
    assert n.recipient == member_user and sms_to(n) == [crypto.decrypt(worker.phone_enc)]


def test_a_refused_transfer_is_told_with_the_reason(world, member_user):
    t = transfers.transfer_request(
        actor=member_user,
        member=world.members["xian_worker"],
        to_organisation=world.orgs["baoji_factory"],
        reason="换工作",
    )
    transfers.transfer_refuse(actor=world.users["xian"], transfer=t, reason="会费未结清")
    assert inbox(member_user) == ["transfer.refused"]
    assert "会费未结清" in Notification.objects.get(kind="transfer.refused").body


# ---- requests ----------------------------------------------------------------------------


def test_the_filer_hears_acceptance_transfer_and_the_reply_with_the_rating_link(world, member_user):
    req = file_request(actor=member_user, member=world.members["xian_worker"], name="张伟")
    xian = world.users["xian"]
    request_services.request_accept(actor=xian, request=req)
    t = request_transfers.request_transfer(
        actor=xian, request=req, to=world.orgs["baoji"], reason="工地在宝鸡"
    )
    request_transfers.transfer_decide(actor=world.users["baoji"], transfer=t, accept=True)
    req.refresh_from_db()
    request_services.request_close(actor=world.users["baoji"], request=req, reply="已协调发放加班费。")
    assert inbox(member_user) == ["request.closed", "request.transferred", "request.accepted"]
    closed = Notification.objects.get(kind="request.closed")
    assert "已协调发放加班费。" in closed.body and closed.link == f"/rights/r/{req.pk}/"
    assert sms_to(closed) == [crypto.decrypt(world.members["xian_worker"].phone_enc)]


def test_a_filer_without_an_account_is_told_on_the_phone_left_with_the_request(world):
    req = file_request(phone="13800002222")
    request_services.request_accept(actor=world.users["xian"], request=req)
    n = Notification.objects.get(kind="request.accepted")
    assert n.recipient is None and sms_to(n) == ["13800002222"]


def test_an_overdue_request_escalated_tells_the_filer_and_the_officers_it_went_to_once(world, member_user):
    req = file_request(
        actor=member_user, member=world.members["xian_worker"], name="张伟", employer="西安某机械厂"
    )
    before = req.organisation
    Request.objects.filter(pk=req.pk).update(due_on=datetime.date(2025, 9, 30))
    call_command("escalate_overdue_requests")
    req.refresh_from_db()
    assert req.organisation == before.get_parent()
    told = Notification.objects.get(kind="request.overdue")
    assert told.recipient == member_user and told.link == f"/rights/r/{req.pk}/"
    assert told.title == f"您的诉求 {req.number} 已超期" and req.organisation.name in told.body
    assert sms_to(told) == [crypto.decrypt(world.members["xian_worker"].phone_enc)]
    officers = scoping.nearest_holders(scoping.Action.HANDLE_REQUESTS, req.organisation)
    assert officers
    escalated = Notification.objects.filter(kind="request.escalated")
    assert sorted(n.recipient.username for n in escalated) == sorted(u.username for u in officers)
    assert {n.link for n in escalated} == {f"/rights/requests/{req.pk}/"}
    assert "request.escalated" in inbox(officers[0])
    # Running the command again escalates nothing and tells nobody anything new.
    call_command("escalate_overdue_requests")
    assert Notification.objects.filter(kind__in=["request.overdue", "request.escalated"]).count() == 1 + len(
        officers
    )


def test_a_request_due_today_is_not_escalated_and_nobody_is_told(world, member_user):
    req = file_request(actor=member_user, member=world.members["xian_worker"], name="张伟")
    Request.objects.filter(pk=req.pk).update(due_on=timezone.localdate())
    call_command("escalate_overdue_requests")
    assert not Notification.objects.filter(kind__in=["request.overdue", "request.escalated"]).exists()


# ---- stations ----------------------------------------------------------------------------


def test_an_overdue_ticket_escalated_tells_the_owning_unions_officers_once(world):
    station = make_station(world)
    ticket, _merged = tickets.report_problem(
        actor=None, station=station, kind="locked", contact="13800004444"
    )
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    call_command("escalate_station_tickets")
    officers = scoping.nearest_holders(scoping.Action.MANAGE_STATIONS, ticket.organisation)
    assert officers
    told = Notification.objects.filter(kind="ticket.overdue")
    assert sorted(n.recipient.username for n in told) == sorted(u.username for u in officers)
    n = told.first()
    assert n.title == f"{station.name}报修工单超期" and ticket.number in n.body and "开放时间内锁门" in n.body
    assert n.link == f"/stations/tickets/{ticket.number}/"
    assert "ticket.overdue" in inbox(officers[0])
    # The reporter hears when it is fixed, not when it is late: every copy went to an officer.
    assert all(n.recipient in officers for n in told)
    call_command("escalate_station_tickets")
    assert Notification.objects.filter(kind="ticket.overdue").count() == len(officers)


def test_the_reporter_who_left_a_phone_hears_the_ticket_is_resolved(world):
    station = make_station(world)
    ticket, _merged = tickets.report_problem(
        actor=None, station=station, kind="no_water", contact="13800003333"
    )
    silent, _merged = tickets.report_problem(actor=None, station=station, kind="locked")
    tickets.ticket_resolve(actor=world.users["xian"], ticket=ticket, resolution="已更换饮水机滤芯")
    tickets.ticket_resolve(actor=world.users["xian"], ticket=silent, resolution="已开门")
    n = Notification.objects.get(kind="ticket.resolved")
    assert "已更换饮水机滤芯" in n.body and sms_to(n) == ["13800003333"]


# ---- hardship assistance -----------------------------------------------------------------


def test_the_head_of_household_hears_every_step_of_the_file(world, member_user, city_admin, dibao):  # noqa: F811
    h = households.household_open(actor=city_admin, head=world.members["xian_worker"], **OPEN)
    workflow.household_screen(actor=city_admin, household=h, approve=True)
    workflow.household_visit(
        actor=city_admin, household=h, visited_on=datetime.date.today(), visitor="王干事", consent_signed=True
    )
    assert inbox(member_user) == ["hardship.step", "hardship.step"]
    titles = [n.title for n in Notification.objects.filter(kind="hardship.step").order_by("created_at")]
    assert titles[0].endswith("初审通过") and h.file_no in titles[0]


# ---- competitions ------------------------------------------------------------------------


def test_competitors_with_an_account_hear_the_results_are_published(world):
    s = competition_helpers.build(world, n=3)
    account = make_user("xuanshou")
    member_services.member_link_user(actor=world.users["xian"], member=s.members[0], user=account)
    competition_helpers.publish(world, s)
    assert inbox(account) == ["competition.results_published"]
    assert Notification.objects.filter(kind="competition.results_published").count() == 1


# ---- honours -----------------------------------------------------------------------------


def test_an_objector_who_left_a_mobile_number_hears_the_decision(world, province_admin, plist, supervisor):  # noqa: F811
    accept(world, recommend(world, plist))
    on_notice = lists.publicity_start(actor=province_admin, nomination_list=plist, override_reason="试点")
    o = objections.objection_submit(
        actor=None, nomination_list=on_notice, contact="13912345678", text="不属实"
    )
    by_mail = objections.objection_submit(
        actor=None, nomination_list=on_notice, contact="someone@example.cn", text="不属实"
    )
    objections.objection_decide(actor=supervisor, objection=o, status="investigating")
    assert not Notification.objects.filter(kind="objection.decided").exists()
    o = objections.objection_decide(
        actor=supervisor, objection=o, status="dismissed", reply="经核实，事迹属实"
    )
    objections.objection_decide(actor=supervisor, objection=by_mail, status="dismissed", reply="经核实")
    n = Notification.objects.get(kind="objection.decided")
    assert o.reply in n.body and sms_to(n) == ["13912345678"]
