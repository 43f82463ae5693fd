"""Sign-in limits (audit defect 4): failures are counted per client address and user name, so
a stranger can lock only their own attempts, never the real user signing in from elsewhere;
one address is limited whatever the user names it tries; the login page and
``POST /api/v1/auth/token`` share the counts; locked attempts answer 429 on the API and a clear
message on the page."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from gonghui.accounts import services
from gonghui.core import throttle
from gonghui.core.models import AuditEntry
from gonghui.testing import PASSWORD, client_for

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"
STRANGER = "203.0.113.9"
HOME = "198.51.100.20"


def client(address: str, **extra) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **extra)


def token(c: Client, username: str, password: str):
    return c.post(TOKEN, {"username": username, "password": password}, content_type="application/json")


@pytest.fixture
def clock(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle, "now", lambda: now[0])
    return now


def test_a_stranger_cannot_lock_out_the_real_user_signing_in_from_elsewhere(city_admin, settings):
    stranger = client(STRANGER)
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES * 3):
        stranger.post(LOGIN, {"username": "xian", "password": "wrong"})
        token(stranger, "xian", "wrong")
    real = client(HOME)
    r = real.post(LOGIN, {"username": "xian", "password": PASSWORD})
    assert r.status_code == 302 and real.session[SESSION_KEY] == str(city_admin.pk)
    assert token(client(HOME), "xian", PASSWORD).status_code == 200


def test_failures_lock_that_address_for_that_user_name_only(world, settings):
    stranger = client(STRANGER)
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        r = stranger.post(LOGIN, {"username": "xian", "password": "wrong"})
        assert r.status_code == 200 and "Wrong username or password" in r.content.decode()
    # The right password from that address is refused now, with a clear message …
    r = stranger.post(LOGIN, {"username": "xian", "password": PASSWORD})
    assert r.status_code == 200 and SESSION_KEY not in stranger.session
    html = r.content.decode()
    assert "Too many failed sign-ins" in html and f"{settings.GONGHUI_LOGIN_LOCK_MINUTES} minutes" in html
    # … and on the API (the counts are shared) …
    r = token(stranger, "xian", PASSWORD)
    assert r.status_code == 429 and r.json()["code"] == "throttled" and r.json()["detail"]
    # … but another user name from that address still signs in.
    assert token(stranger, "baoji", PASSWORD).status_code == 200


def test_the_lock_message_is_in_chinese_by_default(world, settings):
    stranger = Client(REMOTE_ADDR=STRANGER)
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        stranger.post(LOGIN, {"username": "xian", "password": "wrong"})
    html = stranger.post(LOGIN, {"username": "xian", "password": PASSWORD}).content.decode()
    assert "登录失败次数过多" in html


def test_unknown_user_names_are_locked_exactly_like_known_ones(world, settings):
    stranger = client(STRANGER)
    for name in ("xian", "no-such-user"):
        for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
            assert token(stranger, name, "wrong").status_code == 400
        r = token(stranger, name, "wrong")
        assert (r.status_code, r.json()["code"]) == (429, "throttled")


def test_the_lock_ends_after_its_time(world, settings, clock):
    stranger = client(STRANGER)
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        token(stranger, "xian", "wrong")
    assert token(stranger, "xian", PASSWORD).status_code == 429
    clock[0] += settings.GONGHUI_LOGIN_LOCK_MINUTES * 60 - 1
    assert token(stranger, "xian", PASSWORD).status_code == 429
    clock[0] += 1
    assert token(stranger, "xian", PASSWORD).status_code == 200


def test_one_address_is_limited_whatever_the_user_names(world, settings):
    settings.GONGHUI_LOGIN_ADDRESS_MAX_FAILURES = 12
    stranger = client(STRANGER)
    codes = [token(stranger, f"guess{n}", "wrong").status_code for n in range(13)]
    assert codes == [400] * 12 + [429]
    # The address is refused even for a real user with the right password …
    assert token(stranger, "xian", PASSWORD).status_code == 429
    html = stranger.post(LOGIN, {"username": "xian", "password": PASSWORD}).content.decode()
    assert "Too many failed sign-ins from your network" in html
    # … other addresses are not.
    assert token(client(HOME), "xian", PASSWORD).status_code == 200


def test_the_address_limit_ends_with_its_window(world, settings, clock):
    settings.GONGHUI_LOGIN_ADDRESS_MAX_FAILURES = 3
    stranger = client(STRANGER)
    for n in range(3):
        token(stranger, f"guess{n}", "wrong")
    assert token(stranger, "xian", PASSWORD).status_code == 429
    clock[0] += settings.GONGHUI_LOGIN_ADDRESS_WINDOW_MINUTES * 60
    assert token(stranger, "xian", PASSWORD).status_code == 200


def test_successful_sign_ins_do_not_count_against_the_address(world, settings):
    settings.GONGHUI_LOGIN_ADDRESS_MAX_FAILURES = 3
    office = client(HOME)  # one NAT address for a whole office
    for _ in range(10):
        assert token(office, "xian", PASSWORD).status_code == 200


def test_a_successful_sign_in_clears_the_count_for_that_address_and_user_name(world, settings):
    c = client(HOME)
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES - 1):
        token(c, "xian", "wrong")
    assert token(c, "xian", PASSWORD).status_code == 200
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES - 1):
        token(c, "xian", "wrong")
    assert token(c, "xian", PASSWORD).status_code == 200


def test_a_lock_is_audited_with_the_network_and_a_reference_not_the_address(city_admin, settings):
    stranger = client(STRANGER)
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        token(stranger, "xian", "wrong")
    entry = AuditEntry.objects.get(action="accounts.user.locked", object_id=str(city_admin.pk))
    text = str(entry.changes)
    assert STRANGER not in text and "203.0.113.0/24" in text
    assert len(entry.changes["from_address_ref"][1]) == 12
    # Locks of unknown user names are not audited (there is no account to attach them to).
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        token(stranger, "no-such-user", "wrong")
    assert AuditEntry.objects.filter(action="accounts.user.locked").count() == 1


def test_the_operator_unlock_lifts_every_lock_on_that_user_name(city_admin, settings):
    first, second = client(STRANGER), client("203.0.113.77")
    for c in (first, second):
        for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
            token(c, "xian", "wrong")
        assert token(c, "xian", PASSWORD).status_code == 429
    user = city_admin
    user.refresh_from_db()
    assert user.is_locked  # the operator sees that someone is locked out of this login
    operator = client_for("operator", language="en")
    r = operator.post(
        "/ops/admin/accounts/user/", {"action": "unlock", "_selected_action": [str(user.pk)]}, follow=True
    )
    assert r.status_code == 200 and "Lockouts lifted" in r.content.decode()
    user.refresh_from_db()
    assert not user.is_locked
    for c in (first, second):
        assert token(c, "xian", PASSWORD).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.user.unlocked", object_id=str(user.pk)).count() == 1


def test_after_an_unlock_the_count_starts_again(world, city_admin, settings):
    stranger = client(STRANGER)
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        token(stranger, "xian", "wrong")
    services.user_unlock(actor=world.users["operator"], user=city_admin)
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES - 1):
        assert token(stranger, "xian", "wrong").status_code == 400
    assert token(stranger, "xian", PASSWORD).status_code == 200


def test_behind_a_trusted_proxy_each_client_has_its_own_count(world, settings):
    settings.GONGHUI_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    stranger = client(proxy, HTTP_X_FORWARDED_FOR=STRANGER)
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        token(stranger, "xian", "wrong")
    assert token(stranger, "xian", PASSWORD).status_code == 429
    assert token(client(proxy, HTTP_X_FORWARDED_FOR=HOME), "xian", PASSWORD).status_code == 200


def test_a_forged_forwarded_for_does_not_escape_the_count(world, settings):
    for n in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        token(client(STRANGER, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"), "xian", "wrong")
    assert token(client(STRANGER, HTTP_X_FORWARDED_FOR="198.51.100.99"), "xian", PASSWORD).status_code == 429
