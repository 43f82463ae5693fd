from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "gonghui.stations"
    label = "stations"
    verbose_name = _("Outdoor-worker stations")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.stations.choices.AuditAction"
    # Labels of the notification kinds this app sends (notifications.kinds.label).
    notification_kinds = "gonghui.stations.choices.NotificationKind"
    # Their SMS/e-mail text, registered with core.channels.templates by the notifications app.
    notification_messages = "gonghui.stations.choices.NOTIFICATION_MESSAGES"

    def ready(self):
        from gonghui.stations import checks  # noqa: F401  (registers the settings checks)
