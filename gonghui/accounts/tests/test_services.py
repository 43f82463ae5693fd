"""Account services: lockout counting, password change and API tokens."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from gonghui.accounts import services
from gonghui.accounts.models import ApiToken, User
from gonghui.core import throttle
from gonghui.core.models import AuditEntry
from gonghui.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return make_user("worker")


def test_failures_below_the_limit_do_not_lock(user, settings):
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES - 1):
        services.login_failed(username="worker")
    user.refresh_from_db()
    assert not user.is_locked
    assert user.failed_logins == settings.GONGHUI_LOGIN_MAX_FAILURES - 1


def test_reaching_the_limit_locks_for_the_configured_minutes(user, settings):
    before = timezone.now()
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        services.login_failed(username="worker")
    user.refresh_from_db()
    assert user.is_locked
    expected = before + datetime.timedelta(minutes=settings.GONGHUI_LOGIN_LOCK_MINUTES)
    assert abs((user.locked_until - expected).total_seconds()) < 5
    assert AuditEntry.objects.filter(action="accounts.user.locked").count() == 1


def test_a_locked_account_refuses_the_right_password(user, settings):
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        assert authenticate(username="worker", password="bad") is None
    assert authenticate(username="worker", password=PASSWORD) is None


def test_the_lock_ends_after_its_time(user, settings, monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr(throttle, "now", lambda: clock[0])
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        services.login_failed(username="worker")
    assert authenticate(username="worker", password=PASSWORD) is None
    clock[0] += settings.GONGHUI_LOGIN_LOCK_MINUTES * 60
    assert authenticate(username="worker", password=PASSWORD) == user


def test_old_failures_outside_the_window_are_forgotten(user, settings, monkeypatch):
    clock = [1_800_000_000.0]  # the start of a counting window
    monkeypatch.setattr(throttle, "now", lambda: clock[0])
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES - 1):
        services.login_failed(username="worker")
    clock[0] += settings.GONGHUI_LOGIN_LOCK_MINUTES * 60
    services.login_failed(username="worker")
    user.refresh_from_db()
    assert user.failed_logins == 1 and not user.is_locked
    assert authenticate(username="worker", password=PASSWORD) == user


def test_a_successful_login_clears_the_failure_count(user):
    services.login_failed(username="worker")
    assert authenticate(username="worker", password=PASSWORD) == user
    user.refresh_from_db()
    assert user.failed_logins == 0


def test_failures_for_an_unknown_username_write_nothing_and_lock_the_name_like_a_known_one(user, settings):
    # No user row is made or touched and nothing is audited for a name nobody has; yet the
    # name is locked after as many failures as a real one, so a lock does not tell a guesser
    # whether the login exists.
    users = list(User.objects.values_list("username", "failed_logins", "last_failed_login", "locked_until"))
    audited = AuditEntry.objects.count()
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES - 1):
        services.login_failed(username="nobody")
    assert services.login_refusal(address="unknown", username="nobody") is None
    services.login_failed(username="nobody")
    assert services.login_refusal(address="unknown", username="nobody").reason == "name"
    assert services.login_refusal(address="unknown", username="worker") is None
    assert (
        list(User.objects.values_list("username", "failed_logins", "last_failed_login", "locked_until"))
        == users
    )
    assert AuditEntry.objects.count() == audited


def test_only_an_operator_may_unlock(user, settings):
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        services.login_failed(username="worker")
    with pytest.raises(PermissionDenied):
        services.user_unlock(actor=make_user("someone"), user=user)
    services.user_unlock(actor=make_user("root", superuser=True), user=user)
    user.refresh_from_db()
    assert not user.is_locked


def test_password_change_checks_the_current_password_and_the_rules(user):
    with pytest.raises(ValidationError) as wrong:
        services.password_change(actor=user, old_password="nope", new_password="Lao-dong-2025!")
    assert wrong.value.code == "wrong_password"
    with pytest.raises(ValidationError):
        services.password_change(actor=user, old_password=PASSWORD, new_password="123")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    services.password_change(actor=user, old_password=PASSWORD, new_password="Lao-dong-2025!")
    user.refresh_from_db()
    assert user.check_password("Lao-dong-2025!")


def test_a_token_stores_only_a_hash_of_its_secret(user):
    token, secret = services.token_create(actor=user, name="sync", days=30)
    assert secret.startswith("gh_") and token.prefix == secret[:10]
    assert secret not in token.key_hash
    assert services.token_authenticate(secret) == user
    assert services.token_authenticate(secret + "x") is None
    assert services.token_authenticate("") is None


def test_revoked_and_expired_tokens_stop_working(user):
    token, secret = services.token_create(actor=user, name="sync")
    services.token_revoke(actor=user, token=token)
    assert services.token_authenticate(secret) is None
    old, old_secret = services.token_create(actor=user, name="old", days=1)
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.token_authenticate(old_secret) is None


def test_wrong_passwords_do_not_switch_off_an_integrations_token(user, settings):
    _token, secret = services.token_create(actor=user, name="sync")
    for _ in range(settings.GONGHUI_LOGIN_MAX_FAILURES):
        services.login_failed(username="worker")
    user.refresh_from_db()
    assert user.is_locked
    assert services.token_authenticate(secret) == user


def test_a_token_of_a_deactivated_user_stops_working(user):
    _token, secret = services.token_create(actor=user, name="sync")
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert services.token_authenticate(secret) is None


def test_only_the_owner_or_an_operator_may_revoke_a_token(user):
    token, _secret = services.token_create(actor=user, name="sync")
    # anyone else's token is invisible, as to the pages and the API: 404, and nothing written
    with pytest.raises(Http404):
        services.token_revoke(actor=make_user("other"), token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEntry.objects.filter(action="accounts.token.revoked").exists()
    services.token_revoke(actor=make_user("root", superuser=True), token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="accounts.token.revoked", object_id=str(token.pk)).count() == 1
