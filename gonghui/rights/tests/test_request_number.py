"""Short request numbers (RQ + yyyymmdd + the day's sequence): given at filing, unique even when
two filings race, shown to the worker, the officers, the API and the referral letter; a worker
finds their request again by number and phone — a wrong phone answers exactly like an unknown
number, and both are throttled."""

import datetime
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from gonghui.rights.models import Request
from gonghui.rights.services import numbers, wage_arrears, worker
from gonghui.rights.services import requests as svc
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NUMBER = re.compile(r"^RQ\d{8}\d{4,}$")


def file(world=None, *, phone="13800001111", name="刘芳", **extra):
    data = {
        "actor": None,
        "channel": "app",
        "category": "consultation",
        "description": "试用期可以不交社保吗？",
        "work_division": "610113",
        "name": name,
        "phone": phone,
    }
    data.update(extra)
    return svc.request_file(**data)


def test_a_request_gets_the_next_number_of_the_day_it_came_in(city_admin):
    today = timezone.localdate()
    first, second = file(), file()
    prefix = f"RQ{today:%Y%m%d}"
    assert (first.number, second.number) == (f"{prefix}0001", f"{prefix}0002")
    assert NUMBER.match(first.number)
    # A letter entered today that came in three days ago counts in that day.
    earlier = timezone.now() - datetime.timedelta(days=3)
    old = file(received_at=earlier, channel="letter", actor=city_admin)
    assert old.number == f"RQ{timezone.localdate(earlier):%Y%m%d}0001"
    assert file().number == f"{prefix}0003"


def test_the_sequence_grows_past_four_digits_and_keeps_counting(world):
    first = file()
    prefix = first.number[:-4]
    Request.objects.filter(pk=first.pk).update(number=f"{prefix}9999")
    assert file().number == f"{prefix}10000"
    assert file().number == f"{prefix}10001"  # 10000 sorts after 9999: by length, then value


def test_two_filings_at_once_get_different_numbers(world):
    """The second filing picks the number the first just took; the unique index refuses it
    and it takes the next one, inside the same transaction."""
    taken = file()
    real = numbers.next_number
    calls = []

    def stale_then_real(day):
        calls.append(day)
        return taken.number if len(calls) == 1 else real(day)

    with mock.patch.object(numbers, "next_number", side_effect=stale_then_real):
        raced = file(phone="13800002222")
    assert len(calls) == 2
    assert raced.number != taken.number and raced.number == real(timezone.localdate())[:-4] + "0002"
    assert Request.objects.count() == 2
    assert raced.events.count() == 1  # the rest of the filing went on


def test_numbers_are_unique_in_the_database(world):
    from django.db import IntegrityError, transaction

    a, b = file(), file()
    with pytest.raises(IntegrityError), transaction.atomic():
        Request.objects.filter(pk=b.pk).update(number=a.number)


def test_the_worker_officers_api_and_letter_show_the_number(world, city_admin):
    req = file(category="wage_arrears", amount_owed="9000", project="二期工地")
    anonymous = Client()
    page = anonymous.get(f"/rights/r/{req.pk}/").content.decode()
    assert req.number in page

    xian = client_for("xian")
    assert req.number in xian.get("/rights/").content.decode()
    assert req.number in xian.get(f"/rights/requests/{req.pk}/").content.decode()
    items = xian.get("/api/v1/requests").json()["items"]
    assert [i["number"] for i in items] == [req.number]
    assert xian.get(f"/api/v1/requests/{req.pk}").json()["number"] == req.number
    assert xian.get("/api/v1/wage-arrears").json()["items"][0]["number"] == req.number

    t = wage_arrears.referral_send(actor=city_admin, request=req, reason="工地在外地", to=world.orgs["baoji"])
    assert req.number in xian.get(f"/rights/transfers/{t.pk}/letter/").content.decode()


def test_the_filing_message_gives_the_number(world):
    client = Client()
    response = client.post(
        "/rights/new/",
        {
            "phone": "13800001111",
            "name": "刘芳",
            "category": "consultation",
            "description": "试用期可以不交社保吗？",
            "province": "610000",
            "city": "610100",
            "work_division": "610113",
        },
        follow=True,
    )
    req = Request.objects.get()
    assert [str(m) for m in response.context["messages"]][0].count(req.number) == 1


