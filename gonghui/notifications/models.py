"""The in-app inbox, each person's delivery preferences, and the SMS/email deliveries that
wait for quiet hours to end or for a retry."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.ids import new_id
from gonghui.notifications.choices import Channel

QUIET_START = datetime.time(22, 0)
QUIET_END = datetime.time(8, 0)


class Notification(models.Model):
    """One message in a person's inbox: an application decided, a request replied to, a
    ticket resolved. Addressed to an account, or — when the person has none yet (an applicant
    who joined with a phone) — to a phone, kept only as a blind index and encrypted; signing in
    with that phone later attaches it to the account (``services.claim_for_phone``)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_enc = models.TextField(blank=True)
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(phone_hash=""), name="notification_addressed"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How a person wants to be told besides the inbox: SMS and/or email, and the quiet hours
    (Beijing time) during which nothing is sent — messages then wait until the quiet hours
    end. A person without a row has the defaults: SMS on, email off, 22:00–08:00."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sms = models.BooleanField(_("SMS"), default=True)
    email = models.BooleanField(_("email"), default=False)
    quiet_start = models.TimeField(_("quiet hours start"), default=QUIET_START)
    quiet_end = models.TimeField(_("quiet hours end"), default=QUIET_END)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class Dispatch(models.Model):
    """One SMS or e-mail copy of a notification, held while the recipient's quiet hours last
    (``due_at``) and then handed to the channel layer (``core.channels.send``), which records
    every attempt on its own :class:`~gonghui.core.models.Delivery` and retries failures. The
    address is encrypted."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="dispatches")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to_enc = models.TextField()
    language = models.CharField(max_length=10)
    # The kind's own message template and its short parameters, rendered in ``language`` when
    # notified (encrypted JSON, like the address); empty: the generic ``notification``.
    template = models.CharField(max_length=60, blank=True, default="")
    params_enc = models.TextField(blank=True, default="")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)  # handed to the channel layer
    delivery = models.ForeignKey(
        "core.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification message")
        verbose_name_plural = _("notification messages")
        indexes = [models.Index(fields=["sent_at", "due_at"], name="notification_dispatch_due")]

    def __str__(self) -> str:
        return f"{self.channel} {self.due_at:%Y-%m-%d %H:%M}"
