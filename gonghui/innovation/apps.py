from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "gonghui.innovation"
    label = "innovation"
    verbose_name = _("Innovation")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.innovation.choices.AuditAction"
