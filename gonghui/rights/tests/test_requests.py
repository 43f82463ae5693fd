import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.test import Client, override_settings
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.rights import selectors
from gonghui.rights.choices import Complexity, RequestStatus, TransferStatus
from gonghui.rights.models import ArrearsWorker, Recovery, Request, RequestEvent, RequestTransfer
from gonghui.rights.services import requests as svc
from gonghui.rights.services import transfers, wage_arrears, worker
from gonghui.rights.tests.helpers import file_request
from gonghui.testing import api_for

pytestmark = pytest.mark.django_db


def file(world, **kw):
    return file_request(**kw)


def test_routing_by_employer_then_territory(world):
    by_employer = file(world, employer="西安某机械厂")
    assert by_employer.organisation == world.orgs["xian_factory"] and by_employer.routed_by == "employer"
    courier = file(world, employer="某快递站点")
    assert courier.organisation == world.orgs["yanta_joint"] and courier.routed_by == "territorial"
    baoji = file(world, work_division="610302", employer="")
    assert baoji.organisation == world.orgs["baoji"]
    assert RequestEvent.objects.filter(request=courier, kind="filed").count() == 1
    assert AuditEntry.objects.filter(action="rights.request.filed").count() == 3


def test_personal_data_is_encrypted_and_masked(world):
    r = file(world)
    assert r.phone_masked == "138****1111"
    assert "13800001111" not in r.phone_enc and r.phone_hash
    item = api_for("xian").get(f"/api/v1/requests/{r.pk}").json()
    assert item["phone"] == "138****1111"


def test_bad_input_writes_nothing(world):
    with pytest.raises(ValidationError) as exc:
        file(world, work_division="999999", name="", phone="123", category="nope")
    assert {"work_division", "name", "phone", "category"} <= set(exc.value.error_dict)
    with pytest.raises(ValidationError) as exc:
        file(world, category="wage_arrears", amount_owed="abc", workers=[{"name": "王甲", "amount": "-1"}])
    assert {"amount_owed", "workers.0"} <= set(exc.value.error_dict)
    assert Request.objects.count() == 0 and RequestEvent.objects.count() == 0
    assert ArrearsWorker.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="rights.").exists()


def test_names_of_requesters_and_arrears_workers_follow_the_person_name_rule(world):
    with pytest.raises(ValidationError) as exc:
        file(world, name="=cmd|' /C calc'!A0")
    assert exc.value.error_dict["name"][0].code == "name_invalid_character"
    with pytest.raises(ValidationError) as exc:
        file(world, category="wage_arrears", amount_owed="100", workers=[{"name": "工人1", "amount": "100"}])
    assert exc.value.error_dict["workers.0"][0].code == "name_invalid_character"
    assert (
        Request.objects.count() == 0 and not AuditEntry.objects.filter(action__startswith="rights.").exists()
    )
    assert file(world, name="买买提•艾力").name == "买买提·艾力"


