from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "gonghui.competitions"
    label = "competitions"
    verbose_name = _("Competitions")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.competitions.choices.AuditAction"
    # Labels of the notification kinds this app sends (notifications.kinds.label).
    notification_kinds = "gonghui.competitions.choices.NotificationKind"
    # Their SMS/e-mail text, registered with core.channels.templates by the notifications app.
    notification_messages = "gonghui.competitions.choices.NOTIFICATION_MESSAGES"
