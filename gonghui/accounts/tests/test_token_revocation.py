"""API tokens die with the password they were issued under (audit defect 3): a password change
through the service, an operator's reset in the Django admin, ``manage.py changepassword``,
``set_password()`` anywhere and deactivation all stop every token of that user, as they stop
the user's other browser sessions. A stronger hash of the same password (Django rehashes on
sign-in after an upgrade) is not a password change and keeps them."""

import pytest
from django.contrib.auth.management.commands import changepassword
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts import services
from gonghui.accounts.models import ApiToken
from gonghui.core.models import AuditEntry
from gonghui.testing import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lao-dong-2025!"


@pytest.fixture
def user():
    return make_user("worker")


@pytest.fixture
def operator():
    return make_user("root", superuser=True)


def _bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def test_password_change_revokes_every_api_token(user):
    first, first_secret = services.token_create(actor=user, name="sync")
    second, second_secret = services.token_create(actor=user, name="report", days=30)
    services.password_change(actor=user, old_password=PASSWORD, new_password=NEW_PASSWORD)
    assert services.token_authenticate(first_secret) is None
    assert services.token_authenticate(second_secret) is None
    for token in (first, second):
        token.refresh_from_db()
        assert token.revoked_at is not None
        entry = AuditEntry.objects.get(action="accounts.token.revoked", object_id=str(token.pk))
        assert entry.actor == user and "password" in entry.reason


def test_a_token_made_after_a_password_change_works(user):
    services.password_change(actor=user, old_password=PASSWORD, new_password=NEW_PASSWORD)
    user.refresh_from_db()
    _token, secret = services.token_create(actor=user, name="new")
    assert services.token_authenticate(secret) == user


def test_a_rejected_password_change_keeps_the_tokens(user):
    token, secret = services.token_create(actor=user, name="sync")
    with pytest.raises(Exception):  # noqa: B017 — the wrong current password
        services.password_change(actor=user, old_password="nope", new_password=NEW_PASSWORD)
    assert services.token_authenticate(secret) == user
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEntry.objects.filter(action="accounts.token.revoked").exists()


def test_set_password_anywhere_stops_the_tokens(user):
    _token, secret = services.token_create(actor=user, name="sync")
    user.set_password(NEW_PASSWORD)
    user.save()
    assert services.token_authenticate(secret) is None
    assert _bearer(secret).get("/api/v1/auth/tokens").status_code == 401


def test_changepassword_command_stops_the_tokens(user, monkeypatch):
    _token, secret = services.token_create(actor=user, name="sync")
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": NEW_PASSWORD)
    call_command("changepassword", "worker", stdout=None)
    assert services.token_authenticate(secret) is None


def test_an_operator_reset_in_the_admin_stops_and_revokes_the_tokens(user, operator):
    token, secret = services.token_create(actor=user, name="sync")
    url = f"/ops/admin/accounts/user/{user.pk}/password/"
    r = client_for(operator, language="en").post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert services.token_authenticate(secret) is None
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="accounts.user.password_reset", object_id=str(user.pk)).exists()
    revoked = AuditEntry.objects.get(action="accounts.token.revoked", object_id=str(token.pk))
    assert revoked.actor == operator


def test_a_failed_admin_reset_changes_nothing(user, operator):
    token, secret = services.token_create(actor=user, name="sync")
    url = f"/ops/admin/accounts/user/{user.pk}/password/"
    r = client_for(operator, language="en").post(
        url, {"password1": NEW_PASSWORD, "password2": "different", "usable_password": "true"}
    )
    assert r.status_code == 200
    assert services.token_authenticate(secret) == user
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEntry.objects.filter(
        action__in=["accounts.user.password_reset", "accounts.token.revoked"]
    ).exists()


def test_deactivating_a_login_in_the_admin_revokes_its_tokens(user, operator):
    token, secret = services.token_create(actor=user, name="sync")
    url = reverse("admin:accounts_user_change", args=[user.pk])
    r = client_for(operator, language="en").post(
        url,
        {
            "username": "worker",
            "display_name": "",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    user.refresh_from_db()
    assert not user.is_active
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.token_authenticate(secret) is None
    # Switching the login back on does not bring old tokens back.
    type(user).objects.filter(pk=user.pk).update(is_active=True)
    assert services.token_authenticate(secret) is None


def test_a_stronger_hash_of_the_same_password_keeps_the_tokens(user, settings):
    from django.contrib.auth import authenticate

    # Issued under a weak hash; signing in rehashes with the preferred (first) hasher, as
    # Django does after an upgrade raises the iterations. The password itself is unchanged.
    _token, secret = services.token_create(actor=user, name="sync")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    before = user.password
    assert authenticate(username="worker", password=PASSWORD) is not None
    user.refresh_from_db()
    assert user.password != before and user.password.startswith("pbkdf2_")
    assert services.token_authenticate(secret) == user


def test_the_tokens_page_shows_tokens_stopped_by_a_password_change(user):
    services.token_create(actor=user, name="sync")
    user.set_password(NEW_PASSWORD)
    user.save()
    c = client_for(user, language="en")
    html = c.get("/accounts/tokens/").content.decode()
    assert "Stopped by a password change" in html
    assert ">Active<" not in html
    listing = c.get("/api/v1/auth/tokens").json()
    assert listing[0]["revoked"] is True


def test_a_token_keeps_working_through_unrelated_profile_changes(user):
    _token, secret = services.token_create(actor=user, name="sync")
    user.display_name = "曾乐"
    user.save()
    assert services.token_authenticate(secret) == user
    assert ApiToken.objects.get().revoked_at is None
