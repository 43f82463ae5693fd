"""The worker's pages without JavaScript (plain form posts): filing, following and rating a
request on a phone; who holds it now and by when; errors always visible."""

import re

import pytest
from django.test import Client

from gonghui.rights.models import Request
from gonghui.rights.services import requests as svc

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


def test_the_status_page_shows_who_holds_it_and_the_deadline(world):
    r = svc.request_file(
        actor=None,
        channel="app",
        category="complaint",
        description="超时加班",
        work_division="610113",
        name="李四",
        phone="13800002222",
    )
    svc.request_escalate(actor=world.users["xian"], request=r, reason="企业拒不配合")
    page = Client().get(f"/rights/r/{r.pk}/").content.decode()
    assert 'id="held-by"' in page and "雁塔区总工会" in page[page.index('id="held-by"') :][:200]
    assert f'id="due-on">{r.due_on:%Y-%m-%d}' in page
    assert '<meta name="viewport" content="width=device-width' in page
    assert "<form" not in page[page.index("<main") :]  # nothing to do while it is open
