"""Choices of the notifications app: channels, delivery states and its audit codes.

The notification kinds themselves are declared by the apps that fire them, each in its own
``choices.py`` as a ``NotificationKind`` TextChoices named by its AppConfig
(``notification_kinds``), the way audit codes are (see ``notifications.kinds``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a notification goes besides the in-app inbox (which always gets it)."""

    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class AuditAction(models.TextChoices):
    """Every audit code the notifications app writes (named by NotificationsConfig)."""

    PREFERENCE_CHANGED = "notifications.preference.changed", _("Notification preferences changed")
    CLAIMED = "notifications.notification.claimed", _("Notifications sent to a phone attached to its account")
