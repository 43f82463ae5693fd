"""Models of the news app: news items and notices (资讯, 通知公告) of an organisation and the
history of their 三审三校 review (docs/modules/news.md).

The body is stored sanitised (``gonghui.news.html.sanitise``, applied by the services on every
write), so every reader of ``body`` may show it as HTML.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.ids import new_id
from gonghui.core.models import StoredFile
from gonghui.news.choices import Audience, Decision, Kind, Status
from gonghui.organisations.models import Organisation


class NewsItem(models.Model):
    """One news item or notice of an organisation, from its draft through review to its
    publication (and possibly its withdrawal). ``targets`` empty: the organisation's whole
    subtree; otherwise the chosen unions (each inside that subtree) and their subtrees."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("publishing union")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    targets = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("target unions")
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    valid_from = models.DateTimeField(_("shown from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("shown until"), null=True, blank=True)
    requires_ack = models.BooleanField(_("acknowledgement required"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    # Each submission starts a review round; the different-person rule holds within a round.
    review_round = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    cover = models.ForeignKey(
        "news.NewsImage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("cover image"),
    )  # fmt: skip
    # A correction (更正) of a published item is a draft of its own that goes through the whole
    # review; publishing it copies its title and body into the original (NewsRevision keeps the
    # text it replaced), which stays published all along.
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
        verbose_name=_("corrects"),
    )  # fmt: skip
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    # Sensitive words found in the title or body when it was last sent to review (news.checks):
    # not a refusal, a highlight for the reviewers.
    flagged_words = models.JSONField(_("flagged words"), default=list, blank=True, editable=False)
    # The last reminder to members who have not acknowledged (at most one an hour).
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-pinned", "-published_at", "-created_at"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=F("valid_from")),
                name="news_item_valid_window",
            ),
            # Read receipts are for notices (通知公告), not news.
            models.CheckConstraint(
                condition=Q(requires_ack=False) | Q(kind=Kind.NOTICE), name="news_item_ack_notice"
            ),
            models.CheckConstraint(
                condition=Q(status=Status.PUBLISHED, published_at__isnull=False)
                | ~Q(status=Status.PUBLISHED),
                name="news_item_published_at",
            ),
        ]

    def __str__(self):
        return self.title


class ReviewStep(models.Model):
    """One decision of the 三审三校 review of an item: who decided at which stage, approved or
    rejected, and their comment (kept with an approval too). Never edited or deleted."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="steps")
    review_round = models.PositiveIntegerField()
    stage = models.CharField(_("stage"), max_length=16, choices=Status.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=["first_review", "second_review", "final_review"]),
                name="news_step_stage",
            ),
            # A rejection always says why: the author reads it.
            models.CheckConstraint(
                condition=Q(decision=Decision.APPROVED) | ~Q(comment=""), name="news_step_reject_comment"
            ),
        ]

    def __str__(self):
        return f"{self.item_id} {self.stage} {self.decision}"


class NewsReceipt(models.Model):
    """That a person opened a published item (``read_at``) and, for a notice that asks for it,
    acknowledged it (``acked_at``): one row per item and account. ``member`` and ``organisation``
    are the reader's member record and union at the time, so the receipt table counts each union's
    members even after they transfer."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)
    acked_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="news_receipt_once")]
        indexes = [models.Index(fields=["item", "organisation"], name="news_receipt_item_org")]

    def __str__(self):
        return str(self.item)


class SensitiveWord(models.Model):
    """A word kept by the site's operators (admin) that flags a news item for its reviewers,
    next to those of the setting GONGHUI_NEWS_SENSITIVE_WORDS."""

    word = models.CharField(_("word"), max_length=50, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sensitive word")
        verbose_name_plural = _("sensitive words")
        ordering = ["word"]

    def __str__(self):
        return self.word


class NewsRevision(models.Model):
    """The title and body of a published item as they were before a correction replaced them,
    so the page can show "更正 <date>" and what was said before."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="revisions")
    correction = models.ForeignKey(NewsItem, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"))
    replaced_at = models.DateTimeField(_("corrected at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering = ["-replaced_at"]

    def __str__(self):
        return f"{self.item_id} {self.replaced_at:%Y-%m-%d}"


class NewsImage(StoredFile):
    """An image of a news item: its cover or one placed in its body by the editor (JPEG or
    PNG, checked by its first bytes). Served to anyone who has its id, since a published page
    shows it to every reader; ids are random UUIDs, not guessable."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("news image")
        verbose_name_plural = _("news images")


class NewsAttachment(StoredFile):
    """A file attached to an item (PDF, JPEG or PNG): served to those who may read the item."""

    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
