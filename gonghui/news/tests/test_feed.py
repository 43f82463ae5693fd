"""The Atom feed of an organisation: public items only, valid Atom, absolute links."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from gonghui.news.services import items
from gonghui.news.tests.factories import published

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(client, code):
    response = client.get(reverse("news:feed", args=[code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_feed_is_valid_atom_with_public_items_only_and_absolute_links(world, client):
    public = published(world, kind="news", audience="public", title="西安公开资讯")
    published(world, title="西安会员通知")  # members only: never in a feed
    root = _feed(client, world.orgs["xian"].code)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text and root.find(f"{ATOM}updated").text
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["西安公开资讯"]
    entry = entries[0]
    link = entry.find(f"{ATOM}link").get("href")
    assert link == "http://testserver" + reverse("news:detail", args=[public.pk])
    assert entry.find(f"{ATOM}id").text == f"urn:uuid:{public.pk}"
    assert "<p>" in entry.find(f"{ATOM}summary").text
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"][0]
    assert self_link.get("href").startswith("http://testserver/")


def test_a_withdrawn_item_leaves_the_feed_and_other_unions_items_are_not_in_it(world, client):
    item = published(world, kind="news", audience="public", title="撤回的资讯")
    published(world, organisation="baoji", author=world.users["baoji"], kind="news", audience="public",
              title="宝鸡资讯", reviewers=[world.users["shaanxi"], world.users["national"], world.users["operator"]])  # fmt: skip
    items.news_withdraw(actor=world.users["xian"], item=item, reason="信息有误")
    assert _feed(client, world.orgs["xian"].code).findall(f"{ATOM}entry") == []


def test_an_unknown_organisation_has_no_feed(world, client):
    assert client.get(reverse("news:feed", args=["NOPE"])).status_code == 404
