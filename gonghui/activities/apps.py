from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "gonghui.activities"
    label = "activities"
    verbose_name = _("Activities")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.activities.checkin.choices.AuditAction"  # sign-up and check-in codes
    # Labels of the notification kinds this app sends (notifications.kinds.label).
    notification_kinds = "gonghui.activities.choices.NotificationKind"
    # Their SMS/e-mail text, registered with core.channels.templates by the notifications app.
    notification_messages = "gonghui.activities.choices.NOTIFICATION_MESSAGES"
    # Published activities are found by the site's search beside news and notices.
    search_sources = "gonghui.activities.search.SOURCES"
