"""Writing news items and notices and taking them through 三审三校 (docs/modules/news.md).

draft ─submit→ first_review ─approve→ second_review ─approve→ final_review ─publish→ published
                └──────────── reject (with comment, author notified) ──────────→ draft
published ─withdraw (with reason)→ withdrawn
published ─correct→ a correction draft (corrects=the item) through the same review; publishing it
          copies its title and body into the item (NewsRevision keeps the earlier text)

Each review decision is a ``ReviewStep`` and an audit entry. Reviewers hold ``review_news`` on
the item's organisation or above and are neither the author nor an earlier reviewer of the same
round (``same_person``); a rejection sends the item back to the author, who may edit and submit
it again (a new round).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit, inputs, locking
from gonghui.core.inputs import field_error
from gonghui.core.validation import merge_errors
from gonghui.news import checks, html, permissions, search
from gonghui.news.choices import (
    REVIEW_STAGES,
    STAGE_NAMES,
    Audience,
    AuditAction,
    Decision,
    Kind,
    NotificationKind,
    Status,
)
from gonghui.news.models import NewsItem, NewsRevision, ReviewStep
from gonghui.news.services import receipts
from gonghui.notifications.services import notify

TITLE_MAX = 120
BODY_MAX = 200_000  # characters of sanitised HTML: a long article with its markup
COMMENT_MAX = 2000

_NEXT_STAGE = {Status.FIRST_REVIEW: Status.SECOND_REVIEW, Status.SECOND_REVIEW: Status.FINAL_REVIEW}
# The body is not copied into the audit log (it can be long): that it changed is enough.
_FIELDS = ("kind", "title", "body_length", "audience", "pinned", "valid_from", "valid_until", "requires_ack")


def clean_item(data: dict, organisation) -> dict:
    """Validate an item's fields → clean values (``targets`` a list of organisations); one
    ValidationError naming every bad field. The body is sanitised here, once, for every caller."""
    errors: dict = {}
    out: dict = {}
    readers = {
        "kind": lambda: inputs.choice(data.get("kind"), "kind", Kind),
        "title": lambda: inputs.text(data.get("title", ""), "title", required=True, max_length=TITLE_MAX),
        "audience": lambda: inputs.choice(data.get("audience"), "audience", Audience),
        "body": lambda: _body(data.get("body", "")),
        "targets": lambda: _targets(data.get("targets") or [], organisation),
    }
    for field, reader in readers.items():
        try:
            out[field] = reader()
        except ValidationError as error:
            merge_errors(errors, error, field=field)
    out["pinned"] = bool(data.get("pinned"))
    out["requires_ack"] = bool(data.get("requires_ack"))
    out["valid_from"], out["valid_until"] = data.get("valid_from"), data.get("valid_until")
    if out["valid_from"] and out["valid_until"] and out["valid_until"] <= out["valid_from"]:
        error = field_error("valid_until", _("The end must be after the start."), "date_too_early")
        merge_errors(errors, error, field="valid_until")
    if out["requires_ack"] and out.get("kind") == Kind.NEWS:
        message = _("Only notices can ask readers to acknowledge them.")
        merge_errors(errors, field_error("requires_ack", message, "invalid_choice"), field="requires_ack")
    if errors:
        raise ValidationError(errors)
    return out


def _body(value) -> str:
    body = html.sanitise(str(value or ""))
    if html.is_empty(body):
        raise field_error("body", _("This field is required."), "required")
    if len(body) > BODY_MAX:
        raise field_error("body", _("The text is too long."), "too_long")
    return body


def _targets(targets, organisation) -> list:
    """Each target a union of the item's subtree (the item's own organisation included)."""
    for target in targets:
        if not organisation.contains(target):
            raise field_error(
                "targets",
                _("%(union)s is not part of this union.") % {"union": target.name},
                "target_outside",
            )
    return list(dict.fromkeys(targets))


def news_create(*, actor, organisation, data: dict) -> NewsItem:
    """A draft written by ``actor`` (``write_news`` on ``organisation``). Raises ValidationError
    naming the field."""
    permissions.require_write(actor, organisation)
    values = clean_item(data, organisation)
    targets = values.pop("targets")
    with transaction.atomic():
        item = NewsItem.objects.create(organisation=organisation, author=actor, **values)
        item.targets.set(targets)
        audit.record(
            actor=actor, action=AuditAction.ITEM_CREATED, obj=item, organisation_id=organisation.pk,
            changes={"title": [None, item.title], "kind": [None, item.kind]},
        )  # fmt: skip
    return item


def news_update(*, actor, item: NewsItem, data: dict) -> NewsItem:
    """The author edits their draft (a sent-back item is a draft again)."""
    permissions.require_edit(actor, item)
    values = clean_item(data, item.organisation)
    targets = values.pop("targets")
    with transaction.atomic():
        item = locking.locked(item, "organisation")
        _require_status(item, Status.DRAFT)
        before = _snapshot(item)
        for field, value in values.items():
            setattr(item, field, value)
        item.updated_at = timezone.now()
        item.save()
        item.targets.set(targets)
        audit.record(
            actor=actor, action=AuditAction.ITEM_UPDATED, obj=item, organisation_id=item.organisation_id,
            changes=audit.diff(before, _snapshot(item)),
        )  # fmt: skip
    return item


def news_submit(*, actor, item: NewsItem) -> NewsItem:
    """The author sends their draft to 初审; a new review round begins. Checked first
    (``news.checks``): personal data in the body (``personal_data_in_body``) or a link to a page
    of ours that does not exist (``broken_link``) refuses it with nothing changed; sensitive
    words are stored on the item for the reviewers."""
    permissions.require_edit(actor, item)
    with transaction.atomic():
        item = locking.locked(item, "organisation")
        _require_status(item, Status.DRAFT)
        item.flagged_words = checks.check_before_review(item)
        item.status = Status.FIRST_REVIEW
        item.review_round += 1
        item.updated_at = timezone.now()
        item.save(update_fields=["status", "review_round", "updated_at", "flagged_words"])
        audit.record(
            actor=actor, action=AuditAction.ITEM_SUBMITTED, obj=item, organisation_id=item.organisation_id,
            changes={"status": [Status.DRAFT, item.status], "flagged_words": [None, item.flagged_words]},
        )  # fmt: skip
    return item


def news_approve(*, actor, item: NewsItem, comment: str = "") -> NewsItem:
    """初审 or 复审 passes the item to the next stage; the comment, if any, is kept. The 终审
    decision is :func:`news_publish`."""
    comment = inputs.text(comment, "comment", prose=True, max_length=COMMENT_MAX)
    with transaction.atomic():
        item = _under_review(actor, item, stages=(Status.FIRST_REVIEW, Status.SECOND_REVIEW))
        before = item.status
        _step(item, actor, Decision.APPROVED, comment)
        item.status = _NEXT_STAGE[before]
        item.updated_at = timezone.now()
        item.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.ITEM_APPROVED, obj=item, organisation_id=item.organisation_id,
            changes={"status": [before, item.status]}, reason=comment,
        )  # fmt: skip
    return item


def news_publish(*, actor, item: NewsItem, comment: str = "") -> NewsItem:
    """终审 passes and the item is published now."""
    comment = inputs.text(comment, "comment", prose=True, max_length=COMMENT_MAX)
    with transaction.atomic():
        item = _under_review(actor, item, stages=(Status.FINAL_REVIEW,))
        original = _correction_target(item)
        _step(item, actor, Decision.APPROVED, comment)
        item.status = Status.PUBLISHED
        item.published_at = item.updated_at = timezone.now()
        item.save(update_fields=["status", "published_at", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.ITEM_PUBLISHED, obj=item, organisation_id=item.organisation_id,
            changes={"status": [Status.FINAL_REVIEW, item.status]}, reason=comment,
        )  # fmt: skip
        if original is not None:
            _apply_correction(actor, original, item)
            search.index_item(original)  # the corrected text replaces the old terms
        else:
            receipts.notify_published(item)
            search.index_item(item)
    return item


def news_correct(*, actor, item: NewsItem, data: dict) -> NewsItem:
    """A correction (更正) of a published item: a new draft by ``actor`` (``write_news`` on the
    item's union) with the corrected ``title`` and ``body`` and the original's other fields,
    which goes through the whole 三审三校 like any draft. The original stays published until
    and after the correction is published (:func:`news_publish` then copies the text into it)."""
    permissions.require_write(actor, item.organisation)
    values = clean_item(
        {
            "kind": item.kind,
            "audience": item.audience,
            "targets": list(item.targets.all()),
            "pinned": item.pinned,
            "requires_ack": item.requires_ack,
            "valid_from": item.valid_from,
            "valid_until": item.valid_until,
            "title": data.get("title", item.title),
            "body": data.get("body", item.body),
        },
        item.organisation,
    )
    targets = values.pop("targets")
    with transaction.atomic():
        original = locking.locked(item, "organisation")
        if original.status != Status.PUBLISHED or original.corrects_id:
            raise field_error("status", _("Only a published item can be corrected."), "wrong_stage")
        correction = NewsItem.objects.create(
            organisation=original.organisation, author=actor, corrects=original, **values
        )
        correction.targets.set(targets)
        audit.record(
            actor=actor, action=AuditAction.CORRECTION_CREATED, obj=correction,
            organisation_id=original.organisation_id,
            changes={"corrects": [None, str(original.pk)], "title": [original.title, correction.title]},
        )  # fmt: skip
    return correction


def _correction_target(item: NewsItem) -> NewsItem | None:
    """The published original a correction is about to replace (locked), or None for an item
    that corrects nothing; ``wrong_stage`` if the original was withdrawn meanwhile."""
    if not item.corrects_id:
        return None
    original = locking.locked(NewsItem(pk=item.corrects_id), "organisation")
    if original.status != Status.PUBLISHED:
        raise field_error("status", _("The corrected item is no longer published."), "wrong_stage")
    return original


def _apply_correction(actor, original: NewsItem, correction: NewsItem) -> None:
    """Keep the original's text as a revision and give it the corrected title and body."""
    NewsRevision.objects.create(
        item=original, correction=correction, title=original.title, body=original.body,
        replaced_at=correction.published_at,
    )  # fmt: skip
    before = original.title
    original.title, original.body = correction.title, correction.body
    original.corrected_at = original.updated_at = correction.published_at
    original.save(update_fields=["title", "body", "corrected_at", "updated_at"])
    audit.record(
        actor=actor, action=AuditAction.ITEM_CORRECTED, obj=original, organisation_id=original.organisation_id,
        changes={"title": [before, original.title], "corrected_at": [None, original.corrected_at.isoformat()]},
    )  # fmt: skip


def news_reject(*, actor, item: NewsItem, comment: str) -> NewsItem:
    """Any review stage sends the item back to its author as a draft, with the comment (required),
    and the author is told (inbox, and SMS/e-mail as they chose)."""
    comment = inputs.text(comment, "comment", prose=True, required=True, max_length=COMMENT_MAX)
    with transaction.atomic():
        item = _under_review(actor, item, stages=REVIEW_STAGES)
        stage = item.status
        _step(item, actor, Decision.REJECTED, comment)
        item.status = Status.DRAFT
        item.updated_at = timezone.now()
        item.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.ITEM_REJECTED, obj=item, organisation_id=item.organisation_id,
            changes={"status": [stage, item.status]}, reason=comment,
        )  # fmt: skip
        notify(
            kind=NotificationKind.REJECTED,
            user=item.author,
            title=gettext_lazy("Sent back: %(title)s"),
            body=gettext_lazy("Your item was sent back at %(stage)s with this comment: %(comment)s"),
            params={"title": item.title[:20], "stage": STAGE_NAMES[stage], "comment": comment},
        )
    return item


