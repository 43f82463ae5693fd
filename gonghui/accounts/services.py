"""Account services: login attempts and lockout, password change, API tokens."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import ApiToken
from gonghui.core import audit

User = get_user_model()

TOKEN_PREFIX = "gh_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def login_failed(*, username: str) -> None:
    """Count a failed password for ``username`` (if it exists) and lock it after too many.
    Called by the authentication backend, so the form and the token endpoint share it."""
    now = timezone.now()
    window = datetime.timedelta(minutes=settings.GONGHUI_LOGIN_LOCK_MINUTES)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            return
        if user.last_failed_login and now - user.last_failed_login > window:
            user.failed_logins = 0
        user.failed_logins += 1
        user.last_failed_login = now
        fields = ["failed_logins", "last_failed_login"]
        if user.failed_logins >= settings.GONGHUI_LOGIN_MAX_FAILURES:
            user.locked_until = now + window
            user.failed_logins = 0
            fields.append("locked_until")
            audit.record(
                actor=None,
                action="accounts.user.locked",
                obj=user,
                changes={"locked_until": [None, user.locked_until.isoformat()]},
            )
        user.save(update_fields=fields)


def login_succeeded(*, user) -> None:
    """A correct password clears the failure count and any lock."""
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None, last_failed_login=None)


def user_unlock(*, actor, user) -> None:
    """An operator lifts a lockout early."""
    if not actor.is_superuser:
        raise PermissionDenied
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record(actor=actor, action="accounts.user.unlocked", obj=user)


def password_change(*, actor, old_password: str, new_password: str) -> None:
    """The signed-in user changes their own password (validated by the password validators)."""
    from django.contrib.auth.password_validation import validate_password

    if not actor.check_password(old_password):
        raise ValidationError(_("The current password is not correct."), code="wrong_password")
    validate_password(new_password, actor)
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        audit.record(actor=actor, action="accounts.user.password_changed", obj=actor)


def token_create(*, actor, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Make an API token for ``actor`` and return it with its one-time secret."""
    name = (name or "").strip() or "api"
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + datetime.timedelta(days=days) if days else None
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name[:100], prefix=secret[:10], key_hash=_hash(secret), expires_at=expires
        )
        audit.record(actor=actor, action="accounts.token.created", obj=token)
    return token, secret


def token_revoke(*, actor, token: ApiToken) -> None:
    """Revoke one of the actor's tokens (an operator may revoke anyone's)."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor=actor, action="accounts.token.revoked", obj=token)


def token_authenticate(secret: str):
    """Return the active user for a bearer secret, or None (unknown, revoked or expired
    token, inactive user). Marks the token used at most every five minutes."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(secret)).first()
    # The password lockout guards password logins only: otherwise anyone could switch off an
    # integration by typing wrong passwords for its user.
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def issue_token_for_credentials(*, request, username: str, password: str) -> str:
    """``POST /api/v1/auth/token``: check the password (with lockout) and make a token."""
    from django.contrib.auth import authenticate

    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ValidationError(
            _("Wrong username or password, or the account is locked."), code="bad_credentials"
        )
    _token, secret = token_create(actor=user, name="api-login", days=30)
    return secret


def user_create(
    *,
    actor,
    username: str,
    password: str | None = None,
    password_hash: str | None = None,
    display_name: str = "",
    superuser: bool = False,
):
    """Create a login. Operators (or the system, ``actor=None``: seeding, commands) only;
    roles are given separately through ``organisations.services.role_assign``. Pass either a
    clear ``password`` (validated) or an already hashed one."""
    from django.contrib.auth.password_validation import validate_password

    if actor is not None and not actor.is_superuser:
        raise PermissionDenied
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationError(_("Enter a user name of at most 150 characters."), code="username_invalid")
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("That user name is taken."), code="username_taken")
    user = User(username=username, display_name=display_name, is_superuser=superuser, is_staff=superuser)
    if password_hash:
        user.password = password_hash
    elif password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        audit.record(
            actor=actor,
            action="accounts.user.created",
            obj=user,
            changes={"username": [None, username], "superuser": [None, superuser]},
        )
    return user
