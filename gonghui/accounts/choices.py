from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """Every audit code the accounts app writes, with the name officers read on the audit
    page (named by AccountsConfig.audit_actions)."""

    TOKEN_CREATED = "accounts.token.created", _("API token created")
    TOKEN_REVOKED = "accounts.token.revoked", _("API token revoked")
    USER_CREATED = "accounts.user.created", _("User created")
    USER_LOCKED = "accounts.user.locked", _("Sign-in locked")
    USER_UNLOCKED = "accounts.user.unlocked", _("Sign-in unlocked")
    PASSWORD_CHANGED = "accounts.user.password_changed", _("Password changed")
    PASSWORD_RESET = "accounts.user.password_reset", _("Password reset by an operator")
    PHONE_CHANGED = "accounts.user.phone_changed", _("Sign-in phone changed")
