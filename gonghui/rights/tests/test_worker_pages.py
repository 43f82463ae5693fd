"""The worker's pages without JavaScript (plain form posts): filing, following and rating a
request on a phone; who holds it now and by when; errors always visible."""

import re

import pytest
from django.test import Client

from gonghui.core.models import AuditEntry
from gonghui.rights.models import Request
from gonghui.rights.services import requests as svc
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def closed(world, **kw):
    data = dict(
        actor=None,
        channel="app",
        category="help",
        description="工伤后单位不给报销医药费。",
        work_division="610113",
        name="刘芳",
        phone="13800001111",
    )
    data.update(kw)
    r = svc.request_file(**data)
    return svc.request_close(
        actor=world.users["xian"], request=r, reply="您好：已联系单位（人事部），本周内报销！"
    )


def test_the_rating_is_offered_as_radio_buttons(world):
    r = closed(world)
    page = Client().get(f"/rights/r/{r.pk}/").content.decode()
    radios = re.findall(r'<input type="radio" name="rating" value="(\d)"', page)
    assert sorted(radios) == ["1", "2", "3", "4", "5"]
    assert "<option" not in page[page.index('name="rating"') - 400 :]


def test_a_refused_second_rating_says_why(world):
    r = closed(world)
    url = f"/rights/r/{r.pk}/"
    assert Client().post(url, {"rating": "4", "phone": "13800001111"}).status_code == 302
    again = Client().post(url, {"rating": "1", "phone": "13800001111"})
    assert again.status_code == 200
    assert "该诉求已评价过。" in again.content.decode()
    r.refresh_from_db()
    assert r.rating == 4


def test_replies_and_stories_keep_their_chinese_punctuation(world):
    r = closed(world, description="拖欠工资，已经两个月（十月、十一月）！")
    assert r.reply == "您好：已联系单位（人事部），本周内报销！"
    assert r.description == "拖欠工资，已经两个月（十月、十一月）！"
    page = Client().get(f"/rights/r/{r.pk}/").content.decode()
    assert "您好：已联系单位（人事部），本周内报销！" in page


def test_wage_arrears_without_the_amount_opens_the_details_with_the_error(world, client):
    data = {
        "phone": "13800005678",
        "name": "王建军",
        "category": "wage_arrears",
        "description": "包工头拖欠工资。",
        "province": "610000",
        "city": "610100",
        "work_division": "610113",
    }
    page = client.post("/rights/new/", data)
    assert page.status_code == 200 and not Request.objects.exists()
    body = page.content.decode()
    details = body[body.index("<details") : body.index("</details>")]
    assert details.startswith("<details open") and "errorlist" in details
    # the amount is not marked optional: it is needed for unpaid wages
    amount = details[details.index('for="id_amount_owed"') :]
    assert "(optional)" not in amount[:200] and "可选" not in amount[:200]


def test_the_status_page_shows_who_holds_it_and_the_deadline(city_admin):
    r = svc.request_file(
        actor=None,
        channel="app",
        category="complaint",
        description="超时加班",
        work_division="610113",
        name="李四",
        phone="13800002222",
    )
    svc.request_escalate(actor=city_admin, request=r, reason="企业拒不配合")
    page = Client().get(f"/rights/r/{r.pk}/").content.decode()
    assert 'id="held-by"' in page and "雁塔区总工会" in page[page.index('id="held-by"') :][:200]
    assert f'id="due-on">{r.due_on:%Y-%m-%d}' in page
    assert '<meta name="viewport" content="width=device-width' in page
    assert "<form" not in page[page.index("<main") :]  # nothing to do while it is open


def _errors(response) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in response.context["form"].errors.items()}


def test_an_empty_request_names_every_missing_field_at_once(world, client):
    audits = AuditEntry.objects.count()
    page = client.post("/rights/new/", {"province": "", "city": "", "work_division": ""})
    assert page.status_code == 200
    assert _errors(page) == {
        "category": ["请选择诉求类别。"],
        "description": ["请填写具体情况。"],
        "name": ["请填写姓名。"],
        "phone": ["请填写手机号码。"],
        "work_division": ["请选择您工作所在的省、市、区（县）。"],
    }
    body = page.content.decode()
    for field in ("name", "phone", "work_division"):
        assert f'<ul class="errorlist" id="id_{field}_error">' in body, field
    assert not Request.objects.exists() and AuditEntry.objects.count() == audits


def test_a_bad_name_and_phone_show_with_the_missing_category(world, client):
    page = client.post(
        "/rights/new/",
        {"name": "=1+1", "phone": "123", "description": "拖欠工资", "province": "610000", "city": "610100"},
    )
    errors = _errors(page)
    assert errors["category"] == ["请选择诉求类别。"]
    assert errors["name"] == ["姓名不能以“=”开头：请填写身份证或护照上的姓名。"]
    assert errors["phone"] == ["请输入中国大陆手机号码：以 1 开头的 11 位数字。"]
    assert errors["work_division"] == ["请选择您工作所在的区（县）。"]
    assert not Request.objects.exists()


def test_unpaid_wages_without_the_amount_say_so_on_the_first_answer(world, client):
    page = client.post("/rights/new/", {"category": "wage_arrears", "work_division": "610113"})
    errors = _errors(page)
    assert set(errors) == {"description", "name", "phone", "amount_owed"}
    assert errors["amount_owed"] == ["请填写此项。"]
    assert not Request.objects.exists()


def test_a_member_filing_as_themself_is_asked_only_for_the_request(world):
    member = client_for("member")
    page = member.post("/rights/new/", {"province": "", "city": "", "work_division": ""})
    assert set(_errors(page)) == {"category", "description", "work_division"}
    assert not Request.objects.exists()
