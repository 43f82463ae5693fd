"""Choices of the notifications app: channels, delivery states and its audit codes.

The notification kinds themselves are declared by the apps that fire them, each in its own
``choices.py`` as a ``NotificationKind`` TextChoices named by its AppConfig
(``notification_kinds``), the way audit codes are (see ``notifications.kinds``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a notification goes besides the in-app inbox (which always gets it)."""

    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class DeliveryStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")  # due now or after quiet hours; the worker sends it
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")  # every attempt failed; the in-app notification stays


class AuditAction(models.TextChoices):
    """Every audit code the notifications app writes (named by NotificationsConfig)."""

    PREFERENCE_CHANGED = "notifications.preference.changed", _("Notification preferences changed")
    CLAIMED = "notifications.notification.claimed", _("Notifications sent to a phone attached to its account")