def news_withdraw(*, actor, item: NewsItem, reason: str) -> NewsItem:
    """A published item is taken down, with the reason (required), by a holder of
    ``review_news`` on its organisation or above."""
    permissions.require_withdraw(actor, item)
    reason = inputs.text(reason, "reason", prose=True, required=True, max_length=COMMENT_MAX)
    with transaction.atomic():
        item = locking.locked(item, "organisation")
        _require_status(item, Status.PUBLISHED)
        item.status = Status.WITHDRAWN
        item.withdrawn_at = item.updated_at = timezone.now()
        item.withdrawn_by = actor
        item.withdrawal_reason = reason
        item.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.ITEM_WITHDRAWN, obj=item, organisation_id=item.organisation_id,
            changes={"status": [Status.PUBLISHED, item.status]}, reason=reason,
        )  # fmt: skip
        search.unindex_item(item)
    return item


def _under_review(actor, item: NewsItem, *, stages) -> NewsItem:
    """The item locked, at one of ``stages``, and ``actor`` allowed to decide it (checked on the
    locked row: two reviewers pressing at once cannot both decide the same stage)."""
    permissions.require_review(actor, item)
    item = locking.locked(item, "organisation", "author")
    if item.status not in stages:
        raise field_error("status", _("This item is not waiting for this decision."), "wrong_stage")
    permissions.require_review(actor, item)
    return item


def _snapshot(item: NewsItem) -> dict:
    values = audit.snapshot(item, [f for f in _FIELDS if f != "body_length"])
    values["body_length"] = len(item.body)
    return values


def _step(item: NewsItem, actor, decision: str, comment: str) -> ReviewStep:
    return ReviewStep.objects.create(
        item=item,
        review_round=item.review_round,
        stage=item.status,
        reviewer=actor,
        decision=decision,
        comment=comment,
    )


def _require_status(item: NewsItem, status: str) -> None:
    if item.status != status:
        messages = {
            Status.DRAFT: _("Only a draft can be changed or sent to review."),
            Status.PUBLISHED: _("Only a published item can be withdrawn."),
        }
        raise field_error("status", messages[status], "wrong_stage")
