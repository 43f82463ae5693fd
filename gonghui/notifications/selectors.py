"""Reads of a person's own inbox: nobody reads anyone else's notifications (404, as for a
missing one)."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from gonghui.notifications.models import Notification, Preference


def notifications_of(user) -> QuerySet:
    """The user's inbox, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_of_or_404(user, notification_id) -> Notification:
    """One of the user's own notifications; anyone else's answers 404 like a missing one."""
    try:
        return Notification.objects.get(pk=notification_id, recipient=user)
    except (Notification.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def preference_of(user) -> Preference:
    """The user's delivery preferences (the defaults, unsaved, when they never chose)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)
