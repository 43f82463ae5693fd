"""Nomination lists (推荐评选): create a list, recommend nominees from lower unions, review
them level by level up to the organiser, put the accepted ones on public notice (公示) once
the quotas are met (or consciously overridden), and approve the list into honours.

Who does what (``manage_honours`` unless said otherwise):

* the organiser union creates the list, sets its quotas, starts the notice, approves;
* a union strictly below the organiser recommends members (teams) of its own subtree;
* each level between the recommending union and the organiser, in turn, passes the nominee
  up or returns it with a reason (``Nominee.current_org`` is the level whose turn it is; a
  level above may act for it — the step is recorded against that level and the actor);
* the recommending union resubmits a returned nominee or withdraws it.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, workdays
from gonghui.core.text import check_lengths, clean
from gonghui.honours import categories, quota
from gonghui.honours.choices import (
    LEVEL_ORGANISER_DEPTH,
    ON_LIST,
    OPEN_OBJECTION,
    TEAM_KINDS,
    HonourKind,
    HonourLevel,
    ListStatus,
    NomineeStatus,
    ObjectionStatus,
    Ownership,
    ReviewDecision,
)
from gonghui.honours.models import NominationList, Nominee, NomineeReview, Objection
from gonghui.honours.services import registry
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action
DEFAULT_NOTICE_DAYS = 5  # working days of public notice
MAX_NOTICE_DAYS = 30


def _err(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _lock_list(nomination_list: NominationList) -> NominationList:
    return (
        NominationList.objects.select_for_update(of=("self",))
        .select_related("organiser")
        .get(pk=nomination_list.pk)
    )


def _lock_nominee(nominee: Nominee) -> Nominee:
    return (
        Nominee.objects.select_for_update(of=("self",))
        .select_related("nomination_list__organiser", "current_org", "recommended_by_org", "organisation")
        .get(pk=nominee.pk)
    )


def _require_building(nomination_list: NominationList) -> None:
    if nomination_list.status != ListStatus.BUILDING:
        raise ValidationError(
            _("The list is no longer open for recommendations and review."), code="list_not_building"
        )


def _parent(org: Organisation) -> Organisation:
    return org.get_parent()


# ---- lists ------------------------------------------------------------------------------


def nomination_list_create(
    *,
    actor,
    organiser: Organisation,
    title: str,
    kind: str,
    level: str,
    year: int,
    issuing_body: str = "",
    allowance: bool = False,
    medical_benefit: bool = False,
    quota_rules: object = None,
    recommend_by: datetime.date | None = None,
) -> NominationList:
    """Open a selection round. Needs ``manage_honours`` on ``organiser``, whose level must be
    at least the honour's level (a provincial federation runs a provincial round, not a
    national one). ``quota_rules`` default to :data:`quota.DEFAULT_RULES`."""
    scoping.require(actor, Action.MANAGE_HONOURS, organiser)
    title, issuing_body = clean(title), clean(issuing_body) or organiser.name
    errors = {}
    if not title:
        errors["title"] = ValidationError(_("Give the list a title."), code="required")
    if kind not in HonourKind.values:
        errors["kind"] = ValidationError(_("Choose a kind of honour."), code="kind")
    if level not in HonourLevel.values:
        errors["level"] = ValidationError(_("Choose a level."), code="level")
    elif organiser.level > LEVEL_ORGANISER_DEPTH[level]:
        errors["level"] = ValidationError(
            _("%(org)s cannot run a selection at this level.") % {"org": organiser.name},
            code="level_too_high",
        )
    this_year = timezone.localdate().year
    if not isinstance(year, int) or isinstance(year, bool) or not this_year - 1 <= year <= this_year + 1:
        errors["year"] = ValidationError(
            _("The year must be last year, this year or next year."), code="year"
        )
    if errors:
        raise ValidationError(errors)
    rules = quota.parse_rules(quota.DEFAULT_RULES if quota_rules is None else quota_rules)
    check_lengths(NominationList, {"title": title, "issuing_body": issuing_body})
    with transaction.atomic():
        nl = NominationList.objects.create(
            title=title,
            kind=kind,
            level=level,
            year=year,
            organiser=organiser,
            issuing_body=issuing_body,
            allowance=bool(allowance),
            medical_benefit=bool(medical_benefit),
            quota_rules=rules,
            recommend_by=recommend_by,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="honours.list.created",
            obj=nl,
            organisation_id=organiser.pk,
            changes={
                "kind": [None, kind],
                "level": [None, level],
                "year": [None, year],
                "quota_rules": [None, str(rules)],
            },
        )
    return nl


def nomination_list_set_quotas(
    *, actor, nomination_list: NominationList, quota_rules: object
) -> NominationList:
    """Change a list's quota rules while it is being built."""
    scoping.require(actor, Action.MANAGE_HONOURS, nomination_list.organiser)
    rules = quota.parse_rules(quota_rules)
    with transaction.atomic():
        nl = _lock_list(nomination_list)
        _require_building(nl)
        before = nl.quota_rules
        nl.quota_rules = rules
        nl.save(update_fields=["quota_rules"])
        audit.record(
            actor=actor,
            action="honours.list.quotas_changed",
            obj=nl,
            organisation_id=nl.organiser_id,
            changes={"quota_rules": [str(before), str(rules)]},
        )
    return nl


