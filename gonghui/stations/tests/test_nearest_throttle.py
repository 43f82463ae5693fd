"""The nearest-station limit (audit defect 4): anonymous callers are counted per client address
at GONGHUI_STATIONS_NEAREST_RATE a minute; signed-in callers (browser session or bearer
token) are not held to it — each has a per-user limit of its own."""

import pytest
from django.test import Client

from gonghui.accounts.services import token_create

pytestmark = pytest.mark.django_db

NEAREST = "/api/v1/stations/nearest"
POINT = {"lat": "34.2611", "lng": "108.9422"}


def statuses(c: Client, n: int) -> list[int]:
    return [c.get(NEAREST, POINT).status_code for _ in range(n)]


def test_signed_in_officers_are_not_held_to_the_anonymous_rate(city_admin, sibling_city_admin, settings):
    settings.GONGHUI_STATIONS_NEAREST_RATE = 2
    session = Client(REMOTE_ADDR="203.0.113.5")
    session.force_login(city_admin)
    _token, secret = token_create(actor=sibling_city_admin, name="map")
    bearer = Client(REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert statuses(session, 5) == [200] * 5
    assert statuses(bearer, 5) == [200] * 5
    # The anonymous caller on the same address still has its own two a minute.
    assert statuses(Client(REMOTE_ADDR="203.0.113.5"), 3) == [200, 200, 429]


def test_signed_in_callers_have_a_per_user_limit(city_admin, sibling_city_admin, settings):
    settings.GONGHUI_STATIONS_NEAREST_USER_RATE = 3
    first = Client(REMOTE_ADDR="203.0.113.5")
    first.force_login(city_admin)
    assert statuses(first, 4) == [200, 200, 200, 429]
    # The same user from another address shares the count; another user does not.
    again = Client(REMOTE_ADDR="198.51.100.20")
    again.force_login(city_admin)
    assert statuses(again, 1) == [429]
    other = Client(REMOTE_ADDR="203.0.113.5")
    other.force_login(sibling_city_admin)
    assert statuses(other, 1) == [200]


def test_a_bad_token_is_counted_as_anonymous(world, settings):
    settings.GONGHUI_STATIONS_NEAREST_RATE = 1
    c = Client(REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer gh_not-a-token")
    assert statuses(c, 2) == [200, 429]


def test_anonymous_callers_behind_a_trusted_proxy_are_counted_per_client(world, settings):
    settings.GONGHUI_STATIONS_NEAREST_RATE = 1
    settings.GONGHUI_TRUSTED_PROXY_COUNT = 1
    first = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert statuses(first, 2) == [200, 429]
    assert statuses(second, 1) == [200]
