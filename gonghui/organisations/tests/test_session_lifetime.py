"""Session lifetime by role: officers are signed out after the idle and absolute limits,
members keep the longer GONGHUI_SESSION_HOURS."""

import time

import pytest
from django.conf import settings
from django.test import override_settings

from gonghui.organisations.middleware import SEEN_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db


def _age(client, **shift_minutes):
    """Move the session's recorded sign-in and last-request times into the past."""
    session = client.session
    for key, minutes in (("signed_in", SIGNED_IN_AT), ("seen", SEEN_AT)):
        if key in shift_minutes:
            session[minutes] = time.time() - shift_minutes[key] * 60
    session.save()


@override_settings(GONGHUI_OFFICER_IDLE_MINUTES=30, GONGHUI_OFFICER_SESSION_MINUTES=480)
def test_an_officer_is_signed_out_after_thirty_idle_minutes(client, city_officer):
    client.force_login(city_officer)
    assert client.get("/members/").status_code == 200
    _age(client, signed_in=45, seen=31)
    response = client.get("/members/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    # Signing out ends the session: it cannot be brought back by coming back sooner.
    assert client.get("/members/").status_code == 302


@override_settings(GONGHUI_OFFICER_IDLE_MINUTES=30, GONGHUI_OFFICER_SESSION_MINUTES=480)
def test_an_active_officer_is_signed_out_after_the_absolute_limit(client, province_admin):
    client.force_login(province_admin)
    client.get("/members/")
    _age(client, signed_in=481, seen=1)
    response = client.get("/api/v1/members")
    assert response.status_code == 401
    assert client.get("/members/").status_code == 302


@override_settings(GONGHUI_OFFICER_IDLE_MINUTES=30, GONGHUI_OFFICER_SESSION_MINUTES=480)
def test_an_officer_session_is_stored_to_expire_with_the_idle_window(client, city_officer):
    client.force_login(city_officer)
    response = client.get("/members/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert 29 * 60 <= int(cookie["max-age"]) <= 30 * 60
    assert 29 * 60 <= client.session.get_expiry_age() <= 30 * 60
    # Active within the window: still signed in, and the window slides.
    _age(client, signed_in=100, seen=20)
    assert client.get("/members/").status_code == 200
    assert client.session[SEEN_AT] > time.time() - 60


@override_settings(GONGHUI_OFFICER_IDLE_MINUTES=30, GONGHUI_OFFICER_SESSION_MINUTES=40)
def test_the_absolute_limit_caps_the_stored_expiry(client, city_officer):
    client.force_login(city_officer)
    client.get("/members/")
    _age(client, signed_in=30, seen=2)
    client.get("/members/")
    assert client.session.get_expiry_age() <= 10 * 60


@override_settings(GONGHUI_OFFICER_IDLE_MINUTES=30, GONGHUI_OFFICER_SESSION_MINUTES=480)
def test_a_member_stays_signed_in_past_the_officer_limits(client, member_user):
    client.force_login(member_user)
    assert client.get("/me/").status_code == 200
    _age(client, signed_in=600, seen=120)
    assert client.get("/me/").status_code == 200
    assert client.session.get_expiry_age() == settings.GONGHUI_SESSION_HOURS * 3600


def test_a_member_session_lasts_the_configured_hours_by_default():
    assert settings.GONGHUI_SESSION_HOURS == 168
    assert settings.SESSION_COOKIE_AGE == 168 * 3600
    assert settings.GONGHUI_OFFICER_IDLE_MINUTES == 30 and settings.GONGHUI_OFFICER_SESSION_MINUTES == 480


def test_an_operator_gets_the_officer_limits(client, world):
    operator = world.users["operator"]
    client.force_login(operator)
    client.get("/audit/")
    _age(client, signed_in=45, seen=31)
    assert client.get("/audit/").status_code == 302  # signed out: the sign-in page
