"""Honours in the URL walk (gonghui/tests/urlwalk.py): the public notice is open to everyone
by design, and a provincial list is open to the sibling city — without 西安's personal data."""

import pytest
from django.urls import reverse

from gonghui.honours.models import Nominee
from gonghui.honours.services import lists, nominees
from gonghui.testing import client_for
from gonghui.tests.urlwalk import SIBLINGS, form_post, html_urls, markers, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_public_notice_is_open_to_everyone_and_shows_no_personal_data(world, city_admin, xian, visitor):
    """PUBLIC_PAGES: the 公示 of 西安's list is read by anyone — anonymous or a sibling admin —
    with the nominee's name, never their ID number or phone, nor the objector's contact; a
    POST without a complete objection writes nothing; a list not on notice is 404."""
    client = client_for(visitor)
    before = snapshot(xian)
    pages = [page for page in html_urls(xian, public=True) if page.app == "honours"]
    assert {page.url for page in pages} == {
        reverse("honours:notices"),
        reverse("honours:notice", kwargs={"list_id": xian["list_id"]}),
    }
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, (page.url, response.status_code)
        body = response.content.decode()
        assert "西安市劳动模范推荐评选" in body
        for secret in xian["notice_secrets"]:
            assert secret not in body, (page.url, secret)
    notice = reverse("honours:notice", kwargs={"list_id": xian["list_id"]})
    assert client.post(notice, form_post()).status_code == 200  # the form again, with its errors
    assert snapshot(xian) == before
    building = lists.nomination_list_create(
        actor=city_admin,
        organiser=world.orgs["xian"],
        title="2026年西安市五一劳动奖章推荐",
        kind="may_day_medal",
        level="city",
        year=2026,
    )
    assert client.get(reverse("honours:notice", kwargs={"list_id": building.pk})).status_code == 404
    assert "五一劳动奖章推荐" not in client.get(reverse("honours:notices")).content.decode()


def test_a_provincial_list_is_open_to_the_sibling_city_without_xians_nominee(
    world, xian, province_admin, city_admin
):
    """A list organised above 宝鸡 (陕西's provincial selection) is open to the 宝鸡 admin, by
    design — they recommend to it — but 西安's nominee on it is not: the list page and the
    API show them no 西安 row, every page of the nominee is 404, and nothing is written.
    甘肃 does not see the list at all."""
    plist = lists.nomination_list_create(
        actor=province_admin,
        organiser=world.orgs["shaanxi"],
        title="2026年陕西省劳动模范推荐评选",
        kind="model_worker",
        level="provincial",
        year=2026,
    )
    nominee = nominees.nominee_recommend(
        actor=city_admin,
        nomination_list=plist,
        recommending_org=world.orgs["xian_factory"],
        member=world.members["xian_worker"],
        deeds="技术革新十余项，年节约成本200万元。",
        is_front_line=True,
        is_industrial_worker=True,
        enterprise_ownership="non_public",
        is_migrant_worker=True,
    )
    baoji, gansu = client_for("baoji"), client_for("gansu")
    before = snapshot(xian)
    for url in (
        reverse("honours:list_detail", kwargs={"list_id": plist.pk}),
        reverse("honours:lists"),
        reverse("api:list_nomination_lists"),
        reverse("api:get_nomination_list", kwargs={"list_id": plist.pk}),
    ):
        response = baoji.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        assert "2026年陕西省劳动模范推荐评选" in body, url
        leaked = [marker for marker in markers() if marker in body]
        assert not leaked, (url, leaked)
    assert gansu.get(reverse("honours:list_detail", kwargs={"list_id": plist.pk})).status_code == 404
    assert "2026年陕西省劳动模范推荐评选" not in gansu.get(reverse("honours:lists")).content.decode()
    nominee_urls = [
        reverse(f"honours:nominee_{action}", kwargs={"nominee_id": nominee.pk})
        for action in ("approve", "return", "resubmit", "withdraw", "strike")
    ]
    for url in nominee_urls:
        for client in (baoji, gansu):
            assert client.post(url, form_post()).status_code in {403, 404}, url
    assert snapshot(xian) == before
    assert Nominee.objects.get(pk=nominee.pk).status == "in_review"
