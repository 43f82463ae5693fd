from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "gonghui.news"
    label = "news"
    verbose_name = _("News and notices")
    # Labels of the audit codes this app writes (core.audit.label).
    audit_actions = "gonghui.news.choices.AuditAction"
    # Labels of the notification kinds this app sends (notifications.kinds.label).
    notification_kinds = "gonghui.news.choices.NotificationKind"
    # Their SMS/e-mail text, registered with core.channels.templates by the notifications app.
    notification_messages = "gonghui.news.choices.NOTIFICATION_MESSAGES"
    # Its published items in the site search (gonghui.search.sources).
    search_sources = "gonghui.news.search.SOURCES"
