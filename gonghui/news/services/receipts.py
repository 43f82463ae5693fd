"""Read receipts of published items and acknowledgement of notices (docs/modules/news.md,
"Read receipts").

Opening an item records that it was read (:func:`news_mark_read`, idempotent); a member in the
audience of a notice that asks for it acknowledges it once (:func:`news_ack`); officers remind
those who have not (:func:`news_remind`, at most once an hour per item). When such a notice is
published, its target members with an account find it in their inbox
(:func:`notify_published`, one bulk insert).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit, locking
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.news import permissions
from gonghui.news.choices import AuditAction, NotificationKind, Status
from gonghui.news.models import NewsItem, NewsReceipt
from gonghui.news.selectors import readers
from gonghui.notifications.services import notify
from gonghui.organisations import scoping
from gonghui.organisations.scoping import Action

REMIND_INTERVAL = datetime.timedelta(hours=1)
_BULK = 1000


class AlreadyAcknowledged(ValidationError):
    """The reader has acknowledged this notice already (the API answers 409)."""


def item_link(item: NewsItem) -> str:
    """Where a reader opens the item (the reader page of the news app)."""
    return f"/news/{item.pk}/"


def reached_members(item: NewsItem):
    """The members in membership whose union lies in the item's recipients' subtrees (its
    targets' or, with none, its own union's): one query, prefix matches on the tree paths."""
    from gonghui.members.models import Member

    paths = list(item.targets.values_list("path", flat=True)) or [item.organisation.path]
    return Member.objects.filter(permissions.in_subtrees(paths), status__in=IN_MEMBERSHIP)


def _reader_member(user):
    from gonghui.members.models import Member

    return Member.objects.filter(user_id=user.pk, status__in=IN_MEMBERSHIP).first()


def news_mark_read(*, actor, item: NewsItem, now=None) -> NewsReceipt | None:
    """Record that signed-in ``actor`` opened ``item`` (a reader of it: else 404); the first
    opening counts, later ones change nothing. Not audited: it is a reader's trace, not a
    change of the item, and one audit row per reader would drown the log."""
    if not permissions.signed_in(actor):
        return None
    readers.readable_or_404(actor, item.pk, now=now)
    existing = NewsReceipt.objects.filter(item=item, user=actor).first()
    if existing is not None:
        return existing
    member = _reader_member(actor)
    try:
        with transaction.atomic():
            return NewsReceipt.objects.create(
                item=item,
                user=actor,
                member=member,
                organisation_id=member.organisation_id if member else None,
                read_at=now or timezone.now(),
            )
    except IntegrityError:  # the same reader opened it twice at once: the first one counts
        return NewsReceipt.objects.get(item=item, user=actor)


def news_ack(*, actor, item: NewsItem, now=None) -> NewsReceipt:
    """A member in the notice's audience acknowledges it, once: 404 when they may not read it,
    403 when they read it but are not a member it is addressed to (an officer), ValidationError
    ``ack_not_required`` for an item that does not ask for it, :class:`AlreadyAcknowledged`
    (``already_acknowledged``) the second time."""
    readers.readable_or_404(actor, item.pk, now=now)
    if not item.requires_ack:
        raise ValidationError(_("This item does not ask for acknowledgement."), code="ack_not_required")
    member = _reader_member(actor)
    if member is None or not reached_members(item).filter(pk=member.pk).exists():
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        receipt, _created = NewsReceipt.objects.get_or_create(
            item=item,
            user=actor,
            defaults={"member": member, "organisation_id": member.organisation_id, "read_at": now},
        )
        receipt = NewsReceipt.objects.select_for_update().get(pk=receipt.pk)
        if receipt.acked_at is not None:
            raise AlreadyAcknowledged(
                _("You have acknowledged this notice already."), code="already_acknowledged"
            )
        receipt.acked_at = now
        # The union at the time of the acknowledgement is the one the table counts.
        receipt.member, receipt.organisation_id = member, member.organisation_id
        receipt.save(update_fields=["acked_at", "member", "organisation"])
        audit.record(
            actor=actor, action=AuditAction.ITEM_ACKNOWLEDGED, obj=receipt,
            organisation_id=member.organisation_id, changes={"acked_at": [None, now.isoformat()]},
        )  # fmt: skip
    return receipt


def news_remind(*, actor, item: NewsItem, now=None) -> int:
    """Remind every member reached by a published notice who has an account and has not
    acknowledged it (inbox, and SMS/e-mail as each chose): ``write_news`` on the item's union
    (404 out of scope, 403 for a viewer); ``ack_not_required``, ``wrong_stage`` (not published)
    or ``reminded_too_soon`` (within an hour of the last reminder) refuse it with nothing sent.
    Returns how many were reminded."""
    scoping.require_object(actor, Action.WRITE_NEWS, item.organisation)
    now = now or timezone.now()
    with transaction.atomic():
        item = locking.locked(item, "organisation")
        if not item.requires_ack:
            raise ValidationError(_("This item does not ask for acknowledgement."), code="ack_not_required")
        if item.status != Status.PUBLISHED:
            raise ValidationError(_("Only a published notice can be reminded of."), code="wrong_stage")
        if item.reminded_at and now - item.reminded_at < REMIND_INTERVAL:
            raise ValidationError(
                _("Members were reminded less than an hour ago; try again later."), code="reminded_too_soon"
            )
        acked = NewsReceipt.objects.filter(item=item, user=OuterRef("user_id"), acked_at__isnull=False)
        recipients = (
            reached_members(item)
            .filter(user__isnull=False, user__is_active=True)
            .exclude(Exists(acked))
            .select_related("user")
        )
        count = 0
        for member in recipients.iterator(chunk_size=_BULK):
            notify(
                kind=NotificationKind.REMINDER,
                user=member.user,
                title=gettext_lazy("Reminder: please acknowledge %(title)s"),
                body=gettext_lazy("The notice %(title)s waits for your acknowledgement."),
                link=item_link(item),
                params={"title": item.title[:20]},
                now=now,
            )
            count += 1
        item.reminded_at = now
        item.save(update_fields=["reminded_at"])
        audit.record(
            actor=actor, action=AuditAction.ITEM_REMINDED, obj=item, organisation_id=item.organisation_id,
            changes={"notifications.Notification": [None, count]},
        )  # fmt: skip
    return count


def notify_published(item: NewsItem) -> int:
    """Put a published notice that asks for acknowledgement into the inbox of every member it
    reaches who has an account: inbox only (no SMS for a union-wide notice), written in bulk
    (a few queries for tens of thousands of members), in the site's language. Called by
    ``news_publish`` inside its transaction."""
    from gonghui.notifications.models import Notification

    if not item.requires_ack:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title = (_("Please acknowledge: %(title)s") % {"title": item.title})[:200]
        body = _("%(union)s published a notice for you to read and acknowledge.") % {
            "union": item.organisation.name
        }
    link = item_link(item)
    user_ids = list(
        reached_members(item)
        .filter(user__isnull=False, user__is_active=True)
        .values_list("user_id", flat=True)
    )
    Notification.objects.bulk_create(
        (
            Notification(
                recipient_id=user_id, kind=NotificationKind.PUBLISHED, title=title, body=body, link=link
            )
            for user_id in user_ids
        ),
        batch_size=_BULK,
    )
    return len(user_ids)
