"""Innovation in the URL walk (gonghui/tests/urlwalk.py): a 五小 idea is open to the members
of its city's community, by design, and to no one else."""

import pytest
from django.urls import reverse

from gonghui.innovation.tests.helpers import member_with_login
from gonghui.testing import client_for
from gonghui.tests.urlwalk import form_post, html_urls, markers, snapshot

pytestmark = pytest.mark.django_db


def test_ideas_are_open_to_members_of_the_city_community_only(world, xian):
    """A 五小 idea is read and supported by the members of its city's community (a member of
    another 西安 union sees it, by design); a member of 宝鸡 gets 404 on every idea page,
    and the idea lists and searches show them no 西安 idea."""
    neighbour = client_for(member_with_login(world, "yanta_joint", "xian_neighbour")[1])
    outsider = client_for(member_with_login(world, "baoji_factory", "baoji_member")[1])
    detail = reverse("innovation:idea_detail", kwargs={"idea_id": xian["idea_id"]})
    page = neighbour.get(detail)
    assert page.status_code == 200 and "车间照明改造" in page.content.decode()
    before = snapshot(xian)
    idea_pages = [page for page in html_urls(xian) if page.url.startswith("/innovation/ideas/")]
    for page in idea_pages:
        if not page.has_object:  # lists, queues, the new-idea form, the similar-ideas hint
            response = outsider.get(page.url, {"title": "车间照明", "problem": "照明不足"})
            assert response.status_code in {200, 403}, (page.url, response.status_code)
            leaked = [marker for marker in markers() if marker in response.content.decode()]
            assert not leaked, (page.url, leaked)
            continue
        assert outsider.get(page.url).status_code in {403, 404, 405}, page.url  # 403: officer pages
        assert outsider.post(page.url, form_post()).status_code in {403, 404, 405}, page.url
    assert snapshot(xian) == before
