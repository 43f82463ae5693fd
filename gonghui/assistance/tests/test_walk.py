"""Assistance in the URL walk (gonghui/tests/urlwalk.py): the worker's application page is
open to any signed-in user by design, without anyone else's file; a sibling cannot set the 低保
of 西安."""

import pytest
from django.urls import reverse

from gonghui.testing import client_for
from gonghui.tests.urlwalk import SIBLINGS, form_post, html_urls, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_application_page_shows_no_one_elses_file(world, xian, visitor):
    """PUBLIC_PAGES of 帮扶: the application page sends an anonymous visitor to log in and
    shows an officer without a member record no file — not 张伟's bank card, family or request;
    a POST of the walk's form writes nothing."""
    client = client_for(visitor)
    before = snapshot(xian)
    apply = reverse("assistance:apply")
    assert {page.url for page in html_urls(xian, public=True) if page.app == "assistance"} == {apply}
    secrets = [*xian["request_secrets"], *xian["household_secrets"], "张小明"]
    response = client.get(apply)
    if visitor is None:
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 200, response.status_code
        leaked = [secret for secret in secrets if secret in response.content.decode()]
        assert not leaked, leaked
        posted = client.post(apply, form_post())
        assert posted.status_code in {200, 302, 400}, posted.status_code
        leaked = [secret for secret in secrets if secret in posted.content.decode()]
        assert not leaked, leaked
    assert snapshot(xian) == before


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_sibling_admins_cannot_set_the_dibao_of_xian(world, xian, sibling):
    """The 低保 form takes no object in its URL but names 西安's division in its input: refused,
    nothing written."""
    client = client_for(sibling)
    before = snapshot(xian)
    dibao = {"division_code": "610100", "effective_from": "2026-01-01", "monthly": "955"}
    got = client.post(reverse("assistance:dibao"), dibao).status_code
    assert got in {400, 403, 404}, got
    assert snapshot(xian) == before
