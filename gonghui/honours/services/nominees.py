"""Nominees of a nomination list: recommend from a lower union, review level by level up to
the organiser, resubmit or withdraw, and strike off after an upheld objection. The list as a
whole (quotas, 公示, approval) is in ``lists``.

Who does what (``manage_honours``; ``permissions`` says where):

* a union strictly below the organiser recommends members (teams) of its own subtree;
* each level between the recommending union and the organiser, in turn, passes the nominee
  up or returns it with a reason (``Nominee.current_org`` is the level whose turn it is; a
  level above may act for it — the step is recorded against that level and the actor);
* the recommending union resubmits a returned nominee or withdraws it;
* the organiser strikes a nominee off once an objection against them is upheld.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs
from gonghui.core.inputs import InputCode, field_error
from gonghui.core.validation import FieldErrors
from gonghui.honours import categories, permissions, quota
from gonghui.honours.choices import (
    TEAM_KINDS,
    ListStatus,
    NomineeStatus,
    ObjectionStatus,
    Ownership,
    ReviewDecision,
)
from gonghui.honours.models import NominationList, Nominee, NomineeReview
from gonghui.honours.services.lists import check_building, lock_list
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.models import Member
from gonghui.organisations.models import Organisation


def _lock_nominee(nominee: Nominee) -> Nominee:
    return (
        Nominee.objects.select_for_update(of=("self",))
        .select_related("nomination_list__organiser", "current_org", "recommended_by_org", "organisation")
        .get(pk=nominee.pk)
    )


def _step(nominee: Nominee, *, actor, level: Organisation, decision: str, action: str, changes, reason=""):
    """One step of the nominee's timeline, taken at ``level`` (the recommending union, a
    reviewing level, the organiser): the timeline row and its audit entry, filed there."""
    NomineeReview.objects.create(
        nominee=nominee, organisation=level, decision=decision, reason=reason, actor=actor
    )
    audit.record(
        actor=actor, action=action, obj=nominee, organisation_id=level.pk, changes=changes, reason=reason
    )


def nominee_recommend(
    *,
    actor,
    nomination_list: NominationList,
    recommending_org: Organisation,
    deeds: str,
    is_front_line: bool,
    member: Member | None = None,
    team_name: str = "",
    team_organisation: Organisation | None = None,
    team_host: str = "",
    is_industrial_worker: bool | None = None,
    is_migrant_worker: bool | None = None,
    enterprise_ownership: str | None = None,
) -> Nominee:
    """A union below the organiser recommends one of its members (or, on a 工人先锋号 list, a
    team of one of its unions). Needs ``manage_honours`` on ``recommending_org``. Quota facts
    the record does not hold are passed in; ``None`` means "derive" (see
    :mod:`gonghui.honours.categories`), refused when nothing is recorded to derive from. The
    nominee then waits for the next level up."""
    permissions.require_recommend(actor, recommending_org)
    nl = nomination_list
    errors = FieldErrors()
    if not nl.recommends_here(recommending_org):
        errors.add(
            field_error(
                "recommending_org",
                _("Only unions below %(org)s recommend to this list.") % {"org": nl.organiser.name},
                "not_below_organiser",
            )
        )
    deeds = errors.read(inputs.text, deeds, "deeds")
    if deeds == "":
        errors.add(field_error("deeds", _("Describe the nominee's achievements."), InputCode.REQUIRED))
    team_name = errors.read(inputs.text, team_name, "team_name", max_length=120) or ""
    team_host = errors.read(inputs.text, team_host, "team_host", max_length=120) or ""
    if enterprise_ownership is not None:
        errors.read(inputs.choice, enterprise_ownership, "enterprise_ownership", Ownership)
    if nl.kind in TEAM_KINDS:
        if member is not None:
            errors.add(field_error("member", _("This list is for teams."), "team_only"))
        if not team_name and "team_name" not in errors:
            errors.add(field_error("team_name", _("Name the team."), InputCode.REQUIRED))
        owner = team_organisation
        if owner is None:
            errors.add(field_error("team_organisation", _("Choose the team's union."), InputCode.REQUIRED))
        elif not recommending_org.contains(owner):
            errors.add(
                field_error(
                    "team_organisation",
                    _("The team's union must be the recommending union or one below it."),
                    "team_outside",
                )
            )
        display, employer = team_name, team_host or (owner.host_name if owner else "")
        form = ""
    else:
        owner = None if member is None else member.organisation
        if member is None:
            errors.add(field_error("member", _("Choose the member to recommend."), InputCode.REQUIRED))
        elif not recommending_org.contains(owner):
            errors.add(
                field_error(
                    "member",
                    _("The member does not belong to the recommending union or a union below it."),
                    "member_outside",
                )
            )
        elif member.status not in IN_MEMBERSHIP:
            errors.add(field_error("member", _("Only current members can be recommended."), "not_member"))
        display, employer = (member.name, member.employer) if member else ("", "")
        form = member.employment_form if member else ""
        if member is not None and is_migrant_worker is None:
            is_migrant_worker = member.is_migrant_worker
    errors.raise_any()
    if is_industrial_worker is None:
        is_industrial_worker = categories.industrial_from(owner, form)
        if is_industrial_worker is None:
            raise field_error(
                "is_industrial_worker",
                _(
                    "The union's host unit has no industry on record: say whether the nominee is an industrial worker."
                ),
                "industrial_required",
            )
    if enterprise_ownership is None:
        enterprise_ownership = categories.ownership_from(owner)
        if enterprise_ownership is None:
            raise field_error(
                "enterprise_ownership",
                _("The union's host unit has no ownership on record: choose the enterprise's ownership."),
                "ownership_required",
            )
    with transaction.atomic():
        nl = lock_list(nl)
        check_building(nl)
        if (
            member is not None
            and Nominee.objects.filter(nomination_list=nl, member=member)
            .exclude(status__in=[NomineeStatus.WITHDRAWN, NomineeStatus.STRUCK])
            .exists()
        ):
            raise field_error("member", _("This member is already on the list."), "duplicate_nominee")
        nominee = Nominee.objects.create(
            nomination_list=nl,
            member=member,
            team_name=team_name,
            display_name=display,
            employer=employer,
            organisation=owner,
            recommended_by_org=recommending_org,
            current_org=recommending_org.get_parent(),
            deeds=deeds,
            is_front_line=bool(is_front_line),
            is_industrial_worker=bool(is_industrial_worker),
            is_migrant_worker=bool(is_migrant_worker),
            enterprise_ownership=enterprise_ownership,
            created_by=actor,
        )
        _step(
            nominee,
            actor=actor,
            level=recommending_org,
            decision=ReviewDecision.RECOMMENDED,
            action="honours.nominee.recommended",
            changes={
                "list": [None, str(nl.pk)],
                "status": [None, nominee.status],
                "with": [None, nominee.current_org.name],
                "categories": [None, ",".join(sorted(_categories(nominee)))],
            },
        )
    return nominee


def _categories(n: Nominee) -> frozenset[str]:
    return quota.nominee_categories(
        is_industrial_worker=n.is_industrial_worker,
        is_front_line=n.is_front_line,
        is_migrant_worker=n.is_migrant_worker,
        enterprise_ownership=n.enterprise_ownership,
    )


def _turn(actor, nominee: Nominee) -> Organisation:
    """The level whose turn it is, once the nominee is known to wait and ``actor`` to act for
    that level (403 for a level below it)."""
    if nominee.status != NomineeStatus.IN_REVIEW or nominee.current_org is None:
        raise ValidationError(_("This nominee is not waiting for review."), code="not_in_review")
    permissions.require_review(actor, nominee)
    return nominee.current_org


def nominee_approve(*, actor, nominee: Nominee) -> Nominee:
    """The level whose turn it is passes the nominee up; at the organiser it is accepted
    onto the list."""
    with transaction.atomic():
        n = _lock_nominee(nominee)
        check_building(n.nomination_list)
        level = _turn(actor, n)
        organiser = n.nomination_list.organiser
        before = n.current_org.name
        if level.pk == organiser.pk:
            n.status, n.current_org, decision = NomineeStatus.ACCEPTED, None, ReviewDecision.ACCEPTED
        else:
            n.current_org, decision = level.get_parent(), ReviewDecision.APPROVED
        n.save(update_fields=["status", "current_org"])
        _step(
            n,
            actor=actor,
            level=level,
            decision=decision,
            action="honours.nominee.approved",
            changes={
                "with": [before, n.current_org.name if n.current_org else None],
                "status": ["in_review", n.status],
            },
        )
    return n


def _reason(value, message: str) -> str:
    """A reason the step cannot go without (``required``)."""
    reason = inputs.text(value, "reason")
    if not reason:
        raise field_error("reason", message, InputCode.REQUIRED)
    return reason


def nominee_return(*, actor, nominee: Nominee, reason: str) -> Nominee:
    """The level whose turn it is sends the nominee back to the recommending union, with a
    reason."""
    reason = _reason(reason, _("Give the reason for returning the nominee."))
    with transaction.atomic():
        n = _lock_nominee(nominee)
        check_building(n.nomination_list)
        level = _turn(actor, n)
        n.status, n.current_org, n.return_reason = NomineeStatus.RETURNED, None, reason
        n.save(update_fields=["status", "current_org", "return_reason"])
        _step(
            n,
            actor=actor,
            level=level,
            decision=ReviewDecision.RETURNED,
            action="honours.nominee.returned",
            changes={"status": ["in_review", "returned"]},
            reason=reason,
        )
    return n


def nominee_resubmit(*, actor, nominee: Nominee, deeds: str = "") -> Nominee:
    """The recommending union sends a returned nominee up again (optionally with revised
    achievements); the review starts again at the first level."""
    permissions.require_manage_nomination(actor, nominee)
    deeds = inputs.text(deeds, "deeds")
    with transaction.atomic():
        n = _lock_nominee(nominee)
        check_building(n.nomination_list)
        if n.status != NomineeStatus.RETURNED:
            raise ValidationError(_("Only a returned nominee can be resubmitted."), code="not_returned")
        n.status, n.current_org = NomineeStatus.IN_REVIEW, n.recommended_by_org.get_parent()
        if deeds:
            n.deeds = deeds
        n.save(update_fields=["status", "current_org", "deeds"])
        _step(
            n,
            actor=actor,
            level=n.recommended_by_org,
            decision=ReviewDecision.RESUBMITTED,
            action="honours.nominee.resubmitted",
            changes={"status": ["returned", "in_review"]},
        )
    return n


def nominee_withdraw(*, actor, nominee: Nominee, reason: str = "") -> Nominee:
    """The recommending union takes its nominee off the list while the list is being built."""
    permissions.require_manage_nomination(actor, nominee)
    reason = inputs.text(reason, "reason")
    with transaction.atomic():
        n = _lock_nominee(nominee)
        check_building(n.nomination_list)
        if n.status not in {NomineeStatus.IN_REVIEW, NomineeStatus.RETURNED, NomineeStatus.ACCEPTED}:
            raise ValidationError(_("This nominee is no longer on the list."), code="not_on_list")
        before = n.status
        n.status, n.current_org = NomineeStatus.WITHDRAWN, None
        n.save(update_fields=["status", "current_org"])
        _step(
            n,
            actor=actor,
            level=n.recommended_by_org,
            decision=ReviewDecision.WITHDRAWN,
            action="honours.nominee.withdrawn",
            changes={"status": [before, "withdrawn"]},
            reason=reason,
        )
    return n


def nominee_strike(*, actor, nominee: Nominee, reason: str) -> Nominee:
    """After an objection against the nominee is upheld, the organiser strikes the nominee
    off; the rest of the list can then be approved."""
    permissions.require_strike(actor, nominee)
    reason = _reason(reason, _("Give the reason for striking the nominee off."))
    with transaction.atomic():
        n = _lock_nominee(nominee)
        if n.nomination_list.status != ListStatus.PUBLICITY or n.status != NomineeStatus.ACCEPTED:
            raise ValidationError(
                _("Only a nominee on public notice can be struck off."), code="not_on_notice"
            )
        if not n.objections.filter(status=ObjectionStatus.UPHELD).exists():
            raise ValidationError(
                _("A nominee is struck off only after an objection against them is upheld."),
                code="no_upheld_objection",
            )
        n.status = NomineeStatus.STRUCK
        n.save(update_fields=["status"])
        _step(
            n,
            actor=actor,
            level=n.nomination_list.organiser,
            decision=ReviewDecision.STRUCK,
            action="honours.nominee.struck",
            changes={"status": ["accepted", "struck"]},
            reason=reason,
        )
    return n
