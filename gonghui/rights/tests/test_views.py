import pytest

from gonghui.rights.models import Request, RequestTransfer
from gonghui.rights.services import requests as svc
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def make(world, **kw):
    data = dict(
        actor=None,
        channel="app",
        category="help",
        description="工资被拖欠",
        work_division="610113",
        name="王强",
        phone="13800001111",
    )
    data.update(kw)
    return svc.request_file(**data)


def test_worker_files_follows_and_rates(city_admin, client):
    page = client.get("/rights/new/")
    assert page.status_code == 200 and "work_division" in page.content.decode()
    r = client.post(
        "/rights/new/",
        {
            "phone": "13800002222",
            "name": "李四",
            "category": "complaint",
            "description": "超时加班",
            "work_division": "610113",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    req = Request.objects.get()
    status = client.get(r["Location"]).content.decode()
    assert "138****2222" in status and "13800002222" not in status and req.organisation.name in status
    svc.request_close(actor=city_admin, request=req, reply="已处理")
    bad = client.post(r["Location"], {"rating": "5", "phone": "13900000000"})
    assert bad.status_code == 200
    req.refresh_from_db()
    assert req.rating is None
    ok = client.post(r["Location"], {"rating": "5", "phone": "13800002222"})
    assert ok.status_code == 302
    req.refresh_from_db()
    assert req.rating == 5


def test_unknown_division_writes_nothing(world, client):
    r = client.post(
        "/rights/new/",
        {
            "phone": "13800002222",
            "name": "李四",
            "category": "complaint",
            "description": "x",
            "work_division": "999999",
        },
    )
    assert r.status_code == 200 and Request.objects.count() == 0


def test_officer_queue_detail_and_actions(world):
    req = make(world)
    xian = client_for("xian")
    queue = xian.get("/rights/").content.decode()
    assert "王强" in queue and 'data-sla="green"' in queue
    detail = xian.get(f"/rights/requests/{req.pk}/")
    assert detail.status_code == 200
    assert client_for("baoji").get(f"/rights/requests/{req.pk}/").status_code == 404
    assert "王强" not in client_for("baoji").get("/rights/").content.decode()
    xian.post(f"/rights/requests/{req.pk}/accept/")
    xian.post(
        f"/rights/requests/{req.pk}/transfer/", {"to": "610300", "reason": "工地在宝鸡", "letter": "on"}
    )
    t = RequestTransfer.objects.get()
    assert t.letter and xian.get(f"/rights/transfers/{t.pk}/letter/").status_code == 200
    baoji = client_for("baoji")
    assert baoji.get(f"/rights/requests/{req.pk}/").status_code == 200
    baoji.post(f"/rights/transfers/{t.pk}/decide/", {"accept": "on"})
    req.refresh_from_db()
    assert req.organisation == world.orgs["baoji"]
    baoji.post(f"/rights/requests/{req.pk}/close/", {"reply": "已追回"})
    baoji.post(f"/rights/requests/{req.pk}/follow-up/", {"note": "满意"})
    req.refresh_from_db()
    assert req.status == "closed" and req.follow_up_note == "满意"
    rates = client_for("shaanxi").get("/rights/rates/").content.decode()
    assert "宝鸡市总工会" in rates and "100.0%" in rates
    assert client_for("gansu").get("/rights/rates/?org=610000").status_code == 404


def test_legal_aid_page_upload_and_needs_pages(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.rights.models import Evidence, LegalAid, PracticalNeed

    req = make(world, category="legal_aid")
    xian = client_for("xian")
    xian.post(
        f"/rights/requests/{req.pk}/legal-aid/",
        {
            "cause": "wages",
            "form": "mediation",
            "monthly_income": "2500.00",
            "knew_on": "2025-03-01",
            "employment_ended_on": "2025-06-01",
        },
    )
    assert LegalAid.objects.get().limitation_ends_on.isoformat() == "2026-06-01"
    xian.post(f"/rights/requests/{req.pk}/evidence/", {"file": SimpleUploadedFile("a.png", b"GIF89a....")})
    assert Evidence.objects.count() == 0
    xian.post(f"/rights/requests/{req.pk}/evidence/", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7 x")})
    ev = Evidence.objects.get()
    assert xian.get(f"/rights/evidence/{ev.pk}/")["Content-Type"] == "application/pdf"
    assert client_for("baoji").get(f"/rights/evidence/{ev.pk}/").status_code == 404
    page = xian.get(f"/rights/requests/{req.pk}/").content.decode()
    assert "2026-06-01" in page
    r = xian.post(
        "/rights/needs/",
        {"organisation": "610100", "title": "增设饮水点", "owner": "权益部", "deadline": "2026-12-31"},
    )
    assert r.status_code == 302 and PracticalNeed.objects.count() == 1
    r = client_for("baoji").post(
        "/rights/needs/", {"organisation": "610100", "title": "x", "owner": "y", "deadline": "2026-12-31"}
    )
    assert r.status_code == 404 and PracticalNeed.objects.count() == 1
    several = xian.post(
        "/rights/needs/", {"organisation": "yt", "title": "x", "owner": "y", "deadline": "2026-12-31"}
    )
    assert several.status_code == 200 and several.context["form"].has_error("organisation", "org_ambiguous")
    assert PracticalNeed.objects.count() == 1
    named = xian.post(
        "/rights/needs/",
        {"organisation": "雁塔区总工会", "title": "x", "owner": "y", "deadline": "2026-12-31"},
    )
    assert named.status_code == 302 and PracticalNeed.objects.count() == 2
    assert "增设饮水点" in xian.get("/rights/needs/").content.decode()
    assert "增设饮水点" not in client_for("baoji").get("/rights/needs/").content.decode()


def test_member_files_as_self_and_officer_files_for_a_caller(world):
    member = client_for("member")
    page = member.get("/rights/new/").content.decode()
    assert 'name="phone"' not in page
    r = member.post(
        "/rights/new/", {"category": "consultation", "description": "年假怎么算", "work_division": "610113"}
    )
    assert r.status_code == 302
    own = Request.objects.get()
    assert own.member == world.members["xian_worker"] and own.name == "张伟"
    assert (
        "年假" not in member.get("/rights/").content.decode()
        or own.get_category_display() in member.get("/rights/").content.decode()
    )
    officer = client_for("xian_officer")
    assert 'name="channel"' in officer.get("/rights/new/").content.decode()
    r = officer.post(
        "/rights/new/",
        {
            "category": "complaint",
            "description": "来电反映",
            "work_division": "610113",
            "name": "周敏",
            "phone": "13600005555",
            "channel": "phone",
        },
    )
    assert r.status_code == 302
    call = Request.objects.get(name="周敏")
    assert call.channel == "phone" and call.member is None and call.user is None
