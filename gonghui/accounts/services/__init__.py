"""Account services: sign-in limits and lockout, passwords, API tokens."""

import datetime
import hashlib
import ipaddress
import math
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from gonghui.accounts import permissions
from gonghui.accounts.models import ApiToken, password_fingerprint
from gonghui.core import audit, inputs, throttle

User = get_user_model()

TOKEN_PREFIX = "gh_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Sign-in limits (ADR 0013), on the shared cache through gonghui.core.throttle.
LOGIN_ADDRESS = "login-address"  # failed sign-ins per client address, whatever the user name
LOGIN_PAIR = "login-pair"  # failed sign-ins and locks per (client address, user name)
LOGIN_NAME = "login-name"  # per user name: an operator's unlock starts a new generation


@dataclass(frozen=True)
class LoginRefusal:
    """Sign-in from this address is refused until ``until`` (epoch seconds): ``reason`` is
    ``"address"`` (too many failures from the address) or ``"name"`` (too many for this user
    name from the address)."""

    reason: str
    until: float

    @property
    def minutes(self) -> int:
        return max(1, math.ceil((self.until - throttle.now()) / 60))


def client_of(request) -> str:
    """The address sign-in attempts are counted on (``"unknown"`` without a request)."""
    return throttle.client_key(request) if request is not None else "unknown"


def _name_key(username: str) -> str:
    # Hashed: user names are the caller's text, of any length and alphabet.
    return hashlib.sha256(unicodedata.normalize("NFKC", username or "").encode()).hexdigest()


def _pair_key(address: str, username: str) -> str:
    name = _name_key(username)
    return f"{address or 'unknown'}|{name}|{throttle.generation(LOGIN_NAME, name)}"


def _lock_seconds() -> int:
    return settings.GONGHUI_LOGIN_LOCK_MINUTES * 60


def _address_window() -> int:
    return settings.GONGHUI_LOGIN_ADDRESS_WINDOW_MINUTES * 60


