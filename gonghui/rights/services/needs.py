"""我为群众办实事: practical needs a union takes on, from requests or meetings."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs
from gonghui.rights import permissions
from gonghui.rights.choices import AuditAction, NeedSource, NeedStatus
from gonghui.rights.models import PracticalNeed
from gonghui.rights.services.common import collect, given_text


def _audit(need: PracticalNeed, action: AuditAction, *, actor, changes: dict) -> None:
    audit.record(actor=actor, action=action, obj=need, organisation_id=need.organisation_id, changes=changes)


def need_create(*, actor, organisation, title: str, owner: str, deadline, request=None) -> PracticalNeed:
    """A need of ``organisation`` from a request (linked; it must be held in the union's
    subtree) or a meeting, with an owner (a department or post) and a deadline."""
    permissions.require_manage_need(actor, organisation)
    errors: dict = {}
    title = collect(
        errors,
        "title",
        lambda: given_text(title, "title", _("Name the need (at most 120 characters)."), max_length=120),
    )
    owner = collect(
        errors, "owner", lambda: given_text(owner, "owner", _("Say who is responsible."), max_length=60)
    )
    deadline = collect(errors, "deadline", lambda: inputs.date(deadline, "deadline"))
    if request is not None and not organisation.contains(request.organisation):
        errors["request"] = inputs.field_error(
            "", _("The request is not held by this union."), "request_elsewhere"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        need = PracticalNeed.objects.create(
            organisation=organisation,
            title=title,
            owner=owner,
            deadline=deadline,
            request=request,
            source=NeedSource.REQUEST if request is not None else NeedSource.MEETING,
        )
        _audit(need, AuditAction.NEED_CREATED, actor=actor, changes={"title": [None, title]})
    return need


def _rating(value, status: str, *, required: bool) -> int | None:
    """The people's evaluation, 1–5, given only once the need is done."""
    rating = inputs.integer(value, "rating", required=required, minimum=1, maximum=5)
    if rating is not None and status != NeedStatus.DONE:
        raise inputs.field_error("rating", _("Rate from 1 to 5 once done."), "not_done")
    return rating


def need_progress(*, actor, need: PracticalNeed, status: str, progress: str, rating=None) -> PracticalNeed:
    """Update the status and the public progress; a rating (1–5, the people's evaluation)
    only once done."""
    permissions.require_manage_need(actor, need.organisation)
    errors: dict = {}
    status = collect(errors, "status", lambda: inputs.choice(status, "status", NeedStatus))
    progress = collect(errors, "progress", lambda: inputs.text(progress, "progress", prose=True))
    if "status" not in errors:
        rating = collect(errors, "rating", lambda: _rating(rating, status, required=False))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = need.status
        need.status, need.progress = status, progress
        if rating is not None:
            need.rating = rating
        need.save(update_fields=["status", "progress", "rating"])
        _audit(need, AuditAction.NEED_PROGRESS, actor=actor, changes={"status": [before, status]})
    return need


def need_rate(*, actor, need: PracticalNeed, rating) -> PracticalNeed:
    """Record the people's evaluation (1–5) of a need that is done; it can be revised."""
    permissions.require_manage_need(actor, need.organisation)
    rating = _rating(rating, need.status, required=True)
    with transaction.atomic():
        before = need.rating
        need.rating = rating
        need.save(update_fields=["rating"])
        _audit(need, AuditAction.NEED_RATED, actor=actor, changes={"rating": [before, rating]})
    return need
