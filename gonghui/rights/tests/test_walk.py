"""Rights in the URL walk (gonghui/tests/urlwalk.py): the worker's pages and operations are
open to everyone by design, without personal data; a sibling cannot create a practical need of
西安 through the form."""

import pytest
from django.urls import reverse

from gonghui.testing import client_for, make_phone
from gonghui.tests.urlwalk import SIBLINGS, api_operations, call, form_post, html_urls, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_workers_rights_pages_are_open_and_show_no_personal_data(world, xian, visitor):
    """PUBLIC_PAGES of 维权: the filing form and the union's practical needs are open to
    anyone, the request's progress page to whoever holds its id — with the name and phone
    masked, without the story, the referral reason or the legal-aid details. None of them
    shows the household's bank card, and a POST of the walk's form writes nothing."""
    client = client_for(visitor)
    before = snapshot(xian)
    pages = {page.url for page in html_urls(xian, public=True) if page.app == "rights"}
    status = reverse("rights:status", kwargs={"request_id": xian["request_id"]})
    needs = reverse("rights:needs_public", kwargs={"code": "610100"})
    find = reverse("rights:find")
    assert pages == {reverse("rights:file"), status, find, needs}
    secrets = [*xian["request_secrets"], *xian["household_secrets"], "张小明"]
    for url in (reverse("rights:file"), status, find, needs):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        leaked = [secret for secret in secrets if secret in body]
        assert not leaked, (url, leaked)
        if url == status:
            assert "钱**" in body or "钱*" in body, "the progress page shows the masked name"
        if url == needs:
            assert "西安职工食堂改造" in body  # the need itself is public by design
        posted = client.post(url, form_post())
        assert posted.status_code in {200, 302, 400}, (url, posted.status_code)
        leaked = [secret for secret in secrets if secret in posted.content.decode()]
        assert not leaked, (url, leaked)
    assert snapshot(xian) == before
    assert client.get(reverse("rights:status", kwargs={"request_id": xian["need_id"]})).status_code == 404


@pytest.mark.parametrize("visitor", [None, *SIBLINGS])
def test_the_public_rights_api_writes_nothing_for_a_xian_request_and_shows_no_personal_data(
    world, xian, visitor
):
    """API_PUBLIC: anyone files a request (walked by the rights tests) and rates one by its
    id; rating 西安's open request is refused without showing anything of it."""
    client = client_for(visitor)
    before = snapshot(xian)
    operations = {(o.method, o.path) for o in api_operations(xian, public=True) if o.app == "rights"}
    assert operations == {("POST", "requests"), ("POST", "requests/{request_id}/rate")}
    rate = reverse("api:rate_request", kwargs={"request_id": xian["request_id"]})
    response = call(client, "POST", rate, {"rating": 5, "phone": make_phone(75)})
    assert response.status_code in {400, 403, 404}, (rate, response.status_code)
    leaked = [secret for secret in xian["request_secrets"] if secret in response.content.decode()]
    assert not leaked, leaked
    filed = call(client, "POST", reverse("api:file_request"), {"category": "complaint"})
    assert filed.status_code in {400, 422}, filed.status_code
    assert snapshot(xian) == before


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_sibling_admins_write_nothing_of_xian_through_the_practical_needs_form(world, xian, sibling):
    """The practical-needs form takes no object in its URL but names one in its input: a need of
    西安市总工会, or one of the sibling's own union linked to 西安's request. Each is refused and
    nothing is written."""
    client = client_for(sibling)
    before = snapshot(xian)
    need = {"title": "walk", "owner": "walk", "deadline": "2027-01-01"}
    for data in (
        {**need, "organisation": "610100"},
        {**need, "organisation": world.orgs[sibling].code, "request_id": str(xian["request_id"])},
    ):
        got = client.post(reverse("rights:needs"), data).status_code
        assert got in {400, 403, 404}, (data, got)
    assert snapshot(xian) == before