def login_refusal(*, address: str, username: str) -> LoginRefusal | None:
    """Whether a sign-in attempt for ``username`` from ``address`` must be refused now, right
    password or not: the address has failed too often (any user names), or this user name
    from this address has. Another address is never refused for what this one did."""
    address = address or "unknown"
    limit, window = settings.GONGHUI_LOGIN_ADDRESS_MAX_FAILURES, _address_window()
    if limit > 0 and throttle.count(LOGIN_ADDRESS, address, window=window) >= limit:
        return LoginRefusal("address", (throttle.now() // window + 1) * window)
    until = throttle.locked_until(LOGIN_PAIR, _pair_key(address, username))
    return LoginRefusal("name", until) if until else None


def login_failed(*, username: str, address: str = "unknown") -> None:
    """Count a failed password for ``username`` from ``address``. The address's count grows
    whatever the name; the (address, name) count locks that pair for the lock time when it
    reaches the limit, and starts again. Unknown names count exactly like known ones. For an
    existing login the failure and any lock are mirrored on the user (the operator sees them in
    the Django admin) and a lock is audited. Called by the authentication backend, so the login
    page, the token endpoint and the Django admin share the counts."""
    address = address or "unknown"
    throttle.add(LOGIN_ADDRESS, address, window=_address_window())
    pair, lock_seconds = _pair_key(address, username), _lock_seconds()
    locked = None
    limit = settings.GONGHUI_LOGIN_MAX_FAILURES
    if throttle.add(LOGIN_PAIR, pair, window=lock_seconds) >= limit > 0:
        locked = throttle.lock(LOGIN_PAIR, pair, seconds=lock_seconds)
        throttle.reset(LOGIN_PAIR, pair, window=lock_seconds)
    _mirror_failure(username=username, address=address, locked=locked)


def _mirror_failure(*, username: str, address: str, locked: float | None) -> None:
    now = datetime.datetime.fromtimestamp(throttle.now(), tz=datetime.UTC)
    window = datetime.timedelta(seconds=_lock_seconds())
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            return
        if user.last_failed_login and now - user.last_failed_login >= window:
            user.failed_logins = 0
        user.failed_logins += 1
        user.last_failed_login = now
        fields = ["failed_logins", "last_failed_login"]
        if locked is not None:
            before = user.locked_until
            until = datetime.datetime.fromtimestamp(locked, tz=datetime.UTC)
            if before is None or before < until:
                user.locked_until = until
                fields.append("locked_until")
            network, ref = _address_for_audit(address)
            audit.record(
                actor=None,
                action="accounts.user.locked",
                obj=user,
                changes={
                    "locked_until": [before.isoformat() if before else None, until.isoformat()],
                    "from_network": [None, network],
                    "from_address_ref": [None, ref],
                },
            )
        user.save(update_fields=fields)


def _address_for_audit(address: str) -> tuple[str, str]:
    """The client address as the audit log keeps it: its network (IPv4 /24, IPv6 /48), enough
    to see roughly where attempts come from, and a keyed 12-digit reference that tells whether
    two locks came from the same address — never the address itself (personal information)."""
    try:
        parsed = ipaddress.ip_network(address, strict=False)
    except ValueError:
        network = "unknown"
    else:
        prefix = 24 if parsed.version == 4 else 48
        network = str(parsed.supernet(new_prefix=prefix)) if parsed.prefixlen > prefix else str(parsed)
    ref = salted_hmac("gonghui.accounts.lockout.address", address, algorithm="sha256").hexdigest()[:12]
    return network, ref


def login_succeeded(*, user, address: str = "unknown") -> None:
    """A correct password clears the failure count of this address and user name (and the
    user's mirrored count). Locks of other addresses stay: a stranger's lock is not lifted by
    the real user signing in."""
    throttle.reset(LOGIN_PAIR, _pair_key(address, user.get_username()), window=_lock_seconds())
    if user.failed_logins:
        User.objects.filter(pk=user.pk).update(failed_logins=0, last_failed_login=None)


def user_unlock(*, actor, user) -> None:
    """An operator lifts every sign-in lock on the login, from every address: a new generation
    of the user name abandons its counts and locks in the cache."""
    permissions.require_operator(actor)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record(actor=actor, action="accounts.user.unlocked", obj=user)
    # Long enough to outlive every count and lock made under the old generation.
    throttle.new_generation(LOGIN_NAME, _name_key(user.get_username()), seconds=_lock_seconds() + 60)


def password_change(*, actor, old_password: str, new_password: str) -> None:
    """The signed-in user changes their own password (validated by the password validators).
    Every API token of the user is revoked with it, as the user's other sessions end."""
    from django.contrib.auth.password_validation import validate_password

    if not actor.check_password(old_password):
        raise ValidationError(_("The current password is not correct."), code="wrong_password")
    validate_password(new_password, actor)
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        audit.record(actor=actor, action="accounts.user.password_changed", obj=actor)
        tokens_revoke_all(actor=actor, user=actor, reason=_("The password was changed."))


def password_reset_record(*, actor, user) -> None:
    """An operator has just set ``user``'s password with the Django admin's own form, which
    saved it: record that, and revoke the user's API tokens (they stopped working with the
    change already; revoking shows why on the user's tokens page). Operators only."""
    permissions.require_operator(actor)
    with transaction.atomic():
        audit.record(actor=actor, action="accounts.user.password_reset", obj=user)
        tokens_revoke_all(actor=actor, user=user, reason=_("An administrator reset the password."))


def tokens_revoke_all(*, actor, user, reason: str) -> int:
    """Revoke every token of ``user`` not yet revoked, each with an audit entry giving
    ``reason``; returns how many. The user themself, an operator, or the system
    (``actor=None``)."""
    permissions.require_revoke_all_tokens(actor, user)
    now = timezone.now()
    with transaction.atomic():
        tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
        audit.record_many(
            audit.entry(actor=actor, action="accounts.token.revoked", obj=token, reason=reason)
            for token in tokens
        )
    return len(tokens)


def token_create(*, actor, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Make an API token for ``actor`` and return it with its one-time secret."""
    name = inputs.text(name, "name", max_length=100) or "api"
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + datetime.timedelta(days=days) if days else None
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=secret[:10],
            key_hash=_hash(secret),
            expires_at=expires,
            password_fingerprint=password_fingerprint(actor.password),
        )
        audit.record(actor=actor, action="accounts.token.created", obj=token)
    return token, secret


def token_revoke(*, actor, token: ApiToken) -> None:
    """Revoke one of the actor's tokens (an operator may revoke anyone's; anyone else's token
    is 404, as it is to ``selectors.token_of_or_404``)."""
    permissions.require_revoke_token(actor, token)
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor=actor, action="accounts.token.revoked", obj=token)


def token_authenticate(secret: str):
    """Return the active user for a bearer secret, or None (unknown, revoked or expired
    token, a password changed since the token was made, inactive user). Marks the token used
    at most every five minutes."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(secret)).first()
    # Sign-in locks guard password logins only: otherwise anyone could switch off an
    # integration by typing wrong passwords for its user.
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def issue_token_for_credentials(*, request, username: str, password: str) -> str:
    """``POST /api/v1/auth/token``: check the password within the sign-in limits and make a
    token. Raises :class:`~gonghui.core.throttle.Throttled` (429) while the client address is
    refused, ``ValidationError`` ``bad_credentials`` for a wrong name or password."""
    from django.contrib.auth import authenticate

    if login_refusal(address=client_of(request), username=username) is not None:
        raise throttle.Throttled
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ValidationError(_("Wrong username or password."), code="bad_credentials")
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

    if actor is not None:
        permissions.require_operator(actor)
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
