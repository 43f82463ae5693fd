"""The case APIs: officer actions on requests, wage-arrears cases, legal-aid cases and the
我为群众办实事 needs. Each: the happy path, anonymous 401, the sibling admin 404 with nothing
written, a viewer 403, bad input 400 naming the field with nothing written."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.rights import models as m
from gonghui.rights.services import legal_aid as la
from gonghui.rights.services import needs as need_services
from gonghui.rights.services import requests as svc
from gonghui.testing import api_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


def post(c: Client, url: str, body=None):
    return c.post(f"/api/v1/{url}", json.dumps(body or {}), content_type="application/json")


def get(c: Client, url: str, **query):
    return c.get(f"/api/v1/{url}", query)


def snapshot() -> tuple:
    rows = [
        (
            r.pk,
            r.status,
            r.organisation_id,
            r.rating,
            r.reply,
            r.follow_up_note,
            r.workers_count,
            r.complexity,
        )
        for r in m.Request.objects.order_by("pk")
    ]
    return (
        rows,
        sorted((t.pk, t.status) for t in m.RequestTransfer.objects.all()),
        m.RequestEvent.objects.count(),
        m.ArrearsWorker.objects.count(),
        m.Recovery.objects.count(),
        sorted((a.pk, a.outcome, a.employment_ended_on) for a in m.LegalAid.objects.all()),
        m.Evidence.objects.count(),
        sorted((n.pk, n.status, n.progress, n.rating) for n in m.PracticalNeed.objects.all()),
        AuditEntry.objects.count(),
    )


def xian_request(**kw):
    data = dict(
        actor=None,
        channel="phone",
        category="complaint",
        description="加班费未发放",
        work_division="610113",
        name="王强",
        phone="13800001111",
    )
    data.update(kw)
    return svc.request_file(**data)


def arrears_case():
    return xian_request(
        category="wage_arrears",
        employer="某建筑劳务公司",
        project="高新区某住宅项目",
        amount_owed="30000.00",
        workers=[{"name": "王甲", "phone": "13600000001", "amount": "10000.00"}],
    )


def refused(c: Client, method: str, url: str, body=None) -> int:
    before = snapshot()
    r = get(c, url) if method == "GET" else post(c, url, body)
    assert snapshot() == before, url
    return r.status_code


def assert_bad(c: Client, url: str, body: dict, field: str):
    before = snapshot()
    r = post(c, url, body)
    assert r.status_code == 400, (url, r.status_code, r.content)
    fields = {e["field"] for e in r.json().get("errors", [])}
    assert field in fields or r.json()["detail"].startswith(field), (url, r.json())
    assert snapshot() == before, url


# ---- requests: officer actions ---------------------------------------------------------------


def test_request_actions_happy_path(world):
    r = xian_request()
    xian = api_for("xian")
    got = post(xian, f"requests/{r.pk}/accept")
    assert got.status_code == 200 and got.json()["status"] == "handling"
    got = post(xian, f"requests/{r.pk}/complexity", {"complexity": "difficult", "reason": "涉及多家单位"})
    assert got.status_code == 200 and got.json()["complexity"] == "difficult"
    got = post(xian, f"requests/{r.pk}/transfer", {"to": "610300", "reason": "工地在宝鸡", "letter": True})
    assert got.status_code == 201 and got.json()["to_organisation"]["code"] == "610300"
    assert get(xian, f"requests/{r.pk}").json()["pending_transfer"]["letter"] is True
    baoji = api_for("baoji")
    got = post(baoji, f"requests/{r.pk}/transfer/refuse", {"note": "不属本地"})
    assert got.status_code == 200 and got.json()["status"] == "refused"
    post(xian, f"requests/{r.pk}/transfer", {"to": "610300", "reason": "再次转办"})
    got = post(baoji, f"requests/{r.pk}/transfer/accept")
    assert got.status_code == 200 and got.json()["held_by"]["code"] == "610300"
    got = post(baoji, f"requests/{r.pk}/escalate", {"reason": "企业拒不配合"})
    assert got.status_code == 200 and got.json()["held_by"]["code"] == "610000"
    shaanxi = api_for("shaanxi")
    got = post(shaanxi, f"requests/{r.pk}/close", {"reply": "已协调补发"})
    assert got.status_code == 200 and got.json()["status"] == "closed" and got.json()["reply"] == "已协调补发"
    got = post(shaanxi, f"requests/{r.pk}/follow-up", {"note": "工人满意"})
    assert got.status_code == 200 and got.json()["follow_up_note"] == "工人满意"
    kinds = [e["kind"] for e in got.json()["timeline"]]
    assert kinds == [
        "filed",
        "accepted",
        "complexity",
        "transfer_asked",
        "transfer_refused",
        "transfer_asked",
        "transfer_accepted",
        "escalated",
        "closed",
        "follow_up",
    ]


ACTIONS = [
    ("accept", None),
    ("complexity", {"complexity": "complex", "reason": "x"}),
    ("transfer", {"to": "610300", "reason": "x"}),
    ("escalate", {"reason": "x"}),
    ("close", {"reply": "x"}),
    ("follow-up", {"note": "x"}),
    ("transfer/accept", None),
    ("transfer/refuse", {"note": "x"}),
]


def test_request_actions_anonymous_sibling_and_viewer(world):
    r = xian_request()
    anon, gansu, baoji, viewer = api_for(None), api_for("gansu"), api_for("baoji"), api_for("xian_viewer")
    for action, body in ACTIONS:
        url = f"requests/{r.pk}/{action}"
        assert refused(anon, "POST", url, body) == 401, url
        assert refused(gansu, "POST", url, body) == 404, url
        assert refused(baoji, "POST", url, body) == 404, url
    for action, body in ACTIONS[:5]:
        assert refused(viewer, "POST", f"requests/{r.pk}/{action}", body) == 403, action


def test_request_actions_bad_input_names_the_field(world):
    r = xian_request()
    xian = api_for("xian")
    assert_bad(xian, f"requests/{r.pk}/complexity", {"complexity": "huge", "reason": "x"}, "complexity")
    assert_bad(xian, f"requests/{r.pk}/complexity", {"complexity": "complex"}, "reason")
    assert_bad(xian, f"requests/{r.pk}/transfer", {"to": "NOPE", "reason": "x"}, "to")
    assert_bad(xian, f"requests/{r.pk}/transfer", {"to": "610300"}, "reason")
    assert_bad(xian, f"requests/{r.pk}/escalate", {}, "reason")
    assert_bad(xian, f"requests/{r.pk}/close", {"reply": "  "}, "reply")
    assert_bad(xian, f"requests/{r.pk}/complexity", {"complexity": 3, "reason": "x"}, "complexity")
    before = snapshot()
    assert post(xian, f"requests/{r.pk}/transfer/accept").json()["code"] == "no_pending_transfer"
    assert post(xian, f"requests/{r.pk}/follow-up", {"note": "x"}).json()["code"] == "not_closed"
    assert snapshot() == before


# ---- wage arrears ----------------------------------------------------------------------------


def test_wage_arrears_happy_path(world):
    xian = api_for("xian")
    created = post(
        xian,
        "wage-arrears",
        {
            "description": "工地拖欠 3 名工人工资",
            "work_division": "610113",
            "employer": "兰州某石化厂",  # its union is in Gansu: the case stays with the work site
            "name": "刘工长",
            "phone": "13600000009",
            "project": "雁塔某工地",
            "amount_owed": "24000.00",
            "workers": [{"name": "王甲", "phone": "13600000001", "amount": "8000.00"}],
        },
    )
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["held_by"]["code"] == "XA-0002" and case["request"]["routed_by"] == "territorial"
    assert case["amount_owed"] == "24000.00" and case["recovered"] == "0.00" and case["workers_count"] == 1
    cid = case["id"]
    w = post(
        xian, f"wage-arrears/{cid}/workers", {"name": "李乙", "phone": "13600000002", "amount": "8000.00"}
    )
    assert w.status_code == 201 and w.json()["phone"] == "136****0002"
    workers = get(xian, f"wage-arrears/{cid}/workers")
    assert workers.json()["count"] == 2 and get(xian, f"wage-arrears/{cid}").json()["workers_count"] == 2
    rec = post(xian, f"wage-arrears/{cid}/recoveries", {"amount": "5000.00", "recovered_on": "2026-01-10"})
    assert rec.status_code == 201 and rec.json()["amount"] == "5000.00"
    listed = get(xian, "wage-arrears")
    assert listed.json()["count"] == 1 and listed.json()["items"][0]["recovered"] == "5000.00"
    assert get(api_for("baoji"), "wage-arrears").json()["count"] == 0
    # referral to the work-site union: an employer-routed case in 雁塔 refers by default to the
    # territorial union of its work place (the 雁塔 joint union)
    own = xian_request(category="wage_arrears", employer="西安某机械厂", amount_owed="1000.00")
    assert own.organisation == world.orgs["xian_factory"]
    ref = post(xian, f"wage-arrears/{own.pk}/referral", {"reason": "按属地管理转办"})
    assert ref.status_code == 201 and ref.json()["letter"] is True
    assert ref.json()["to_organisation"]["code"] == "XA-0002"
    assert get(xian, f"wage-arrears/{own.pk}").json()["referrals"][0]["id"] == ref.json()["id"]
    # to another region, by code
    other = arrears_case()
    ref = post(xian, f"wage-arrears/{other.pk}/referral", {"reason": "工地在宝鸡", "to": "610300"})
    assert ref.status_code == 201 and ref.json()["to_organisation"]["code"] == "610300"


def test_wage_arrears_anonymous_sibling_and_viewer(world):
    case = arrears_case()
    plain = xian_request(phone="13800002222")
    body = {
        "description": "x",
        "work_division": "610113",
        "name": "王甲",
        "phone": "13600000003",
        "amount_owed": "1",
    }
    urls = [
        ("GET", f"wage-arrears/{case.pk}", None),
        ("GET", f"wage-arrears/{case.pk}/workers", None),
        ("POST", f"wage-arrears/{case.pk}/workers", {"name": "赵丙", "amount": "1.00"}),
        ("POST", f"wage-arrears/{case.pk}/referral", {"reason": "x", "to": "610300"}),
        ("POST", f"wage-arrears/{case.pk}/recoveries", {"amount": "1.00", "recovered_on": "2026-01-01"}),
        ("POST", "wage-arrears", body),  # routed to 西安 (610113)
    ]
    anon, gansu, baoji, viewer = api_for(None), api_for("gansu"), api_for("baoji"), api_for("xian_viewer")
    for method, url, b in urls:
        assert refused(anon, method, url, b) == 401, url
        assert refused(gansu, method, url, b) == 404, url
        assert refused(baoji, method, url, b) == 404, url
    for method, url, b in urls[2:]:
        assert refused(viewer, method, url, b) == 403, url
    assert get(api_for("gansu"), "wage-arrears").json() == {"items": [], "count": 0}
    # a request of another category is no wage-arrears case
    assert get(api_for("xian"), f"wage-arrears/{plain.pk}").status_code == 404


def test_wage_arrears_bad_input_names_the_field(world):
    case = arrears_case()
    xian = api_for("xian")
    assert_bad(
        xian,
        "wage-arrears",
        {
            "description": "x",
            "work_division": "999999",
            "name": "王甲",
            "phone": "13600000003",
            "amount_owed": "1",
        },
        "work_division",
    )
    assert_bad(
        xian,
        "wage-arrears",
        {
            "description": "x",
            "work_division": "610113",
            "name": "王甲",
            "phone": "13600000003",
            "amount_owed": "-5",
        },
        "amount_owed",
    )
    assert_bad(xian, f"wage-arrears/{case.pk}/workers", {"name": "赵丙", "amount": "abc"}, "amount")
    assert_bad(
        xian, f"wage-arrears/{case.pk}/workers", {"name": "赵丙", "amount": "1", "phone": "123"}, "phone"
    )
    assert_bad(xian, f"wage-arrears/{case.pk}/recoveries", {"amount": "1.00"}, "recovered_on")
    assert_bad(
        xian, f"wage-arrears/{case.pk}/recoveries", {"amount": "1.00", "recovered_on": "x"}, "recovered_on"
    )
    assert_bad(
        xian,
        f"wage-arrears/{case.pk}/recoveries",
        {"amount": "99999.00", "recovered_on": "2026-01-01"},
        "amount",
    )
    assert_bad(xian, f"wage-arrears/{case.pk}/referral", {"reason": "x", "to": "NOPE"}, "to")
    assert_bad(xian, f"wage-arrears/{case.pk}/referral", {"to": "610300"}, "reason")


# ---- legal aid -------------------------------------------------------------------------------


def aid_request(phone="13800003333"):
    return xian_request(category="legal_aid", description="被违法解除劳动合同", name="孙丽", phone=phone)


def open_aid(world, **kw):
    data = dict(
        actor=world.users["xian"],
        request=aid_request(),
        cause="contract",
        form="arbitration",
        monthly_income="3200.00",
        knew_on=datetime.date(2025, 10, 1),
    )
    data.update(kw)
    return la.legal_aid_open(**data)


def test_legal_aid_happy_path(world):
    xian = api_for("xian")
    req = aid_request()
    created = post(
        xian,
        "legal-aid",
        {
            "request": str(req.pk),
            "cause": "contract",
            "form": "arbitration",
            "monthly_income": "3200.00",
            "amount_in_dispute": "48000.00",
            "knew_on": "2025-10-01",
        },
    )
    assert created.status_code == 201, created.content
    aid = created.json()
    assert aid["passes_income_test"] and aid["limitation_ends_on"] == "2026-10-08"
    assert "2026-10-01" in aid["limitation_explanation"] and aid["request"]["id"] == str(req.pk)
    # a case opened in one step, with its request: a wage claim while employed
    wages = post(
        xian,
        "legal-aid",
        {
            "description": "拖欠工资三个月",
            "work_division": "610113",
            "name": "赵六",
            "phone": "13700001234",
            "cause": "wages",
            "form": "mediation",
            "monthly_income": "2800.00",
            "knew_on": "2025-01-10",
        },
    )
    assert wages.status_code == 201, wages.content
    assert wages.json()["limitation_ends_on"] is None and wages.json()["days_left"] is None
    assert wages.json()["request"]["category"] == "legal_aid"
    ended = post(
        xian, f"legal-aid/{wages.json()['id']}/employment-end", {"employment_ended_on": "2025-09-30"}
    )
    assert ended.status_code == 200 and ended.json()["limitation_ends_on"] == "2026-09-30"
    ev = xian.post(f"/api/v1/legal-aid/{aid['id']}/evidence", {"file": SimpleUploadedFile("合同.pdf", PDF)})
    assert ev.status_code == 201 and ev.json()["content_type"] == "application/pdf"
    detail = get(xian, f"legal-aid/{aid['id']}").json()
    assert [e["name"] for e in detail["evidence"]] == ["合同.pdf"]
    out = post(xian, f"legal-aid/{aid['id']}/outcome", {"outcome": "settled"})
    assert out.status_code == 200 and out.json()["outcome"] == "settled"
    listed = get(xian, "legal-aid")
    assert listed.json()["count"] == 2
    assert get(xian, "legal-aid", open="true").json()["count"] == 1
    assert get(api_for("baoji"), "legal-aid").json()["count"] == 0


def test_legal_aid_reminders_list_uses_the_corrected_deadline(world):
    today = timezone.localdate()
    near = open_aid(world, knew_on=today.replace(year=today.year - 1, day=1) + datetime.timedelta(days=3))
    open_aid(world, request=aid_request("13800004444"), cause="wages", knew_on=datetime.date(2024, 1, 1))
    items = get(api_for("xian"), "legal-aid", near_deadline="true").json()["items"]
    assert [i["id"] for i in items] == [str(near.pk)]


def test_legal_aid_anonymous_sibling_and_viewer(world):
    aid = open_aid(world)
    req = aid_request("13800005555")
    urls = [
        ("GET", f"legal-aid/{aid.pk}", None),
        ("POST", f"legal-aid/{aid.pk}/outcome", {"outcome": "won"}),
        ("POST", f"legal-aid/{aid.pk}/employment-end", {"employment_ended_on": "2025-06-01"}),
        ("POST", f"legal-aid/{aid.pk}/evidence", None),
        (
            "POST",
            "legal-aid",
            {
                "request": str(req.pk),
                "cause": "contract",
                "form": "mediation",
                "monthly_income": "1.00",
                "knew_on": "2025-01-01",
            },
        ),
        (
            "POST",
            "legal-aid",
            {
                "description": "x",
                "work_division": "610113",
                "name": "王甲",
                "phone": "13600000003",
                "cause": "contract",
                "form": "mediation",
                "monthly_income": "1.00",
                "knew_on": "2025-01-01",
            },
        ),
    ]
    anon, gansu, baoji, viewer = api_for(None), api_for("gansu"), api_for("baoji"), api_for("xian_viewer")
    for method, url, b in urls:
        assert refused(anon, method, url, b) == 401, url
        assert refused(gansu, method, url, b) == 404, url
        assert refused(baoji, method, url, b) == 404, url
    for method, url, b in urls[1:]:
        assert refused(viewer, method, url, b) == 403, url
    # a real upload by the sibling is refused too
    before = snapshot()
    r = baoji.post(f"/api/v1/legal-aid/{aid.pk}/evidence", {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert r.status_code == 404 and snapshot() == before


def test_legal_aid_bad_input_names_the_field(world, settings):
    aid = open_aid(world)
    req = aid_request("13800006666")
    xian = api_for("xian")
    good = {"request": str(req.pk), "cause": "contract", "form": "mediation", "monthly_income": "1.00"}
    assert_bad(xian, "legal-aid", {**good, "knew_on": "2025-01-01", "cause": "x"}, "cause")
    assert_bad(xian, "legal-aid", good, "knew_on")
    assert_bad(xian, "legal-aid", {**good, "knew_on": "2099-01-01"}, "knew_on")
    assert_bad(
        xian, "legal-aid", {**good, "knew_on": "2025-01-01", "monthly_income": "abc"}, "monthly_income"
    )
    assert_bad(
        xian,
        "legal-aid",
        {**good, "knew_on": "2025-01-01", "employment_ended_on": "2099-01-01"},
        "employment_ended_on",
    )
    # one step: a bad legal-aid field leaves no request behind either
    assert_bad(
        xian,
        "legal-aid",
        {
            "description": "x",
            "work_division": "610113",
            "name": "王甲",
            "phone": "13600000003",
            "cause": "contract",
            "form": "nope",
            "monthly_income": "1.00",
            "knew_on": "2025-01-01",
        },
        "form",
    )
    assert_bad(xian, f"legal-aid/{aid.pk}/outcome", {"outcome": "maybe"}, "outcome")
    assert_bad(xian, f"legal-aid/{aid.pk}/employment-end", {}, "employment_ended_on")
    before = snapshot()
    for name, data, code in (
        ("evil.pdf", b"MZ\x90\x00 not a pdf", "file_type"),
        ("big.pdf", PDF + b"0" * 200, "file_too_large"),
    ):
        settings.GONGHUI_EVIDENCE_MAX_BYTES = 100
        r = xian.post(f"/api/v1/legal-aid/{aid.pk}/evidence", {"file": SimpleUploadedFile(name, data)})
        assert r.status_code == 400 and r.json()["code"] == code and r.json()["errors"][0]["field"] == "file"
    r = xian.post(f"/api/v1/legal-aid/{aid.pk}/evidence", {})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "file"
    assert snapshot() == before


# ---- 我为群众办实事 -----------------------------------------------------------------------------


def make_need(world, **kw):
    data = dict(
        actor=world.users["xian"],
        organisation=world.orgs["xian"],
        title="商圈驿站增设饮水点",
        owner="权益保障部",
        deadline=datetime.date(2026, 12, 31),
    )
    data.update(kw)
    return need_services.need_create(**data)


def test_practical_needs_happy_path(world):
    req = xian_request()
    xian = api_for("xian")
    created = post(
        xian,
        "practical-needs",
        {
            "organisation": "610100",
            "title": "夜间法律咨询",
            "owner": "法律服务中心",
            "deadline": "2026-12-31",
            "request": str(req.pk),
        },
    )
    assert created.status_code == 201, created.content
    need = created.json()
    assert need["source"] == "request" and need["organisation"]["code"] == "610100"
    nid = need["id"]
    got = post(xian, f"practical-needs/{nid}/progress", {"status": "done", "progress": "每周三晚开设"})
    assert got.status_code == 200 and got.json()["status"] == "done"
    got = post(xian, f"practical-needs/{nid}/rate", {"rating": 5})
    assert got.status_code == 200 and got.json()["rating"] == 5
    assert get(xian, f"practical-needs/{nid}").json()["progress"] == "每周三晚开设"
    assert get(xian, "practical-needs", status="done").json()["count"] == 1
    assert get(xian, "practical-needs", organisation="610100").json()["count"] == 1
    public = Client().get("/api/v1/practical-needs/public/610100")
    assert public.status_code == 200
    body = public.json()
    assert body["count"] == 1 and body["items"][0] == {
        "title": "夜间法律咨询",
        "owner": "法律服务中心",
        "deadline": "2026-12-31",
        "status": "done",
        "progress": "每周三晚开设",
        "rating": 5,
    }
    assert "王强" not in public.content.decode() and str(req.pk) not in public.content.decode()
    assert Client().get("/api/v1/practical-needs/public/NOPE").status_code == 404


def test_practical_needs_anonymous_sibling_and_viewer(world):
    need = make_need(world)
    urls = [
        ("GET", f"practical-needs/{need.pk}", None),
        ("POST", f"practical-needs/{need.pk}/progress", {"status": "in_progress", "progress": "x"}),
        ("POST", f"practical-needs/{need.pk}/rate", {"rating": 5}),
        (
            "POST",
            "practical-needs",
            {"organisation": "610100", "title": "x", "owner": "y", "deadline": "2026-12-31"},
        ),
    ]
    anon, gansu, baoji, viewer = api_for(None), api_for("gansu"), api_for("baoji"), api_for("xian_viewer")
    for method, url, b in urls:
        assert refused(anon, method, url, b) == 401, url
        assert refused(gansu, method, url, b) == 404, url
        assert refused(baoji, method, url, b) == 404, url
    for method, url, b in urls[1:]:
        assert refused(viewer, method, url, b) == 403, url
    assert get(baoji, "practical-needs").json()["count"] == 0
    assert get(baoji, "practical-needs", organisation="610100").status_code == 404


def test_practical_needs_bad_input_names_the_field(world, city_admin):
    need = make_need(world)
    xian = api_for("xian")
    assert_bad(
        xian, "practical-needs", {"organisation": "610100", "owner": "y", "deadline": "2026-12-31"}, "title"
    )
    assert_bad(xian, "practical-needs", {"organisation": "610100", "title": "x", "owner": "y"}, "deadline")
    assert_bad(
        xian, "practical-needs", {"title": "x", "owner": "y", "deadline": "2026-12-31"}, "organisation"
    )
    assert_bad(xian, f"practical-needs/{need.pk}/progress", {"status": "nope"}, "status")
    assert_bad(xian, f"practical-needs/{need.pk}/rate", {"rating": 5}, "rating")  # not done yet
    need_services.need_progress(actor=city_admin, need=need, status="done", progress="ok")
    assert_bad(xian, f"practical-needs/{need.pk}/rate", {"rating": 7}, "rating")
