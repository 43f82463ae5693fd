from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "gonghui.rights"
    label = "rights"
    verbose_name = _("Requests and rights")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.rights.choices.AuditAction"
    # Labels of the notification kinds this app sends (notifications.kinds.label).
    notification_kinds = "gonghui.rights.choices.NotificationKind"
    # Their SMS/e-mail text, registered with core.channels.templates by the notifications app.
    notification_messages = "gonghui.rights.choices.NOTIFICATION_MESSAGES"