def quota_lines(nomination_list: NominationList, *, statuses=ON_LIST, extra: frozenset | None = None):
    """The quota check of the nominees on the list (plus a hypothetical ``extra`` nominee's
    categories, for the live preview while one is being recommended)."""
    rows = Nominee.objects.filter(nomination_list=nomination_list, status__in=statuses).values_list(
        "is_industrial_worker", "is_front_line", "is_migrant_worker", "enterprise_ownership"
    )
    cats = [
        quota.nominee_categories(
            is_industrial_worker=ind, is_front_line=front, is_migrant_worker=mig, enterprise_ownership=own
        )
        for ind, front, mig, own in rows
    ]
    if extra is not None:
        cats.append(extra)
    return quota.check(nomination_list.quota_rules, cats)


# ---- nominees ---------------------------------------------------------------------------


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
    scoping.require(actor, Action.MANAGE_HONOURS, recommending_org)
    nl = nomination_list
    organiser = nl.organiser
    errors = {}
    if not (recommending_org.path.startswith(organiser.path) and recommending_org.path != organiser.path):
        errors["recommending_org"] = ValidationError(
            _("Only unions below %(org)s recommend to this list.") % {"org": organiser.name},
            code="not_below_organiser",
        )
    deeds, team_name, team_host = clean(deeds), clean(team_name), clean(team_host)
    if not deeds:
        errors["deeds"] = ValidationError(_("Describe the nominee's achievements."), code="required")
    if enterprise_ownership is not None and enterprise_ownership not in Ownership.values:
        errors["enterprise_ownership"] = ValidationError(
            _("Choose the enterprise's ownership."), code="ownership"
        )
    if nl.kind in TEAM_KINDS:
        if member is not None:
            errors["member"] = ValidationError(_("This list is for teams."), code="team_only")
        if not team_name:
            errors["team_name"] = ValidationError(_("Name the team."), code="required")
        owner = team_organisation
        if owner is None:
            errors["team_organisation"] = ValidationError(_("Choose the team's union."), code="required")
        elif not owner.path.startswith(recommending_org.path):
            errors["team_organisation"] = ValidationError(
                _("The team's union must be the recommending union or one below it."), code="team_outside"
            )
        display, employer = team_name, team_host or (owner.host_name if owner else "")
        form = ""
    else:
        if member is None:
            errors["member"] = ValidationError(_("Choose the member to recommend."), code="required")
            owner = None
        else:
            owner = member.organisation
            if not owner.path.startswith(recommending_org.path):
                errors["member"] = ValidationError(
                    _("The member does not belong to the recommending union or a union below it."),
                    code="member_outside",
                )
            elif member.status not in IN_MEMBERSHIP:
                errors["member"] = ValidationError(
                    _("Only current members can be recommended."), code="not_member"
                )
        display, employer = (member.name, member.employer) if member else ("", "")
        form = member.employment_form if member else ""
        if member is not None and is_migrant_worker is None:
            is_migrant_worker = member.is_migrant_worker
    if errors:
        raise ValidationError(errors)
    if is_industrial_worker is None:
        is_industrial_worker = categories.industrial_from(owner, form)
        if is_industrial_worker is None:
            raise _err(
                "is_industrial_worker",
                _(
                    "The union's host unit has no industry on record: say whether the nominee is an industrial worker."
                ),
                "industrial_required",
            )
    if enterprise_ownership is None:
        enterprise_ownership = categories.ownership_from(owner)
        if enterprise_ownership is None:
            raise _err(
                "enterprise_ownership",
                _("The union's host unit has no ownership on record: choose the enterprise's ownership."),
                "ownership_required",
            )
    check_lengths(Nominee, {"display_name": display, "employer": employer, "team_name": team_name})
    with transaction.atomic():
        nl = _lock_list(nl)
        _require_building(nl)
        if (
            member is not None
            and Nominee.objects.filter(nomination_list=nl, member=member)
            .exclude(status__in=[NomineeStatus.WITHDRAWN, NomineeStatus.STRUCK])
            .exists()
        ):
            raise _err("member", _("This member is already on the list."), "duplicate_nominee")
        nominee = Nominee.objects.create(
            nomination_list=nl,
            member=member,
            team_name=team_name,
            display_name=display,
            employer=employer,
            organisation=owner,
            recommended_by_org=recommending_org,
            current_org=_parent(recommending_org),
            deeds=deeds,
            is_front_line=bool(is_front_line),
            is_industrial_worker=bool(is_industrial_worker),
            is_migrant_worker=bool(is_migrant_worker),
            enterprise_ownership=enterprise_ownership,
            created_by=actor,
        )
        NomineeReview.objects.create(
            nominee=nominee, organisation=recommending_org, decision=ReviewDecision.RECOMMENDED, actor=actor
        )
        audit.record(
            actor=actor,
            action="honours.nominee.recommended",
            obj=nominee,
            organisation_id=recommending_org.pk,
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


def can_review(user, nominee: Nominee) -> bool:
    return (
        nominee.status == NomineeStatus.IN_REVIEW
        and nominee.current_org is not None
        and nominee.nomination_list.status == ListStatus.BUILDING
        and scoping.can(user, Action.MANAGE_HONOURS, nominee.current_org)
    )


def _require_turn(actor, nominee: Nominee) -> Organisation:
    if nominee.status != NomineeStatus.IN_REVIEW or nominee.current_org is None:
        raise ValidationError(_("This nominee is not waiting for review."), code="not_in_review")
    if not scoping.can(actor, Action.MANAGE_HONOURS, nominee.current_org):
        # The nominee is visible (it was fetched in scope) but it is another level's turn.
        raise PermissionDenied
    return nominee.current_org


def nominee_approve(*, actor, nominee: Nominee) -> Nominee:
    """The level whose turn it is passes the nominee up; at the organiser it is accepted
    onto the list."""
    with transaction.atomic():
        n = _lock_nominee(nominee)
        _require_building(n.nomination_list)
        level = _require_turn(actor, n)
        organiser = n.nomination_list.organiser
        before = n.current_org.name
        if level.pk == organiser.pk:
            n.status, n.current_org, decision = NomineeStatus.ACCEPTED, None, ReviewDecision.ACCEPTED
        else:
            n.current_org, decision = _parent(level), ReviewDecision.APPROVED
        n.save(update_fields=["status", "current_org"])
        NomineeReview.objects.create(nominee=n, organisation=level, decision=decision, actor=actor)
        audit.record(
            actor=actor,
            action="honours.nominee.approved",
            obj=n,
            organisation_id=level.pk,
            changes={
                "with": [before, n.current_org.name if n.current_org else None],
                "status": ["in_review", n.status],
            },
        )
    return n


def nominee_return(*, actor, nominee: Nominee, reason: str) -> Nominee:
    """The level whose turn it is sends the nominee back to the recommending union, with a
    reason."""
    reason = clean(reason)
    if not reason:
        raise _err("reason", _("Give the reason for returning the nominee."), "reason_required")
    with transaction.atomic():
        n = _lock_nominee(nominee)
        _require_building(n.nomination_list)
        level = _require_turn(actor, n)
        n.status, n.current_org, n.return_reason = NomineeStatus.RETURNED, None, reason
        n.save(update_fields=["status", "current_org", "return_reason"])
        NomineeReview.objects.create(
            nominee=n, organisation=level, decision=ReviewDecision.RETURNED, reason=reason, actor=actor
        )
        audit.record(
            actor=actor,
            action="honours.nominee.returned",
            obj=n,
            organisation_id=level.pk,
            changes={"status": ["in_review", "returned"]},
            reason=reason,
        )
    return n


def nominee_resubmit(*, actor, nominee: Nominee, deeds: str = "") -> Nominee:
    """The recommending union sends a returned nominee up again (optionally with revised
    achievements); the review starts again at the first level."""
    scoping.require(actor, Action.MANAGE_HONOURS, nominee.recommended_by_org)
    deeds = clean(deeds)
    with transaction.atomic():
        n = _lock_nominee(nominee)
        _require_building(n.nomination_list)
        if n.status != NomineeStatus.RETURNED:
            raise ValidationError(_("Only a returned nominee can be resubmitted."), code="not_returned")
        n.status, n.current_org = NomineeStatus.IN_REVIEW, _parent(n.recommended_by_org)
        if deeds:
            n.deeds = deeds
        n.save(update_fields=["status", "current_org", "deeds"])
        NomineeReview.objects.create(
            nominee=n, organisation=n.recommended_by_org, decision=ReviewDecision.RESUBMITTED, actor=actor
        )
        audit.record(
            actor=actor,
            action="honours.nominee.resubmitted",
            obj=n,
            organisation_id=n.recommended_by_org_id,
            changes={"status": ["returned", "in_review"]},
        )
    return n


def nominee_withdraw(*, actor, nominee: Nominee, reason: str = "") -> Nominee:
    """The recommending union takes its nominee off the list while the list is being built."""
    scoping.require(actor, Action.MANAGE_HONOURS, nominee.recommended_by_org)
    reason = clean(reason)
    with transaction.atomic():
        n = _lock_nominee(nominee)
        _require_building(n.nomination_list)
        if n.status not in {NomineeStatus.IN_REVIEW, NomineeStatus.RETURNED, NomineeStatus.ACCEPTED}:
            raise ValidationError(_("This nominee is no longer on the list."), code="not_on_list")
        before = n.status
        n.status, n.current_org = NomineeStatus.WITHDRAWN, None
        n.save(update_fields=["status", "current_org"])
        NomineeReview.objects.create(
            nominee=n,
            organisation=n.recommended_by_org,
            decision=ReviewDecision.WITHDRAWN,
            reason=reason,
            actor=actor,
        )
        audit.record(
            actor=actor,
            action="honours.nominee.withdrawn",
            obj=n,
            organisation_id=n.recommended_by_org_id,
            changes={"status": [before, "withdrawn"]},
            reason=reason,
        )
    return n


def nominee_strike(*, actor, nominee: Nominee, reason: str) -> Nominee:
    """After an objection against the nominee is upheld, the organiser strikes the nominee
    off; the rest of the list can then be approved."""
    scoping.require(actor, Action.MANAGE_HONOURS, nominee.nomination_list.organiser)
    reason = clean(reason)
    if not reason:
        raise _err("reason", _("Give the reason for striking the nominee off."), "reason_required")
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
        NomineeReview.objects.create(
            nominee=n,
            organisation=n.nomination_list.organiser,
            decision=ReviewDecision.STRUCK,
            reason=reason,
            actor=actor,
        )
        audit.record(
            actor=actor,
            action="honours.nominee.struck",
            obj=n,
            organisation_id=n.nomination_list.organiser_id,
            changes={"status": ["accepted", "struck"]},
            reason=reason,
        )
    return n


# ---- public notice and approval ---------------------------------------------------------


def notice_end(start: datetime.date, days: int) -> datetime.date:
    """The last day of a notice of ``days`` working days from ``start``: ``start`` counts
    when it is a working day (Mon 23 Nov + 5 → Fri 27 Nov; Sat 21 Nov + 5 → Fri 27 Nov)."""
    return workdays.add_working_days(start - datetime.timedelta(days=1), days)


def publicity_start(
    *,
    actor,
    nomination_list: NominationList,
    start: datetime.date | None = None,
    days: int = DEFAULT_NOTICE_DAYS,
    override_reason: str = "",
) -> NominationList:
    """Put the accepted nominees on public notice for ``days`` working days from ``start``
    (default today). Every nominee must have finished review (accepted, returned or
    withdrawn), at least one accepted; the quotas must be met — or the organiser says in
    ``override_reason`` why the list goes ahead below them (recorded and audited)."""
    scoping.require(actor, Action.MANAGE_HONOURS, nomination_list.organiser)
    today = timezone.localdate()
    start = start or today
    override_reason = clean(override_reason)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_NOTICE_DAYS:
        raise _err(
            "days", _("The notice lasts 1 to %(max)d working days.") % {"max": MAX_NOTICE_DAYS}, "days"
        )
    if start < today:
        raise _err("start", _("The notice cannot start in the past."), "start_past")
    with transaction.atomic():
        nl = _lock_list(nomination_list)
        _require_building(nl)
        nominees = Nominee.objects.filter(nomination_list=nl)
        if nominees.filter(status=NomineeStatus.IN_REVIEW).exists():
            raise ValidationError(
                _("Some nominees are still in review: finish or return them first."), code="review_pending"
            )
        if not nominees.filter(status=NomineeStatus.ACCEPTED).exists():
            raise ValidationError(_("No nominee has been accepted yet."), code="empty_list")
        lines = quota_lines(nl, statuses={NomineeStatus.ACCEPTED})
        met = quota.all_met(lines)
        if not met and not override_reason:
            missing = "; ".join(line.text() for line in lines if not line.met)
            raise ValidationError(
                {
                    "override_reason": ValidationError(
                        _(
                            "The quotas are not met (%(missing)s). Adjust the list or give the reason for going ahead."
                        )
                        % {"missing": missing},
                        code="quota_not_met",
                    )
                }
            )
        nl.status = ListStatus.PUBLICITY
        nl.publicity_start, nl.publicity_end = start, notice_end(start, days)
        nl.quota_override_reason = "" if met else override_reason
        nl.save(update_fields=["status", "publicity_start", "publicity_end", "quota_override_reason"])
        audit.record(
            actor=actor,
            action="honours.list.publicity_started",
            obj=nl,
            organisation_id=nl.organiser_id,
            changes={
                "status": ["building", "publicity"],
                "publicity": [None, f"{nl.publicity_start}..{nl.publicity_end}"],
                "quotas": [None, " | ".join(line.text() for line in lines)],
            },
            reason=nl.quota_override_reason,
        )
    return nl


def nomination_list_approve(*, actor, nomination_list: NominationList):
    """After the notice period, with every objection decided and none upheld against a
    nominee still on the list (nor against the list as a whole), approve the list: every
    accepted nominee receives the honour through :func:`registry.honour_grant`'s rules, in one
    transaction (a duplicate honour stops the whole approval). Returns the honours."""
    scoping.require(actor, Action.MANAGE_HONOURS, nomination_list.organiser)
    today = timezone.localdate()
    with transaction.atomic():
        nl = _lock_list(nomination_list)
        if nl.status != ListStatus.PUBLICITY:
            raise ValidationError(_("Only a list on public notice can be approved."), code="not_on_notice")
        if today <= nl.publicity_end:
            raise ValidationError(
                _("The notice runs until %(end)s; approve after it ends.")
                % {"end": nl.publicity_end.isoformat()},
                code="notice_running",
            )
        objections = Objection.objects.filter(nomination_list=nl)
        if objections.filter(status__in=OPEN_OBJECTION).exists():
            raise ValidationError(_("Some objections are not decided yet."), code="objection_open")
        upheld = objections.filter(status=ObjectionStatus.UPHELD)
        if (
            upheld.filter(nominee__isnull=True).exists()
            or upheld.filter(nominee__status=NomineeStatus.ACCEPTED).exists()
        ):
            raise ValidationError(
                _("An objection was upheld: strike the nominee concerned off (or cancel the list) first."),
                code="objection_upheld",
            )
        accepted = list(
            Nominee.objects.filter(nomination_list=nl, status=NomineeStatus.ACCEPTED).select_related(
                "member__organisation", "organisation"
            )
        )
        if not accepted:
            raise ValidationError(_("No nominee is left on the list."), code="empty_list")
        honours = [
            registry._grant(
                actor=actor,
                member=n.member,
                team_name=n.team_name,
                organisation=n.organisation,
                kind=nl.kind,
                level=nl.level,
                year=nl.year,
                issuing_body=nl.issuing_body,
                allowance=nl.allowance,
                medical_benefit=nl.medical_benefit,
                source=nl.title,
                source_id=str(nl.pk),
                team_host=n.employer if n.member_id is None else "",
                nominee=n,
            )
            for n in accepted
        ]
        nl.status, nl.decided_at, nl.decided_by = ListStatus.APPROVED, timezone.now(), actor
        nl.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            actor=actor,
            action="honours.list.approved",
            obj=nl,
            organisation_id=nl.organiser_id,
            changes={"status": ["publicity", "approved"], "honours": [None, len(honours)]},
        )
    return honours


def nomination_list_cancel(*, actor, nomination_list: NominationList, reason: str) -> NominationList:
    """Call the round off (before approval), with a reason."""
    scoping.require(actor, Action.MANAGE_HONOURS, nomination_list.organiser)
    reason = clean(reason)
    if not reason:
        raise _err("reason", _("Give the reason for cancelling the list."), "reason_required")
    with transaction.atomic():
        nl = _lock_list(nomination_list)
        if nl.status not in {ListStatus.BUILDING, ListStatus.PUBLICITY}:
            raise ValidationError(_("This list can no longer be cancelled."), code="not_cancellable")
        before = nl.status
        nl.status, nl.decided_at, nl.decided_by = ListStatus.CANCELLED, timezone.now(), actor
        nl.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            actor=actor,
            action="honours.list.cancelled",
            obj=nl,
            organisation_id=nl.organiser_id,
            changes={"status": [before, "cancelled"]},
            reason=reason,
        )
    return nl