@pytest.mark.parametrize("count", [10**20, 2**31, svc.MAX_WORKERS + 1])
def test_a_huge_number_of_workers_is_400_naming_the_field_and_writes_nothing(world, count):
    # 10**20 reached the database: an OverflowError and an anonymous 500 (found by make fuzz)
    body = {
        "category": "wage_arrears",
        "description": "工程款拖欠",
        "work_division": "610113",
        "name": "王强",
        "phone": "13800001111",
        "amount_owed": "1000.00",
        "workers_count": count,
    }
    r = Client().post("/api/v1/requests", body, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "number_too_large" and r.json()["detail"].startswith("workers_count:")
    officer = api_for("xian_officer").post("/api/v1/wage-arrears", body, content_type="application/json")
    assert officer.status_code == 400 and officer.json()["code"] == "number_too_large"
    assert (
        Request.objects.count() == 0 and not AuditEntry.objects.filter(action__startswith="rights.").exists()
    )


def test_sla_in_working_days_skips_holidays():
    # 2025-09-30 + 5 working days: 1–8 October off, Saturday 11 October a make-up working day.
    assert svc.due_date(datetime.date(2025, 9, 30), Complexity.ORDINARY) == datetime.date(2025, 10, 14)
    assert svc.due_date(datetime.date(2025, 3, 3), Complexity.DIFFICULT) == datetime.date(2025, 3, 24)
    with override_settings(GONGHUI_REQUEST_SLA_DAYS={"ordinary": 1}):
        assert svc.due_date(datetime.date(2025, 9, 30), Complexity.ORDINARY) == datetime.date(2025, 10, 9)


def test_complexity_recomputes_due_date(world, city_officer):
    r = file(world)
    r = svc.request_set_complexity(actor=city_officer, request=r, complexity="complex", reason="涉及多方")
    assert r.due_on == svc.due_date(timezone.localdate(r.submitted_at), "complex")


def test_accept_close_follow_up_and_rate_once(world, city_officer):
    r = file(world)
    officer = city_officer
    with pytest.raises(ValidationError):
        worker.request_rate(actor=None, request=r, rating=5, phone="13800001111")  # not closed
    svc.request_accept(actor=officer, request=r)
    r = svc.request_close(actor=officer, request=r, reply="已协调企业补发")
    assert r.status == RequestStatus.CLOSED and r.closed_on_time is True
    svc.request_follow_up(actor=officer, request=r, note="工人表示满意")
    with pytest.raises(Http404):  # not the worker: answered like a missing request
        worker.request_rate(actor=None, request=r, rating=5, phone="13900000000")
    for bad, code in ((0, "number_too_small"), (6, "number_too_large"), ("x", "number_invalid")):
        with pytest.raises(ValidationError) as exc:
            worker.request_rate(actor=None, request=r, rating=bad, phone="13800001111")
        assert exc.value.error_dict["rating"][0].code == code
    r = worker.request_rate(actor=None, request=r, rating=4, phone="13800001111")
    assert r.rating == 4
    with pytest.raises(ValidationError) as exc:
        worker.request_rate(actor=None, request=r, rating=1, phone="13800001111")
    assert exc.value.code == "already_rated"
    r.refresh_from_db()
    assert r.rating == 4
    kinds = [e.kind for e in selectors.timeline(r)]
    assert kinds == ["filed", "accepted", "closed", "follow_up", "rated"]


def test_scoping_sibling_and_viewer(world, city_viewer, sibling_city_admin):
    r = file(world)  # held by the yanta joint union under xian
    with pytest.raises(Http404):
        svc.request_accept(actor=sibling_city_admin, request=r)
    with pytest.raises(PermissionDenied):
        svc.request_accept(actor=city_viewer, request=r)
    assert api_for("baoji").get(f"/api/v1/requests/{r.pk}").status_code == 404
    assert api_for("gansu").get("/api/v1/requests").json()["count"] == 0
    assert api_for("xian").get("/api/v1/requests").json()["count"] == 1
    assert api_for("shaanxi").get(f"/api/v1/requests/{r.pk}").status_code == 200


def test_transfer_needs_acceptance_by_receiver(world, city_admin, sibling_city_admin):
    r = file(world)
    xian = city_admin
    t = transfers.request_transfer(
        actor=xian, request=r, to=world.orgs["baoji"], reason="工地在宝鸡", letter=True
    )
    r.refresh_from_db()
    assert r.organisation == world.orgs["yanta_joint"]
    # the receiver sees it offered; the sender sees the transfer too but cannot accept for them
    assert api_for("baoji").get(f"/api/v1/requests/{r.pk}").status_code == 200
    with pytest.raises(PermissionDenied):
        transfers.transfer_decide(actor=xian, transfer=t, accept=True)
    with pytest.raises(ValidationError):
        transfers.request_transfer(actor=xian, request=r, to=world.orgs["xian"], reason="again")
    transfers.transfer_decide(actor=sibling_city_admin, transfer=t, accept=True)
    r.refresh_from_db()
    assert r.organisation == world.orgs["baoji"] and r.status == RequestStatus.HANDLING
    assert api_for("xian").get(f"/api/v1/requests/{r.pk}").status_code == 404


def test_refused_transfer_leaves_request(world, city_admin, sibling_city_admin):
    r = file(world)
    t = transfers.request_transfer(actor=city_admin, request=r, to=world.orgs["baoji"], reason="x")
    with pytest.raises(ValidationError):
        transfers.transfer_decide(actor=sibling_city_admin, transfer=t, accept=False, note="")
    transfers.transfer_decide(actor=sibling_city_admin, transfer=t, accept=False, note="不属本地")
    r.refresh_from_db()
    t.refresh_from_db()
    assert r.organisation == world.orgs["yanta_joint"] and t.status == TransferStatus.REFUSED


def test_manual_and_automatic_escalation_is_idempotent(world, city_admin):
    r = file(world)
    svc.request_escalate(actor=city_admin, request=r, reason="企业拒不配合")
    r.refresh_from_db()
    assert r.organisation == world.orgs["yanta"] and r.escalations == 1
    late = file(world, employer="西安某机械厂")
    Request.objects.filter(pk=late.pk).update(due_on=datetime.date(2025, 9, 30))
    # 30 September is the due date itself: not yet overdue
    assert svc.escalate_overdue(today=datetime.date(2025, 9, 30)) == []
    done = svc.escalate_overdue(today=datetime.date(2025, 10, 9))
    assert [d.pk for d in done] == [late.pk]
    assert svc.escalate_overdue(today=datetime.date(2025, 10, 9)) == []
    call_command("escalate_overdue_requests")
    late.refresh_from_db()
    assert late.organisation == world.orgs["yanta"] and late.escalations == 1 and late.auto_escalated


def test_rates_arithmetic(world, city_admin):
    officer = city_admin
    reqs = [file(world, phone=f"1380000{i:04d}") for i in range(4)]
    for r in reqs[:3]:
        svc.request_close(actor=officer, request=r, reply="办结")
    Request.objects.filter(pk=reqs[2].pk).update(closed_on_time=False)
    worker.request_rate(actor=None, request=reqs[0], rating=5, phone="13800000000")
    worker.request_rate(actor=None, request=reqs[1], rating=2, phone="13800000001")
    own = selectors.rates(world.orgs["yanta_joint"], subtree=False)
    assert (own.total, own.open, own.closed, own.on_time, own.rated, own.satisfied) == (4, 1, 3, 2, 2, 1)
    assert own.on_time_rate == Decimal("66.7") and own.satisfaction_rate == Decimal("50.0")
    assert selectors.rates(world.orgs["shaanxi"]).closed == 3
    assert selectors.rates(world.orgs["baoji"]).on_time_rate is None


def test_api_file_anonymous_and_member_sees_own(city_admin, client):
    r = client.post(
        "/api/v1/requests",
        {
            "category": "help",
            "description": "工伤求助",
            "work_division": "610113",
            "name": "赵六",
            "phone": "13700001234",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["held_by"]["code"] == "XA-0002" and r.json()["phone"] == "137****1234"
    bad = client.post(
        "/api/v1/requests",
        {
            "category": "help",
            "description": "x",
            "work_division": "000000",
            "name": "赵六",
            "phone": "13700001234",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and Request.objects.count() == 1
    member = api_for("member")
    mine = member.post(
        "/api/v1/requests",
        {
            "category": "consultation",
            "description": "合同问题",
            "work_division": "610113",
            "employer": "西安某机械厂",
        },
        content_type="application/json",
    )
    assert mine.status_code == 201 and mine.json()["name"] == "张伟"
    listed = member.get("/api/v1/requests").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == mine.json()["id"]
    assert member.get(f"/api/v1/requests/{r.json()['id']}").status_code == 404
    # rate through the API once closed
    req = Request.objects.get(pk=mine.json()["id"])
    svc.request_close(actor=city_admin, request=req, reply="已答复")
    ok = member.post(f"/api/v1/requests/{req.pk}/rate", {"rating": 5}, content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"id": str(req.pk), "status": "closed", "rating": 5}
    again = member.post(f"/api/v1/requests/{req.pk}/rate", {"rating": 3}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "already_rated"


def test_wage_arrears_group_case_and_recoveries(world, city_admin, sibling_city_admin):
    r = file(
        world,
        category="wage_arrears",
        employer="某建筑劳务公司",
        project="高新区某住宅项目",
        amount_owed="30000.00",
        workers=[
            {"name": "王甲", "phone": "13600000001", "amount": "10000.00"},
            {"name": "李乙", "phone": "", "amount": "20000.00"},
        ],
    )
    assert r.workers_count == 2 and r.amount_owed == Decimal("30000.00")
    assert sorted(w.phone_masked for w in selectors.arrears_workers(r)) == ["", "136****0001"]
    xian = city_admin
    wage_arrears.recovery_add(
        actor=xian, request=r, amount="10000.00", recovered_on=datetime.date(2025, 1, 10)
    )
    wage_arrears.recovery_add(
        actor=xian, request=r, amount="15000.50", recovered_on=datetime.date(2025, 2, 10)
    )
    assert selectors.recovered_total(r) == Decimal("25000.50")
    with pytest.raises(ValidationError) as exc:
        wage_arrears.recovery_add(
            actor=xian, request=r, amount="5000.00", recovered_on=datetime.date(2025, 3, 1)
        )
    assert exc.value.error_dict["amount"][0].code == "exceeds_owed"
    assert Recovery.objects.count() == 2
    wage_arrears.recovery_add(
        actor=xian, request=r, amount="5000.00", recovered_on=datetime.date(2025, 3, 1), reason="含赔偿金"
    )
    assert selectors.recovered_total(r) == Decimal("30000.50")
    with pytest.raises(Http404):
        wage_arrears.recovery_add(
            actor=sibling_city_admin, request=r, amount="1.00", recovered_on=datetime.date(2025, 3, 1)
        )
    assert RequestTransfer.objects.count() == 0
