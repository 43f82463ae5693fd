"""The home page of every role (docs/modules/portal.md): each meets its work, every link it
shows opens for that person, and no officer queue counts another branch's rows."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.utils.translation import gettext_lazy

from gonghui.competitions.tests import helpers as competition_helpers
from gonghui.notifications import services as notification_services
from gonghui.organisations.choices import Role
from gonghui.portal import selectors
from gonghui.rights.choices import NotificationKind as RightsNotificationKind
from gonghui.testing import client_for, make_user

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    """The hrefs inside <main> (the page's own content, not the shared navigation)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif tag == "a" and self.depth:
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1


def main_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return sorted({urlsplit(h)._replace(fragment="").geturl() for h in parser.hrefs if h.startswith("/")})


def assert_every_link_opens(client, html: str) -> list[str]:
    links = main_links(html)
    assert links, "the page shows no link at all"
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, f"{link} answered {response.status_code}"
    return links


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


# ---- anonymous and visitors ---------------------------------------------------------------


def test_an_anonymous_visitor_gets_the_public_landing_page_instead_of_a_redirect(world):
    client = client_for(None, language="en")
    html = home(client)
    assert "Your trade union, on your phone" in html
    for path in ("/join/", "/stations/", "/rights/new/", "/login/phone/", "/accounts/login/"):
        assert f'href="{path}"' in html, path
    assert_every_link_opens(client, html)


def test_the_landing_page_keeps_the_content_security_policy_without_inline_scripts(world):
    response = client_for(None).get("/")
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []


def test_a_signed_in_visitor_without_a_member_record_sees_the_service_hall_with_join(world):
    visitor = make_user("visitor_phone")
    client = client_for(visitor, language="en")
    html = home(client)
    assert "Service hall" in html
    assert 'href="/join/"' in html and 'href="/me/card/"' not in html
    assert "API tokens" not in html
    assert_every_link_opens(client, html)


# ---- members ------------------------------------------------------------------------------


def test_a_member_home_is_the_service_hall_with_unread_notifications_and_open_competitions(
    world, member_user
):
    notification_services.notify(
        kind=RightsNotificationKind.REQUEST_ACCEPTED,
        user=member_user,
        title=gettext_lazy("Reply"),
        body=gettext_lazy("Reply"),
        params={"number": "R-1", "due": "2026-03-10"},
        channels=(),
    )
    competition_helpers.build(world, n=0, judges=False)  # 陕西 takes registrations: above his union
    client = client_for(member_user, language="en")
    html = home(client)
    assert "Service hall" in html
    assert 'href="/me/card/"' in html and 'href="/join/"' not in html
    assert "1 unread" in html
    assert re.search(
        r'href="/competitions/open/">.*Competitions open to me<span class="count">1</span>', html
    )
    assert "API tokens" not in html
    assert "Queues" not in html and "Statistics" not in html
    assert_every_link_opens(client, html)


def test_competitions_open_to_me_shows_the_eligibility_of_the_member(world, member_user):
    competition_helpers.build(world, n=0, judges=False, min_age=60)
    html = client_for(member_user, language="en").get("/competitions/open/").content.decode()
    assert "焊工技能竞赛" in html
    assert "You do not meet the rules" in html and "older than the minimum age" not in html


def test_a_visitor_opening_competitions_open_to_me_is_told_to_join_first(world):
    response = client_for(make_user("visitor_c"), language="en").get("/competitions/open/")
    assert response.status_code == 200
    assert "Join the union first" in response.content.decode()


def test_the_dues_calculator_opens_for_everyone_and_counts_as_the_members_app_does(world):
    html = client_for(None).get("/dues/", {"monthly_wage": "5678.90"}).content.decode()
    assert "28.35" in html
    bad = client_for(None, language="en").get("/dues/", {"monthly_wage": "abc"})
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()


# ---- roles --------------------------------------------------------------------------------


def test_an_officer_home_shows_the_queues_and_the_statistics(xian, city_admin):
    client = client_for(city_admin, language="en")
    html = home(client)
    for label in (
        "Applications to join",
        "Transfers",
        "Requests",
        "Hardship files in progress",
        "Station repair tickets",
        "Statistics",
    ):
        assert label in html, label
    assert "API tokens" in html
    assert_every_link_opens(client, html)


def test_a_viewer_home_shows_the_statistics_and_no_queue(world, city_viewer):
    client = client_for(city_viewer, language="en")
    html = home(client)
    assert "Statistics" in html and "西安市总工会" in html
    assert "Queues" not in html
    assert_every_link_opens(client, html)


def test_the_officer_queues_never_count_another_branchs_rows(
    xian, city_admin, sibling_admin, sibling_city_admin
):
    own = {q.key: q.count for q in selectors.officer_queues(city_admin)}
    assert own["tickets"] >= 1 and own["requests"] >= 1 and "households" in own
    for sibling in (sibling_admin, sibling_city_admin):
        counts = {q.key: q.count for q in selectors.officer_queues(sibling)}
        assert set(counts) == set(own)
        assert all(n == 0 for n in counts.values()), (sibling.username, counts)
    html = home(client_for(sibling_admin, language="en"))
    queues = html.split('id="queues-title"')[1].split("</section>")[0]
    assert re.findall(r'<div class="n">(\d+)</div>', queues) == ["0"] * len(own)


def test_a_station_keeper_home_lists_their_stations_and_open_tickets(xian):
    client = client_for("walk_keeper", language="en")
    html = home(client)
    assert "My stations" in html and "Open repair tickets" in html
    assert xian["number"] in html
    assert "API tokens" not in html
    assert_every_link_opens(client, html)


def test_a_supervisor_home_lists_the_pending_appeals_and_objections(xian, world):
    supervisor = competition_helpers.make_user_with_role(world, "sup", "shaanxi", Role.SUPERVISOR)
    client = client_for(supervisor, language="en")
    html = home(client)
    assert "To decide" in html
    assert "西安市焊工技能竞赛" in html  # the appeal's competition
    assert f"/honours/lists/{xian['list_id']}/" in html
    assert "No appeal waits" not in html and "No objection waits" not in html
    assert_every_link_opens(client, html)
    # the sibling province's supervisor sees none of them
    gansu = competition_helpers.make_user_with_role(world, "sup_gansu", "gansu", Role.SUPERVISOR)
    html = home(client_for(gansu, language="en"))
    assert "No appeal waits" in html and "No objection waits" in html


def test_a_judge_home_lists_the_competitions_with_sheets_to_mark(world):
    s = competition_helpers.build(world, n=2)
    competition_helpers.start_marking(world, s)
    client = client_for("j1", language="en")
    html = home(client)
    assert "My marking sheets" in html and "4 sheets to mark" in html
    assert_every_link_opens(client, html)
