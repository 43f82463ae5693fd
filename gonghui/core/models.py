from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.ids import new_id


class AuditEntry(models.Model):
    """One state change, personal-data reveal or export: who did what to which object, in
    which organisation, with the before → after values (personal data already masked)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The organisation the object belonged to when this happened; scoping filters on it.
    organisation_id = models.UUIDField(_("organisation"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["organisation_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class StoredFile(models.Model):
    """An uploaded file kept in the database (an idea's sketch, a station's photo, legal-aid
    evidence, a hardship file's document): small by rule, checked by its content before it is
    stored (``core.uploads``), written in the same transaction as the record it belongs to, and
    no shared disk between servers. Each app's model adds the record it belongs to."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One message sent to one person through one channel (an SMS or an e-mail): who it goes
    to (encrypted, with a blind index to find a person's messages), which template, and every
    attempt's outcome. A failed attempt is tried again later (``next_try_at``) until it is
    sent, gives up after GONGHUI_DELIVERY_MAX_ATTEMPTS, or is no longer worth sending."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Failed, will be tried again")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("No longer worth sending")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient_enc = models.TextField(editable=False)
    recipient_hash = models.CharField(max_length=32, editable=False, db_index=True)
    recipient_masked = models.CharField(_("recipient"), max_length=64, editable=False)
    template = models.CharField(_("template"), max_length=60)
    language = models.CharField(_("language"), max_length=10)
    # The template's parameters, encrypted (a sign-in code is a secret); emptied once sent.
    params_enc = models.TextField(editable=False, blank=True)
    backend = models.CharField(_("backend"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    provider_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_try_at = models.DateTimeField(_("next try"), null=True, blank=True)
    expires_at = models.DateTimeField(_("send until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_try_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} {self.template} → {self.recipient_masked} ({self.status})"
