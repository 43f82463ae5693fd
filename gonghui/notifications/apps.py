from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gonghui.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.notifications.choices.AuditAction"

    def ready(self):
        from gonghui.notifications import kinds

        kinds.register_messages()
