import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client, override_settings
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.rights import selectors
from gonghui.rights.models import Evidence, LegalAid, PracticalNeed
from gonghui.rights.services import legal_aid as la
from gonghui.rights.services import needs
from gonghui.rights.services import requests as svc
from gonghui.testing import PNG

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


def aid_request(world):
    return svc.request_file(
        actor=None,
        channel="phone",
        category="legal_aid",
        description="被违法解除劳动合同",
        work_division="610113",
        name="孙丽",
        phone="13800003333",
    )


def open_aid(world, **kw):
    data = dict(
        actor=world.users["xian"],
        request=aid_request(world),
        cause="contract",
        form="arbitration",
        monthly_income="3200.00",
        knew_on=datetime.date(2025, 3, 1),
        amount_in_dispute="48000.00",
    )
    data.update(kw)
    return la.legal_aid_open(**data)


def test_limitation_is_one_year_from_knowledge():
    # 2026-03-01 is a Sunday: the period ends on Monday 2 March (民法典 art. 203)
    assert la.limitation_ends_on(datetime.date(2025, 3, 1)) == datetime.date(2026, 3, 2)
    assert la.limitation_ends_on(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)


def test_income_test_deadline_flag_and_outcome(world, city_admin):
    aid = open_aid(world)
    assert aid.passes_income_test and aid.income_threshold == Decimal("4000.00")
    assert aid.limitation_ends_on == datetime.date(2026, 3, 2)
    assert la.days_left(aid, datetime.date(2026, 2, 1)) == 29 and la.deadline_near(
        aid, datetime.date(2026, 2, 1)
    )
    assert not la.deadline_near(aid, datetime.date(2026, 1, 31))  # 30 days left: not yet flagged
    with override_settings(GONGHUI_LEGAL_AID_INCOME_THRESHOLD="3000.00"):
        rich = open_aid(world)
    assert not rich.passes_income_test
    la.legal_aid_outcome(actor=city_admin, aid=aid, outcome="settled")
    assert not la.deadline_near(aid, datetime.date(2026, 2, 1))
    with pytest.raises(ValidationError):
        la.legal_aid_outcome(actor=city_admin, aid=aid, outcome="maybe")


def test_near_deadline_list_is_scoped(world, city_admin, sibling_city_admin):
    today = timezone.localdate()
    open_aid(world, knew_on=today.replace(year=today.year - 1) + datetime.timedelta(days=10))
    assert selectors.legal_aid_near_deadline(city_admin).count() == 1
    assert selectors.legal_aid_near_deadline(sibling_city_admin).count() == 0


def test_bad_legal_aid_input_writes_nothing(world, city_admin, sibling_city_admin):
    req = aid_request(world)
    with pytest.raises(ValidationError) as exc:
        la.legal_aid_open(
            actor=city_admin,
            request=req,
            cause="x",
            form="y",
            monthly_income="abc",
            knew_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert {"cause", "form", "monthly_income", "knew_on"} <= set(exc.value.error_dict)
    with pytest.raises(Http404):
        la.legal_aid_open(
            actor=sibling_city_admin,
            request=req,
            cause="wages",
            form="mediation",
            monthly_income="1.00",
            knew_on=datetime.date(2025, 1, 1),
        )
    assert LegalAid.objects.count() == 0


def test_evidence_checked_by_magic_bytes_and_size(world, city_admin):
    aid = open_aid(world)
    xian = city_admin
    ev = la.evidence_add(actor=xian, aid=aid, upload=SimpleUploadedFile("合同.pdf", PDF))
    assert ev.content_type == "application/pdf"
    la.evidence_add(actor=xian, aid=aid, upload=SimpleUploadedFile("photo.jpg", PNG))  # named wrong, is a PNG
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        la.evidence_add(actor=xian, aid=aid, upload=SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf"))
    assert exc.value.error_dict["file"][0].code == "file_type"
    with override_settings(GONGHUI_EVIDENCE_MAX_BYTES=100):
        with pytest.raises(ValidationError) as exc:
            la.evidence_add(actor=xian, aid=aid, upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 200))
    assert exc.value.error_dict["file"][0].code == "file_too_large"
    with pytest.raises(ValidationError) as exc:
        la.evidence_add(actor=xian, aid=aid, upload=None)
    assert exc.value.error_dict["file"][0].code == "required"
    assert Evidence.objects.count() == 2 and AuditEntry.objects.count() == before


def test_practical_needs_and_public_page(world, city_admin, sibling_city_admin):
    req = aid_request(world)
    xian = city_admin
    need = needs.need_create(
        actor=xian,
        organisation=world.orgs["xian"],
        title="商圈户外劳动者驿站增设饮水点",
        owner="权益保障部",
        deadline=datetime.date(2026, 12, 31),
        request=req,
    )
    assert need.source == "request"
    with pytest.raises(ValidationError):
        needs.need_create(
            actor=sibling_city_admin,
            organisation=world.orgs["baoji"],
            title="x",
            owner="y",
            deadline=datetime.date(2026, 12, 31),
            request=req,
        )
    with pytest.raises(ValidationError):
        needs.need_progress(actor=xian, need=need, status="in_progress", progress="选址中", rating=5)
    needs.need_progress(actor=xian, need=need, status="done", progress="已建成 3 处", rating=5)
    assert PracticalNeed.objects.count() == 1
    page = Client().get("/rights/needs/610100/").content.decode()
    assert "商圈户外劳动者驿站增设饮水点" in page and "已建成 3 处" in page
    assert "孙丽" not in page and "138" not in page


def test_the_audit_log_names_rights_actions_and_cases_in_words(world):
    # A legal-aid case was written to the audit log as "劳动合同 · <the request's UUID>".
    from django.utils import translation

    from gonghui.core import audit

    aid = open_aid(world)
    entry = AuditEntry.objects.get(action="rights.legal_aid.opened")
    assert entry.object_repr == f"劳动合同 · {aid.request.number}"
    with translation.override("zh-hans"):
        assert audit.label(entry.action) == "登记法律援助信息"
        assert audit.label("rights.request.filed") == "提交诉求"
        assert audit.label("rights.need.rated") == "群众评价实事"