# ---- finding a request by number and phone ----------------------------------------------------


def find(client, number, phone):
    return client.post("/rights/find/", {"number": number, "phone": phone})


def _body(response) -> str:
    """The page without its CSRF tokens (new on every response)."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def test_the_worker_finds_their_request_by_number_and_phone(world):
    req = file()
    client = Client()
    assert client.get("/rights/find/").status_code == 200
    response = find(client, req.number, "138 0000 1111")
    assert response.status_code == 302 and response["Location"] == f"/rights/r/{req.pk}/"
    # Typed loosely: lower case, spaces, full-width digits.
    loose = f"rq {req.number[2:10]}-{req.number[10:]}".replace("0", "０")
    assert find(client, loose, "13800001111")["Location"] == f"/rights/r/{req.pk}/"


def test_a_wrong_phone_answers_like_an_unknown_number(world):
    req = file()
    unknown = req.number[:-4] + "0999"
    wrong_phone = find(Client(), req.number, "13900009999")
    cache.clear()
    no_such = find(Client(), unknown, "13900009999")
    assert wrong_phone.status_code == no_such.status_code == 404
    assert _body(wrong_phone).replace(req.number, "N") == _body(no_such).replace(unknown, "N")
    body = _body(wrong_phone)
    for secret in (str(req.pk), "刘", "138****1111", req.organisation.name):
        assert secret not in body
    assert "13900009999" not in body  # the phone typed is not echoed


def test_lookups_are_throttled_per_number_whatever_the_client(world):
    req = file()
    for i in range(worker.LOOKUP_ATTEMPTS_PER_NUMBER):
        client = Client(REMOTE_ADDR=f"10.0.0.{i + 1}")
        assert find(client, req.number, f"1390000{i:04d}").status_code == 404
    # The right phone from a fresh address is refused too for the rest of the hour.
    response = find(Client(REMOTE_ADDR="10.0.1.1"), req.number, "13800001111")
    assert response.status_code == 200 and "Location" not in response
    assert str(req.pk) not in response.content.decode()


def test_lookups_are_throttled_per_client(world, settings):
    settings.GONGHUI_PUBLIC_FORM_RATE = 3
    req = file()
    client = Client()
    for _ in range(3):
        assert find(client, "RQ000000000000", "13900009999").status_code == 404
    response = find(client, req.number, "13800001111")
    assert response.status_code == 200 and "Location" not in response


# ---- the migration gives existing requests their numbers ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_existing_requests_by_the_day_they_came_in(world):
    executor = MigrationExecutor(connection)
    executor.migrate([("rights", "0002_legal_aid_employment_end")])
    try:
        apps = executor.loader.project_state([("rights", "0002_legal_aid_employment_end")]).apps
        Old = apps.get_model("rights", "Request")
        org = world.orgs["xian"].pk
        times = [
            datetime.datetime(2025, 6, 1, 23, 30, tzinfo=SHANGHAI),
            datetime.datetime(2025, 6, 1, 8, 0, tzinfo=SHANGHAI),
            datetime.datetime(2025, 6, 2, 0, 30, tzinfo=SHANGHAI),  # 1 June 16:30 UTC
        ]
        for i, at in enumerate(times):
            Old.objects.create(
                channel="app",
                category="help",
                name=f"工人{i}",
                work_division="610113",
                description="求助",
                organisation_id=org,
                routed_to_id=org,
                routed_by="territorial",
                submitted_at=at,
                due_on=at.date(),
            )
        executor = MigrationExecutor(connection)
        executor.migrate([("rights", "0003_request_number")])
        # read with the model as it was at 0003: later migrations add columns
        numbered = executor.loader.project_state([("rights", "0003_request_number")]).apps
        numbers = dict(numbered.get_model("rights", "Request").objects.values_list("name", "number"))
        assert numbers == {"工人1": "RQ202506010001", "工人0": "RQ202506010002", "工人2": "RQ202506020001"}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert file().number == f"RQ{timezone.localdate():%Y%m%d}0001"
