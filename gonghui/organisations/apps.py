from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "gonghui.organisations"
    label = "organisations"
    verbose_name = _("Organisations")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.organisations.choices.AuditAction"
