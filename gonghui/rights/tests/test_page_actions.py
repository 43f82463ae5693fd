"""The officers' pages give the same answers as the API: the buttons of the detail page post
what was typed to the service, which reads it with the one input vocabulary, and the page
shows the service's messages (no form result ignored, no parsing of its own)."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.models import AuditEntry
from gonghui.rights.models import Evidence, Recovery, Request, RequestTransfer
from gonghui.rights.tests.helpers import FILING, file_request
from gonghui.testing import PNG, api_for, client_for

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_malformed_page_number_shows_a_page_of_the_queue(world):
    # ?page=abc was an uncaught ValidationError: a server error on the officer's queue
    file_request()
    xian = client_for("xian")
    for query in ("?page=abc", "?page=0", "?page=99999", "?tab=&page=1.5"):
        page = xian.get(f"/rights/{query}")
        assert page.status_code == 200, query
        assert "王强" in page.content.decode(), query


def test_a_long_reason_typed_on_the_page_is_taken_as_through_the_api(world):
    # The page validated a form, ignored the result and sent the service the fields that
    # happened to pass: a reason over the form's 1,000 characters arrived as no reason at all.
    reason = "工期延长，" * 250
    page_request, api_request = file_request(), file_request(phone="13800002222")
    page = client_for("xian").post(
        f"/rights/requests/{page_request.pk}/complexity/", {"complexity": "complex", "reason": reason}
    )
    assert page.status_code == 302 and said(page) == ["已保存。"]
    by_api = api_for("xian").post(
        f"/api/v1/requests/{api_request.pk}/complexity",
        {"complexity": "complex", "reason": reason},
        content_type="application/json",
    )
    assert by_api.status_code == 200
    for r in (page_request, api_request):
        r.refresh_from_db()
        assert r.complexity == "complex"


def test_the_transfer_page_reads_a_union_code_as_the_api_does(world):
    # The page looked the code up as typed; the API trimmed it and ignored the case.
    by_page, by_api = file_request(), file_request(phone="13800002222")
    page = client_for("xian").post(
        f"/rights/requests/{by_page.pk}/transfer/", {"to": " bj-0001 ", "reason": "工地在宝鸡"}
    )
    assert page.status_code == 302 and said(page) == ["已保存。"]
    answer = api_for("xian").post(
        f"/api/v1/requests/{by_api.pk}/transfer",
        {"to": " bj-0001 ", "reason": "工地在宝鸡"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert [t.to_organisation.code for t in RequestTransfer.objects.order_by("created_at")] == ["BJ-0001"] * 2


def test_an_unknown_union_or_no_reason_is_said_on_the_page_and_nothing_is_written(world):
    r = file_request()
    unknown = client_for("xian").post(f"/rights/requests/{r.pk}/transfer/", {"to": "NOPE", "reason": "x"})
    assert unknown.status_code == 302 and said(unknown) == ["请选择有效的工会。"]
    no_reason = client_for("xian").post(f"/rights/requests/{r.pk}/escalate/", {"reason": "  "})
    assert said(no_reason) == ["请填写原因。"]
    assert not RequestTransfer.objects.exists()
    assert not AuditEntry.objects.filter(
        action__in=["rights.request.transfer_asked", "rights.request.escalated"]
    )


def test_a_bad_recovery_on_the_page_gets_the_services_message_and_writes_nothing(world):
    r = file_request(category="wage_arrears", amount_owed="1000.00")
    negative = client_for("xian").post(
        f"/rights/requests/{r.pk}/recovery/", {"amount": "-5", "recovered_on": "2025-01-01"}
    )
    assert negative.status_code == 302 and said(negative) == ["金额不能为负数。"]
    assert not Recovery.objects.exists()
    ok = client_for("xian").post(
        f"/rights/requests/{r.pk}/recovery/", {"amount": "1,000.00", "recovered_on": "2025-01-01"}
    )
    assert said(ok) == ["已保存。"] and Recovery.objects.get().amount == 1000


def test_evidence_for_a_request_without_legal_aid_details_is_404_like_its_other_buttons(world):
    r = file_request(category="legal_aid")
    xian = client_for("xian")
    upload = {"file": SimpleUploadedFile("a.png", PNG, content_type="image/png")}
    assert xian.post(f"/rights/requests/{r.pk}/evidence/", upload).status_code == 404
    assert xian.post(f"/rights/requests/{r.pk}/outcome/", {"outcome": "won"}).status_code == 404
    assert not Evidence.objects.exists()


def test_a_listed_workers_bad_amount_is_named_with_its_code(world, client):
    # The row's amount error was once filed under the row with the code "invalid".
    body = {
        **FILING,
        "category": "wage_arrears",
        "amount_owed": "1000.00",
        "workers": [{"name": "李四", "amount": "12.345"}],
    }
    r = client.post("/api/v1/requests", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"field": "workers.0", "code": "amount_precision", "message": "金额最多保留两位小数。"}
    ]
    assert not Request.objects.exists()


def test_a_listed_workers_problem_without_a_code_gets_the_rows_own_code_not_the_apis(
    world, client, monkeypatch
):
    # "invalid" is the API's answer to a body of the wrong shape; a row that fails a check
    # without a code of its own is worker_invalid.
    from django.core.exceptions import ValidationError

    from gonghui.rights.services import requests as request_services

    def refuse(row):
        raise ValidationError("这一行有误。")

    monkeypatch.setattr(request_services, "_arrears_worker", refuse)
    body = {
        **FILING,
        "category": "wage_arrears",
        "amount_owed": "1000.00",
        "workers": [{"name": "李四", "amount": "12.00"}],
    }
    r = client.post("/api/v1/requests", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"] == [{"field": "workers.0", "code": "worker_invalid", "message": "这一行有误。"}]
    assert not Request.objects.exists()


def test_control_characters_in_the_story_are_refused_naming_the_field(world, client):
    body = {**FILING, "description": "加班\x01费"}
    r = client.post("/api/v1/requests", body, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "control_characters"
    assert r.json()["errors"][0]["field"] == "description"
    assert not Request.objects.exists()


def test_the_officers_pages_are_403_to_a_signed_in_worker(world, member_user):
    # A worker with a login (filing and following their own requests) was shown an empty
    # rates page and a practical-needs form they could not use.
    worker = client_for(member_user)
    assert worker.get("/rights/").status_code == 200  # their own requests
    assert worker.get("/rights/rates/").status_code == 403
    assert worker.get("/rights/needs/").status_code == 403
    assert client_for(None).get("/rights/rates/").status_code == 302


def test_a_request_is_passed_to_a_union_typed_by_its_name_or_pinyin_initials(world):
    by_name, by_initials = file_request(), file_request(phone="13800002222")
    xian = client_for("xian")
    for req, typed in ((by_name, "宝鸡某钢厂工会"), (by_initials, "bjmgcgh")):
        page = xian.post(f"/rights/requests/{req.pk}/transfer/", {"to": typed, "reason": "工地"})
        assert page.status_code == 302 and said(page)[-1] == "已保存。"
    assert [t.to_organisation.code for t in RequestTransfer.objects.all()] == ["BJ-0001"] * 2


def test_a_union_name_several_unions_share_is_refused_with_their_names_and_nothing_is_written(world):
    r = file_request()
    page = client_for("xian").post(f"/rights/requests/{r.pk}/transfer/", {"to": "某", "reason": "x"})
    (message,) = said(page)
    assert message.startswith("有多个工会与“某”相符：")
    assert "宝鸡某钢厂工会（BJ-0001）" in message and "兰州某石化厂工会（LZ-0001）" in message
    assert not RequestTransfer.objects.exists()
    assert not AuditEntry.objects.filter(action="rights.request.transfer_asked").exists()


def test_the_detail_page_shows_a_union_picker_for_passing_a_request_on(world):
    r = file_request()
    page = client_for("xian").get(f"/rights/requests/{r.pk}/").content.decode()
    assert "data-union-picker" in page and "/organisations/pick?action=any_union" in page
