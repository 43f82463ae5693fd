from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from gonghui.core.ids import new_id

_FINGERPRINT_SALT = "gonghui.accounts.ApiToken.password_fingerprint"


def password_fingerprint(password_hash: str, *, secret: str | None = None) -> str:
    """A keyed digest of a password hash, as Django's session auth hash is: a token stores the
    fingerprint of its user's password at issue time and stops working when it no longer
    matches, so every way of changing a password (the service, the Django admin, ``manage.py
    changepassword``, ``set_password`` anywhere) also ends the user's API tokens."""
    return salted_hmac(_FINGERPRINT_SALT, password_hash, secret=secret, algorithm="sha256").hexdigest()


def fingerprint_matches(fingerprint: str, password_hash: str) -> bool:
    """Whether ``fingerprint`` was made from ``password_hash`` under the secret key or one of
    SECRET_KEY_FALLBACKS (so rotating the key with a fallback keeps tokens working)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return bool(fingerprint) and any(
        constant_time_compare(fingerprint, password_fingerprint(password_hash, secret=s)) for s in secrets
    )


class User(AbstractUser):
    """A login: an officer, judge, station keeper, operator, or a member using self-service.
    What the user may see comes from their role assignments (organisations.RoleAssignment)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    last_failed_login = models.DateTimeField(null=True, blank=True, editable=False)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    # The mobile phone the account signs in with by SMS code (one account per phone): encrypted,
    # a blind index to find the account (the same index as members' phones), and a mask.
    phone_enc = models.TextField(editable=False, blank=True)
    phone_hash = models.CharField(max_length=32, editable=False, blank=True, db_index=True)
    phone_masked = models.CharField(_("mobile phone"), max_length=11, editable=False, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_hash"], condition=~models.Q(phone_hash=""), name="one_account_per_phone"
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_locked(self) -> bool:
        """Whether some client address is locked out of this login now (``locked_until`` is
        the end of the latest such lock; other addresses still sign in — ADR 0013)."""
        return bool(self.locked_until and self.locked_until > timezone.now())

    def check_password(self, raw_password):
        """Django's check, except that rehashing the same password with a stronger hasher (which
        Django does at sign-in after an upgrade) carries the API tokens over to the new hash:
        the password did not change, so the tokens must not die with the old hash."""

        def setter(raw_password):
            old_hash = self.password
            self.set_password(raw_password)
            self._password = None
            with transaction.atomic():
                self.save(update_fields=["password"])
                for token in self.api_tokens.filter(revoked_at__isnull=True):
                    if fingerprint_matches(token.password_fingerprint, old_hash):
                        token.password_fingerprint = password_fingerprint(self.password)
                        token.save(update_fields=["password_fingerprint"])

        return check_password(raw_password, self.password, setter)

    async def acheck_password(self, raw_password):
        return await sync_to_async(self.check_password)(raw_password)


class ApiToken(models.Model):
    """A bearer token for integrations, bound to one user and revocable. Only a SHA-256 of the
    secret is stored; the secret is shown once when the token is made."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # password_fingerprint() of the user's password hash when the token was made.
    password_fingerprint = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        """Not revoked, not expired, and the user's password is still the one it was made under."""
        now = timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and not self.stopped_by_password_change
        )

    @property
    def stopped_by_password_change(self) -> bool:
        """The user's password changed after the token was made (by any path), so it no longer
        works, even if nobody has marked it revoked."""
        return not fingerprint_matches(self.password_fingerprint, self.user.password)


class PhoneCode(models.Model):
    """A one-time code sent by SMS to a phone: to sign in with it, or to confirm it as an
    account's new phone. Only a keyed hash of the code and the phone's blind index are kept;
    it is valid for a few minutes, once, and void after too many wrong tries."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("Sign in")
        PHONE_CHANGE = "phone_change", _("Change phone")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    phone_hash = models.CharField(max_length=32, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    # For a phone change: the account that asked (a code only works for that account).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        indexes = [models.Index(fields=["phone_hash", "purpose", "-created_at"], name="phone_code_lookup")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
