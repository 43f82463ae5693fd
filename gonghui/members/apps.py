from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = _("Members")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.members.choices.AuditAction"
    # Labels of the notification kinds this app sends (notifications.kinds.label).
    notification_kinds = "gonghui.members.choices.NotificationKind"
    # Their SMS/e-mail text, registered with core.channels.templates by the notifications app.
    notification_messages = "gonghui.members.choices.NOTIFICATION_MESSAGES"
