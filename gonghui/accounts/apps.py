from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gonghui.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.accounts.choices.AuditAction"
