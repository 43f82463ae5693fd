"""Account pages: sign in (with lockout), sign out, password change and API tokens."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import ApiToken
from gonghui.core.models import AuditEntry
from gonghui.testing import PASSWORD, client_for

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_login_page_renders_in_both_languages(world, client, en_client):
    assert client.get(LOGIN).status_code == 200
    assert "Sign in" in en_client.get(LOGIN).content.decode()


def test_officer_lands_on_the_dashboard_after_signing_in(city_admin, client):
    r = client.post(LOGIN, {"username": "xian", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == reverse("dashboard")
    assert client.session[SESSION_KEY] == str(city_admin.pk)


def test_plain_member_lands_on_the_service_hall(world, client):
    r = client.post(LOGIN, {"username": "member", "password": PASSWORD}, follow=True)
    assert r.redirect_chain == [(reverse("dashboard"), 302)]
    assert r.status_code == 200 and r.context["hall"]["member"] == world.members["xian_worker"]


def test_sign_in_follows_a_safe_next_address_only(world, client):
    r = client.post(
        LOGIN + "?next=/me/card/", {"username": "member", "password": PASSWORD, "next": "/me/card/"}
    )
    assert r["Location"] == "/me/card/"
    other = Client()
    r = other.post(LOGIN, {"username": "member", "password": PASSWORD, "next": "https://evil.example/"})
    assert r["Location"] == reverse("dashboard")


def test_wrong_password_gives_a_generic_error_that_mentions_the_lock(world, en_client, settings):
    r = en_client.post(LOGIN, {"username": "xian", "password": "wrong"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Wrong username or password" in html
    assert f"locked for {settings.GONGHUI_LOGIN_LOCK_MINUTES} minutes" in html
    unknown = en_client.post(LOGIN, {"username": "nobody", "password": "wrong"}).content.decode()
    assert "Wrong username or password" in unknown


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(
    city_admin, en_client, settings
):
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        en_client.post(LOGIN, {"username": "xian", "password": "wrong"})
    user = city_admin
    user.refresh_from_db()
    assert user.is_locked
    r = en_client.post(LOGIN, {"username": "xian", "password": PASSWORD})
    assert r.status_code == 200
    assert SESSION_KEY not in en_client.session
    assert "locked" in r.content.decode()
    assert AuditEntry.objects.filter(action="accounts.user.locked", object_id=str(user.pk)).exists()


def test_failures_through_the_token_endpoint_lock_the_login_page_too(world, client, settings):
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        r = client.post(
            "/api/v1/auth/token", {"username": "xian", "password": "wrong"}, content_type="application/json"
        )
        assert r.status_code == 400
    r = client.post(
        "/api/v1/auth/token", {"username": "xian", "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 429 and r.json()["code"] == "throttled"
    page = client.post(LOGIN, {"username": "xian", "password": PASSWORD})
    assert page.status_code == 200 and SESSION_KEY not in client.session


def test_logout_needs_a_post(world):
    c = client_for("xian", language="en")
    assert c.get("/accounts/logout/").status_code == 405
    assert SESSION_KEY in c.session
    r = c.post("/accounts/logout/")
    assert r.status_code == 302 and r["Location"] == reverse("accounts:login")
    assert SESSION_KEY not in c.session


# ---- password change ---------------------------------------------------------------------


def test_password_change_keeps_the_user_signed_in(member_user):
    user = member_user
    c = client_for(user, language="en")
    r = c.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Lao-dong-2025!", "new_password2": "Lao-dong-2025!"},
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Lao-dong-2025!")
    assert "Your password has been changed" in c.get("/accounts/password/").content.decode()
    assert c.get("/me/").status_code == 200  # the session survived
    assert AuditEntry.objects.filter(action="accounts.user.password_changed", object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        (
            {"old_password": "nope", "new_password1": "Lao-dong-2025!", "new_password2": "Lao-dong-2025!"},
            "old_password",
            "not correct",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "Lao-dong-2025!", "new_password2": "Lao-dong-2026!"},
            "new_password2",
            "differ",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"},
            "new_password1",
            "too short",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "12345678901", "new_password2": "12345678901"},
            "new_password1",
            "numeric",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "", "new_password2": ""},
            "new_password1",
            "Please fill in",
        ),
    ],
)
def test_a_rejected_password_change_shows_why_and_keeps_the_old_password(member_user, data, field, text):
    user = member_user
    c = client_for(user, language="en")
    r = c.post("/accounts/password/", data)
    assert r.status_code == 200
    assert text in " ".join(r.context["form"].errors[field])
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_page_needs_a_login(world, client):
    assert client.get("/accounts/password/")["Location"].startswith(reverse("accounts:login"))


# ---- API tokens --------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_works_until_revoked(city_admin):
    c = client_for("xian", language="en")
    r = c.post("/accounts/tokens/", {"name": "数据同步", "days": "30"})
    assert r.status_code == 200
    secret = r.context["secret"]
    assert secret.startswith("gh_") and secret in r.content.decode()
    token = ApiToken.objects.get(user=city_admin, name="数据同步")
    assert token.expires_at is not None
    listing = c.get("/accounts/tokens/").content.decode()
    assert secret not in listing and token.prefix in listing and "数据同步" in listing

    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/members").status_code == 200

    r = c.post(reverse("accounts:token_revoke", kwargs={"token_id": token.pk}))
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in c.get("/accounts/tokens/").content.decode()
    denied = api.get("/api/v1/members")
    assert denied.status_code == 401 and denied.json()["code"] == "unauthenticated"


def test_a_token_without_a_name_is_not_made(world):
    c = client_for("xian", language="en")
    r = c.post("/accounts/tokens/", {"name": "", "days": "30"})
    assert r.status_code == 200 and "name" in r.context["form"].errors
    assert not r.context["secret"]
    assert ApiToken.objects.count() == 0


def test_a_token_can_be_made_without_expiry(world):
    c = client_for("xian", language="en")
    c.post("/accounts/tokens/", {"name": "长期", "days": ""})
    assert ApiToken.objects.get(name="长期").expires_at is None


def test_nobody_can_revoke_another_users_token(city_admin):
    from gonghui.accounts.services import token_create

    token, _secret = token_create(actor=city_admin, name="mine")
    r = client_for("baoji", language="en").post(
        reverse("accounts:token_revoke", kwargs={"token_id": token.pk})
    )
    assert r.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_a_post(city_admin):
    from gonghui.accounts.services import token_create

    token, _secret = token_create(actor=city_admin, name="mine")
    assert (
        client_for("xian", language="en")
        .get(reverse("accounts:token_revoke", kwargs={"token_id": token.pk}))
        .status_code
        == 405
    )


def test_tokens_page_needs_a_login(world, client):
    assert client.get("/accounts/tokens/")["Location"].startswith(reverse("accounts:login"))


def test_a_form_sent_without_its_security_token_explains_itself_and_saves_nothing(world):
    from gonghui.members.models import Enrolment

    c = Client(enforce_csrf_checks=True)
    r = c.post(reverse("members:join"), {"name": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 403
    assert "Nothing was saved" in r.content.decode()
    assert Enrolment.objects.count() == 0
