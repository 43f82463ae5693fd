"""Who may write and review news items, on top of scoping (docs/dev/permissions.md).

Review rights are those of the item's organisation or above (``review_news`` there); the
different-person rule of 三审三校 (never the author, never someone who already decided in this
review round) is an input refusal (``same_person``), not a scope answer: the reviewer may see
and review the item, just not this one time.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.organisations import scoping
from gonghui.organisations.scoping import Action


def signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def is_author(user, item) -> bool:
    return signed_in(user) and item.author_id == user.pk


def can_write(user, organisation) -> bool:
    return scoping.can(user, Action.WRITE_NEWS, organisation)


def require_write(user, organisation) -> None:
    """404 when the organisation is not visible to ``user``, 403 when they may not write."""
    scoping.require_object(user, Action.WRITE_NEWS, organisation)


def require_edit(user, item) -> None:
    """The author, still holding ``write_news`` there; anyone else who sees the item: 403."""
    scoping.require_object(user, Action.VIEW, item.organisation)
    if not is_author(user, item):
        scoping.refuse(visible=True)
    require_write(user, item.organisation)


def earlier_reviewer_ids(item) -> set:
    """Who already decided on ``item`` in its current review round."""
    return set(item.steps.filter(review_round=item.review_round).values_list("reviewer_id", flat=True))


def can_review(user, item) -> bool:
    return (
        scoping.can(user, Action.REVIEW_NEWS, item.organisation)
        and not is_author(user, item)
        and user.pk not in earlier_reviewer_ids(item)
    )


def require_review(user, item) -> None:
    """404 when not visible, 403 without ``review_news`` on the item's organisation (or above),
    ValidationError ``same_person`` for the author or an earlier reviewer of this round."""
    scoping.require_object(user, Action.REVIEW_NEWS, item.organisation)
    if is_author(user, item) or user.pk in earlier_reviewer_ids(item):
        raise ValidationError(
            _("Each review stage needs a different person: not the author, not an earlier reviewer."),
            code="same_person",
        )


def require_withdraw(user, item) -> None:
    scoping.require_object(user, Action.REVIEW_NEWS, item.organisation)
