"""我为群众办实事: practical needs a union takes on, from requests or meetings."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.text import clean, prose
from gonghui.organisations import scoping
from gonghui.rights.choices import NeedSource, NeedStatus
from gonghui.rights.models import PracticalNeed

Action = scoping.Action


def need_create(
    *, actor, organisation, title: str, owner: str, deadline: datetime.date, request=None
) -> PracticalNeed:
    """A need from a request (linked; it must be held in the union's subtree) or a meeting."""
    scoping.require(actor, Action.HANDLE_REQUESTS, organisation)
    title, owner = clean(title), clean(owner)
    errors = {}
    if not title or len(title) > 120:
        errors["title"] = ValidationError(_("Name the need (at most 120 characters)."), code="title_invalid")
    if not owner or len(owner) > 60:
        errors["owner"] = ValidationError(_("Say who is responsible."), code="owner_required")
    if not isinstance(deadline, datetime.date):
        errors["deadline"] = ValidationError(_("Give a deadline."), code="date_invalid")
    if request is not None and not request.organisation.path.startswith(organisation.path):
        errors["request"] = ValidationError(
            _("The request is not held by this union."), code="request_elsewhere"
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
        audit.record(
            actor=actor,
            action="rights.need.created",
            obj=need,
            organisation_id=organisation.pk,
            changes={"title": [None, title]},
        )
    return need


def need_progress(*, actor, need: PracticalNeed, status: str, progress: str, rating=None) -> PracticalNeed:
    """Update the public progress; a rating (1–5, the people's evaluation) only once done."""
    scoping.require(actor, Action.HANDLE_REQUESTS, need.organisation)
    progress = prose(progress)
    if status not in NeedStatus.values:
        raise ValidationError({"status": ValidationError(_("Choose a status."), code="invalid_choice")})
    if rating is not None and (
        status != NeedStatus.DONE or not isinstance(rating, int) or not 1 <= rating <= 5
    ):
        raise ValidationError(
            {"rating": ValidationError(_("Rate from 1 to 5 once done."), code="rating_invalid")}
        )
    with transaction.atomic():
        before = need.status
        need.status, need.progress = status, progress
        if rating is not None:
            need.rating = rating
        need.save(update_fields=["status", "progress", "rating"])
        audit.record(
            actor=actor,
            action="rights.need.progress",
            obj=need,
            organisation_id=need.organisation_id,
            changes={"status": [before, status]},
        )
    return need


def need_rate(*, actor, need: PracticalNeed, rating) -> PracticalNeed:
    """Record the people's evaluation (1–5) of a need that is done; it can be revised."""
    scoping.require(actor, Action.HANDLE_REQUESTS, need.organisation)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": ValidationError(_("Rate from 1 to 5."), code="rating_invalid")})
    if need.status != NeedStatus.DONE:
        raise ValidationError({"rating": ValidationError(_("Rate from 1 to 5 once done."), code="not_done")})
    with transaction.atomic():
        before = need.rating
        need.rating = rating
        need.save(update_fields=["rating"])
        audit.record(
            actor=actor,
            action="rights.need.rated",
            obj=need,
            organisation_id=need.organisation_id,
            changes={"rating": [before, rating]},
        )
    return need
