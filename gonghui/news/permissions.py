"""Who may write and review news items, on top of scoping (docs/dev/permissions.md).

Review rights are those of the item's organisation or above (``review_news`` there); the
different-person rule of 三审三校 (never the author, never someone who already decided in this
review round) is an input refusal (``same_person``), not a scope answer: the reviewer may see
and review the item, just not this one time.
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from gonghui.news.models import NewsItem
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


# --- readers: the tree conditions of the reader selectors (selectors/readers.py) --------------


def in_subtrees(paths, *, field: str = "organisation") -> Q:
    """Rows whose union (``field``) lies in the subtree of one of the unions at ``paths``."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__path__startswith": path})
    return q


def under_outer_union(*, field: str = "organisation") -> dict:
    """Filter arguments for a subquery: rows whose union lies in the subtree of the outer
    query's organisation row (``OuterRef("path")``)."""
    return {f"{field}__path__startswith": OuterRef("path")}


def officer_scope(user) -> Q:
    """Items whose publishing union or one of whose targets lies in ``user``'s scope."""
    roots = scoping.root_paths(user, Action.VIEW)
    if not roots:
        return Q(pk__in=[])
    targets = NewsItem.targets.through.objects.filter(in_subtrees(roots), newsitem_id=OuterRef("pk"))
    return scoping.org_q(user, Action.VIEW, field="organisation") | Exists(targets)
