"""Rating by phone number must not tell a stranger whether a request exists: a wrong phone
answers exactly like an unknown request number, and both are throttled."""

import uuid

import pytest
from django.test import Client

from gonghui.core.models import AuditEntry
from gonghui.rights.models import Request
from gonghui.rights.services import requests as svc
from gonghui.rights.services import worker

pytestmark = pytest.mark.django_db


def closed_request(world, phone="13800001111"):
    r = svc.request_file(
        actor=None,
        channel="app",
        category="complaint",
        description="加班费未发放",
        work_division="610113",
        name="王强",
        phone=phone,
    )
    return svc.request_close(actor=world.users["xian"], request=r, reply="已处理")


def rate(client, request_id, **body):
    return client.post(f"/api/v1/requests/{request_id}/rate", body, content_type="application/json")


def test_wrong_phone_answers_like_an_unknown_request(world):
    r = closed_request(world)
    open_one = svc.request_file(
        actor=None,
        channel="app",
        category="help",
        description="求助",
        work_division="610113",
        name="李四",
        phone="13800002222",
    )
    c = Client()
    unknown = rate(c, uuid.uuid4(), rating=5, phone="13800001111")
    wrong = rate(c, r.pk, rating=5, phone="13900000000")
    wrong_open = rate(c, open_one.pk, rating=5, phone="13900000000")
    no_phone = rate(c, r.pk, rating=5)
    bad_rating_wrong_phone = rate(c, r.pk, rating=9, phone="13900000000")
    malformed = rate(c, "not-a-uuid", rating=5, phone="13800001111")
    bodies = {
        (resp.status_code, resp.content)
        for resp in (unknown, wrong, wrong_open, no_phone, bad_rating_wrong_phone, malformed)
    }
    assert len(bodies) == 1, bodies
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    r.refresh_from_db()
    assert r.rating is None and not AuditEntry.objects.filter(action="rights.request.rated").exists()
    ok = rate(c, r.pk, rating=4, phone="13800001111")
    assert ok.status_code == 200 and ok.json()["rating"] == 4


def test_rating_attempts_are_throttled_per_client_and_per_request(world, settings):
    r = closed_request(world)
    settings.GONGHUI_PUBLIC_FORM_RATE = 3
    c = Client()
    codes = [rate(c, r.pk, rating=5, phone=f"1390000000{i}").status_code for i in range(4)]
    assert codes == [404, 404, 404, 429]
    assert rate(c, uuid.uuid4(), rating=5, phone="13900000000").json()["code"] == "throttled"
    # from many addresses, one request still takes only a bounded number of guesses
    settings.GONGHUI_PUBLIC_FORM_RATE = 1000
    other = closed_request(world, phone="13800003333")
    seen = []
    for i in range(worker.RATE_ATTEMPTS_PER_REQUEST + 1):
        client = Client(REMOTE_ADDR=f"10.0.0.{i + 1}")
        seen.append(rate(client, other.pk, rating=5, phone=f"139000000{i:02d}").status_code)
    assert seen[:-1] == [404] * worker.RATE_ATTEMPTS_PER_REQUEST and seen[-1] == 429
    # the real worker from the limit onwards is refused too; nothing was written
    assert rate(Client(REMOTE_ADDR="10.9.9.9"), other.pk, rating=5, phone="13800003333").status_code == 429
    assert Request.objects.filter(rating__isnull=False).count() == 0


def test_page_rating_with_a_wrong_phone_writes_nothing(world):
    r = closed_request(world)
    page = Client().post(f"/rights/r/{r.pk}/", {"rating": "5", "phone": "13900000000"})
    assert page.status_code == 200
    r.refresh_from_db()
    assert r.rating is None
