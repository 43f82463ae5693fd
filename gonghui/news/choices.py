"""Choices of the news app (资讯, 通知公告) and its 三审三校 review."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gonghui.core.channels.templates import MessageTemplate


class Kind(models.TextChoices):
    NEWS = "news", _("news (资讯)")
    NOTICE = "notice", _("notice (通知公告)")


class Audience(models.TextChoices):
    # Anyone, signed in or not: the public pages and the feed.
    PUBLIC = "public", _("everyone")
    # Members of the target unions (and officers in scope).
    MEMBERS = "members", _("members of the target unions")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    FIRST_REVIEW = "first_review", _("waiting for first review (初审)")
    SECOND_REVIEW = "second_review", _("waiting for second review (复审)")
    FINAL_REVIEW = "final_review", _("waiting for final review (终审)")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The review stages in order: an item at one of them waits for that stage's decision.
REVIEW_STAGES = (Status.FIRST_REVIEW, Status.SECOND_REVIEW, Status.FINAL_REVIEW)
# The stage's own name, for "sent back at 复审" (the status says "waiting for …").
STAGE_NAMES = {
    Status.FIRST_REVIEW: _("first review (初审)"),
    Status.SECOND_REVIEW: _("second review (复审)"),
    Status.FINAL_REVIEW: _("final review (终审)"),
}


class Decision(models.TextChoices):
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class AuditAction(models.TextChoices):
    """Every audit code the news app writes, with the name officers read on the audit page
    (named by NewsConfig.audit_actions)."""

    ITEM_CREATED = "news.item.created", _("News item written")
    ITEM_UPDATED = "news.item.updated", _("News item edited")
    ITEM_SUBMITTED = "news.item.submitted", _("News item sent to review")
    ITEM_APPROVED = "news.item.approved", _("News item passed a review stage")
    ITEM_REJECTED = "news.item.rejected", _("News item sent back to its author")
    ITEM_PUBLISHED = "news.item.published", _("News item published")
    ITEM_WITHDRAWN = "news.item.withdrawn", _("News item withdrawn")
    CORRECTION_CREATED = "news.item.correction_created", _("Correction of a published item written")
    ITEM_CORRECTED = "news.item.corrected", _("Published item corrected")
    IMAGE_UPLOADED = "news.image.uploaded", _("News image uploaded")
    COVER_SET = "news.item.cover_set", _("News item cover changed")
    ATTACHMENT_ADDED = "news.item.attachment_added", _("Attachment added to a news item")
    ATTACHMENT_REMOVED = "news.item.attachment_removed", _("Attachment removed from a news item")
    ITEM_ACKNOWLEDGED = "news.item.acknowledged", _("Notice acknowledged by a member")
    ITEM_REMINDED = "news.item.reminded", _("Members reminded to acknowledge a notice")


class NotificationKind(models.TextChoices):
    """Every notification kind the news app sends, with the name people read in their inbox
    (named by the AppConfig's ``notification_kinds``)."""

    # To the author when a reviewer sends the item back, with the reviewer's comment.
    REJECTED = "news.rejected", _("News item sent back by a reviewer")
    # To the target members with an account when a notice that asks for acknowledgement is
    # published (inbox only: a union-wide notice would be tens of thousands of SMS).
    PUBLISHED = "news.published", _("A notice for you to acknowledge")
    # To those who have not acknowledged yet, when an officer reminds them (inbox and SMS/e-mail).
    REMINDER = "news.reminder", _("Reminder: a notice waits for your acknowledgement")


# The SMS/e-mail copy of each kind (docs/ops/messages.md): fixed text and short parameters (the
# title is cut to 20 characters); the comment itself is read in the inbox, not sent by SMS.
NOTIFICATION_MESSAGES = (
    MessageTemplate(
        kind=NotificationKind.REJECTED,
        subject=gettext_noop("News item sent back by a reviewer"),
        text=gettext_noop(
            "Your item %(title)s was sent back at %(stage)s. Read the comment in your messages."
        ),
        params=("title", "stage"),
    ),
    # Sent to inboxes only today (written in bulk on publication); the text is there for a
    # deployment that turns the SMS copy on, and keeps every kind's message declared.
    MessageTemplate(
        kind=NotificationKind.PUBLISHED,
        subject=gettext_noop("A notice for you to acknowledge"),
        text=gettext_noop("A new notice %(title)s asks for your acknowledgement: %(link)s"),
        params=("title", "link"),
    ),
    MessageTemplate(
        kind=NotificationKind.REMINDER,
        subject=gettext_noop("Reminder: a notice waits for your acknowledgement"),
        text=gettext_noop("Please read and acknowledge the notice %(title)s: %(link)s"),
        params=("title", "link"),
    ),
)
