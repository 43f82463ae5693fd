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
