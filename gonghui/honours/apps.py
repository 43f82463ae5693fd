from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "gonghui.honours"
    label = "honours"
    verbose_name = _("Honours")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.honours.choices.AuditAction"
    # Labels of the notification kinds this app sends (notifications.kinds.label).
    notification_kinds = "gonghui.honours.choices.NotificationKind"
    # Their SMS/e-mail text, registered with core.channels.templates by the notifications app.
    notification_messages = "gonghui.honours.choices.NOTIFICATION_MESSAGES"
