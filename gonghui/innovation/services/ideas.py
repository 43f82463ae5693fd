"""五小 ideas: submit, support (智慧众筹), report and moderate, review, implement, reward.

Every function is the one way to make its change; each runs in a transaction, checks who may
act before writing, and writes one audit entry per state change.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs, locking
from gonghui.core.inputs import field_error
from gonghui.innovation import attachments, permissions, selectors
from gonghui.innovation.choices import (
    ADOPTED_STATES,
    Feasibility,
    IdeaKind,
    IdeaStatus,
    Moderation,
    ModerationDecision,
    RewardKind,
)
from gonghui.innovation.models import (
    Idea,
    IdeaAttachment,
    IdeaExpert,
    IdeaMilestone,
    IdeaReport,
    IdeaReview,
    IdeaReward,
    IdeaSettings,
    IdeaSupport,
)
from gonghui.organisations.models import Organisation

TEXT_MAX = 5000  # an idea's texts, the answer to it


class AlreadySupported(ValidationError):
    """The member has supported this idea already (the API answers 409)."""


def _acting_member(actor):
    member = permissions.active_member_for(actor)
    if member is None:
        raise ValidationError(_("Only union members can do this."), code="not_member")
    return member


# ---- submit --------------------------------------------------------------------------------------


def idea_submit(
    *,
    actor,
    kind: str,
    title: str,
    problem: str,
    proposal: str,
    expected_benefit: str = "",
    files: Iterable = (),
) -> Idea:
    """A member submits a 五小 idea; it belongs to the member's union. Attachments are PDF, PNG
    or JPEG within the size and count limits (``innovation.attachments``). Raises
    ValidationError (``not_member``, ``required``, ``too_long``, ``invalid_choice``,
    ``file_*``) before anything is written."""
    member = _acting_member(actor)
    data = {
        "kind": inputs.choice(kind, "kind", IdeaKind),
        "title": inputs.text(title, "title", required=True, max_length=120, prose=True),
        "problem": inputs.text(problem, "problem", required=True, max_length=TEXT_MAX, prose=True),
        "proposal": inputs.text(proposal, "proposal", required=True, max_length=TEXT_MAX, prose=True),
        "expected_benefit": inputs.text(
            expected_benefit, "expected_benefit", max_length=TEXT_MAX, prose=True
        ),
    }
    checked = attachments.check(files)
    with transaction.atomic():
        idea = Idea.objects.create(author=member, organisation=member.organisation, **data)
        for f in checked:
            IdeaAttachment.objects.create(
                idea=idea, name=f.name, content_type=f.content_type, size=f.size, sha256=f.sha256, data=f.data
            )
        audit.record(
            actor=actor,
            action="innovation.idea.submitted",
            obj=idea,
            organisation_id=idea.organisation_id,
            changes={
                "status": [None, idea.status],
                "kind": [None, idea.kind],
                "attachments": [None, len(checked)],
            },
        )
    return idea


# ---- support ---------------------------------------------------------------------------------------


def _start_review(idea: Idea, *, actor, reason: str) -> None:
    now = timezone.now()
    before = idea.status
    idea.status = IdeaStatus.IN_REVIEW
    idea.review_started_at = now
    idea.review_due_on = timezone.localdate() + datetime.timedelta(
        days=selectors.review_days(idea.organisation)
    )
    idea.save(update_fields=["status", "review_started_at", "review_due_on"])
    audit.record(
        actor=actor,
        action="innovation.idea.review_started",
        obj=idea,
        organisation_id=idea.organisation_id,
        changes={"status": [before, idea.status], "review_due_on": [None, idea.review_due_on.isoformat()]},
        reason=reason,
    )


def idea_support(*, actor, idea: Idea) -> Idea:
    """A member in the idea's community supports it, once. When the supports reach the
    union's threshold (``selectors.idea_thresholds``) the idea moves to expert review.
    Raises Http404 (not in the community), ValidationError ``own_idea`` / ``not_open`` /
    ``not_member``, or :class:`AlreadySupported` (``already_supported``)."""
    member = _acting_member(actor)
    permissions.require_take_part(member, idea)
    if idea.author_id == member.pk:
        raise ValidationError(_("You cannot support your own idea."), code="own_idea")
    support_threshold, _reports = selectors.idea_thresholds(idea.organisation)
    with transaction.atomic():
        idea = locking.locked(idea, "organisation", "author")  # serialises supports of one idea (PostgreSQL)
        if idea.moderation != Moderation.VISIBLE or idea.status != IdeaStatus.SUBMITTED:
            raise ValidationError(_("This idea is no longer gathering support."), code="not_open")
        if IdeaSupport.objects.filter(idea=idea, member=member).exists():
            raise AlreadySupported(_("You have already supported this idea."), code="already_supported")
        try:
            # A savepoint: a racing second request hits the unique constraint and fails alone.
            with transaction.atomic():
                IdeaSupport.objects.create(idea=idea, member=member)
        except IntegrityError:
            raise AlreadySupported(
                _("You have already supported this idea."), code="already_supported"
            ) from None
        Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
        idea.refresh_from_db(fields=["support_count"])
        audit.record(
            actor=actor,
            action="innovation.idea.supported",
            obj=idea,
            organisation_id=idea.organisation_id,
            changes={"support_count": [idea.support_count - 1, idea.support_count]},
        )
        if idea.support_count >= support_threshold:
            _start_review(
                idea,
                actor=None,
                reason=_("%(n)d supports reached the threshold of %(t)d.")
                % {"n": idea.support_count, "t": support_threshold},
            )
    return idea


def idea_send_to_review(*, actor, idea: Idea) -> Idea:
    """An officer with ``manage_innovation`` sends an idea to review before the threshold."""
    permissions.require_manage_idea(actor, idea)
    with transaction.atomic():
        idea = locking.locked(idea, "organisation", "author")
        if idea.status != IdeaStatus.SUBMITTED:
            raise ValidationError(_("This idea is no longer gathering support."), code="not_open")
        _start_review(idea, actor=actor, reason=_("Sent to review by an officer."))
    return idea


def idea_assign_expert(*, actor, idea: Idea, user) -> IdeaExpert:
    """Assign an expert login to review an idea in review. Needs ``manage_innovation``. The
    expert may be outside the union's officers (any active login); not the idea's author.
    Raises ValidationError ``not_in_review``, ``expert_unknown``, ``expert_is_author``,
    ``already_assigned``."""
    permissions.require_manage_idea(actor, idea)
    if user is None or not user.is_active:
        raise field_error("expert", _("No active login with that username."), "expert_unknown")
    with transaction.atomic():
        idea = locking.locked(idea, "organisation", "author")
        if idea.status != IdeaStatus.IN_REVIEW:
            raise ValidationError(_("Experts are assigned to ideas in review."), code="not_in_review")
        if idea.author.user_id == user.pk:
            raise field_error("expert", _("The author cannot review their own idea."), "expert_is_author")
        if IdeaExpert.objects.filter(idea=idea, user=user).exists():
            raise field_error("expert", _("Already assigned to this idea."), "already_assigned")
        expert = IdeaExpert.objects.create(idea=idea, user=user)
        audit.record(
            actor=actor,
            action="innovation.idea.expert_assigned",
            obj=idea,
            organisation_id=idea.organisation_id,
            changes={"expert": [None, user.get_username()]},
        )
    return expert


def idea_unassign_expert(*, actor, idea: Idea, user) -> None:
    """Take an expert off an idea (before or after the decision; a decided review stays)."""
    permissions.require_manage_idea(actor, idea)
    with transaction.atomic():
        row = IdeaExpert.objects.filter(idea=idea, user=user).first() if user is not None else None
        if row is None:
            raise field_error("expert", _("Not assigned to this idea."), "not_assigned")
        row.delete()
        audit.record(
            actor=actor,
            action="innovation.idea.expert_unassigned",
            obj=idea,
            organisation_id=idea.organisation_id,
            changes={"expert": [user.get_username(), None]},
        )


# ---- review ------------------------------------------------------------------------------------


def idea_review(
    *,
    actor,
    idea: Idea,
    feasibility: str,
    estimated_benefit,
    score,
    adopted: bool,
    answer: str,
) -> IdeaReview:
    """An officer with ``manage_innovation`` on the idea's union, or an assigned expert,
    decides an idea in review: feasibility, estimated benefit (yuan), score 0–100, adopted or
    not, and the answer published to the author and supporters. Raises PermissionDenied or
    Http404 (``permissions.require_review_idea``), ValidationError (``not_in_review`` and the
    input codes: ``invalid_choice``, ``amount_*``, ``number_*`` for a score outside 0–100,
    ``required``)."""
    permissions.require_review_idea(actor, idea)
    feasibility = inputs.choice(feasibility, "feasibility", Feasibility)
    benefit = inputs.money(estimated_benefit, "estimated_benefit")
    score = inputs.integer(score, "score", minimum=0, maximum=100)
    answer = inputs.text(answer, "answer", required=True, max_length=TEXT_MAX, prose=True)
    with transaction.atomic():
        idea = locking.locked(idea, "organisation", "author")
        if idea.status != IdeaStatus.IN_REVIEW:
            raise ValidationError(_("Only an idea in review can be decided."), code="not_in_review")
        review = IdeaReview.objects.create(
            idea=idea,
            reviewer=actor,
            feasibility=feasibility,
            estimated_benefit=benefit,
            score=score,
            adopted=bool(adopted),
        )
        before = idea.status
        idea.status = IdeaStatus.ADOPTED if adopted else IdeaStatus.NOT_ADOPTED
        idea.answer = answer
        idea.decided_at = timezone.now()
        idea.save(update_fields=["status", "answer", "decided_at"])
        audit.record(
            actor=actor,
            action="innovation.idea.adopted" if adopted else "innovation.idea.not_adopted",
            obj=idea,
            organisation_id=idea.organisation_id,
            changes={
                "status": [before, idea.status],
                "score": [None, score],
                "estimated_benefit": [None, f"{benefit:.2f}"],
                "feasibility": [None, feasibility],
            },
        )
    return review


# ---- implementation and reward ---------------------------------------------------------------------


def _check_adopted(idea: Idea) -> None:
    if idea.status not in ADOPTED_STATES:
        raise ValidationError(_("Only an adopted idea has milestones and rewards."), code="not_adopted")


def _sync_implemented(idea: Idea, *, actor) -> None:
    milestones = list(IdeaMilestone.objects.filter(idea=idea))
    all_done = bool(milestones) and all(m.done_on is not None for m in milestones)
    target = IdeaStatus.IMPLEMENTED if all_done else IdeaStatus.ADOPTED
    if idea.status != target:
        before = idea.status
        idea.status = target
        idea.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="innovation.idea.implemented" if all_done else "innovation.idea.reopened",
            obj=idea,
            organisation_id=idea.organisation_id,
            changes={"status": [before, target]},
        )


def milestone_add(*, actor, idea: Idea, title: str, due_on) -> IdeaMilestone:
    """Add an implementation milestone to an adopted idea. Needs ``manage_innovation``."""
    permissions.require_manage_idea(actor, idea)
    title = inputs.text(title, "title", required=True, max_length=200, prose=True)
    due_on = inputs.date(due_on, "due_on")
    with transaction.atomic():
        idea = locking.locked(idea, "organisation", "author")
        _check_adopted(idea)
        milestone = IdeaMilestone.objects.create(idea=idea, title=title, due_on=due_on)
        audit.record(
            actor=actor,
            action="innovation.milestone.added",
            obj=milestone,
            organisation_id=idea.organisation_id,
            changes={"title": [None, title], "due_on": [None, due_on.isoformat()]},
        )
        _sync_implemented(idea, actor=actor)
    return milestone


def milestone_complete(*, actor, milestone: IdeaMilestone, done_on=None) -> IdeaMilestone:
    """Mark a milestone done; when every milestone is done the idea is implemented."""
    idea = milestone.idea
    permissions.require_manage_idea(actor, idea)
    done_on = inputs.date(done_on, "done_on", required=False) or timezone.localdate()
    with transaction.atomic():
        idea = locking.locked(idea, "organisation", "author")
        milestone = IdeaMilestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.done_on is not None:
            raise ValidationError(_("This milestone is done already."), code="already_done")
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        audit.record(
            actor=actor,
            action="innovation.milestone.done",
            obj=milestone,
            organisation_id=idea.organisation_id,
            changes={"done_on": [None, done_on.isoformat()]},
        )
        _sync_implemented(idea, actor=actor)
    return milestone


def reward_record(*, actor, idea: Idea, kind: str, amount="0", awarded_on=None, note: str = "") -> IdeaReward:
    """Record a reward for an adopted idea. Needs ``manage_innovation``. The amount may be
    left out (zero), except for a cash award. Raises ValidationError (``not_adopted`` and the
    input codes: ``invalid_choice``, ``amount_*``, ``date_invalid``, ``too_long``)."""
    permissions.require_manage_idea(actor, idea)
    kind = inputs.choice(kind, "kind", RewardKind)
    cash = kind == RewardKind.CASH
    amount = inputs.money(amount, "amount", required=cash, positive=cash)
    if amount is None:
        amount = Decimal("0.00")
    awarded_on = inputs.date(awarded_on, "awarded_on", required=False) or timezone.localdate()
    note = inputs.text(note, "note", max_length=200, prose=True)
    with transaction.atomic():
        idea = locking.locked(idea, "organisation", "author")
        _check_adopted(idea)
        reward = IdeaReward.objects.create(
            idea=idea, kind=kind, amount=amount, awarded_on=awarded_on, note=note, recorded_by=actor
        )
        audit.record(
            actor=actor,
            action="innovation.idea.rewarded",
            obj=idea,
            organisation_id=idea.organisation_id,
            changes={"reward": [None, f"{kind} {amount:.2f}"]},
        )
    return reward


# ---- moderation ------------------------------------------------------------------------------------


def idea_report(*, actor, idea: Idea, reason: str) -> IdeaReport:
    """A member in the idea's community reports it (once). When the open reports reach the
    union's threshold (default 3) the idea is hidden until a moderator decides. Raises
    Http404, ValidationError (``own_idea``, ``already_reported``, ``required``)."""
    member = _acting_member(actor)
    permissions.require_take_part(member, idea)
    if idea.author_id == member.pk:
        raise ValidationError(_("You cannot report your own idea."), code="own_idea")
    reason = inputs.text(reason, "reason", required=True, max_length=200, prose=True)
    _supports, report_threshold = selectors.idea_thresholds(idea.organisation)
    with transaction.atomic():
        idea = locking.locked(idea, "organisation", "author")
        if idea.moderation == Moderation.REMOVED:
            raise Http404
        if IdeaReport.objects.filter(idea=idea, member=member).exists():
            raise ValidationError(_("You have already reported this idea."), code="already_reported")
        try:
            with transaction.atomic():
                report = IdeaReport.objects.create(idea=idea, member=member, reason=reason)
        except IntegrityError:
            raise ValidationError(
                _("You have already reported this idea."), code="already_reported"
            ) from None
        audit.record(
            actor=actor,
            action="innovation.idea.reported",
            obj=idea,
            organisation_id=idea.organisation_id,
            reason=reason,
        )
        open_reports = IdeaReport.objects.filter(idea=idea, resolved=False).count()
        if idea.moderation == Moderation.VISIBLE and open_reports >= report_threshold:
            idea.moderation = Moderation.HIDDEN
            idea.save(update_fields=["moderation"])
            audit.record(
                actor=None,
                action="innovation.idea.hidden",
                obj=idea,
                organisation_id=idea.organisation_id,
                changes={"moderation": [Moderation.VISIBLE, Moderation.HIDDEN]},
                reason=_("%(n)d reports reached the threshold of %(t)d.")
                % {"n": open_reports, "t": report_threshold},
            )
    return report


def idea_moderate(*, actor, idea: Idea, decision: str, reason: str) -> Idea:
    """A moderator (``manage_innovation``) restores a hidden idea or removes an idea, with a
    reason; the open reports are closed. Raises ValidationError (``required``,
    ``invalid_choice``, ``not_hidden``)."""
    permissions.require_manage_idea(actor, idea)
    decision = inputs.choice(decision, "decision", ModerationDecision)
    reason = inputs.text(reason, "reason", required=True, max_length=1000, prose=True)
    with transaction.atomic():
        idea = locking.locked(idea, "organisation", "author")
        if decision == ModerationDecision.RESTORE and idea.moderation != Moderation.HIDDEN:
            raise ValidationError(_("Only a hidden idea can be restored."), code="not_hidden")
        if idea.moderation == Moderation.REMOVED:
            raise ValidationError(_("This idea has been removed already."), code="not_hidden")
        before = idea.moderation
        idea.moderation = Moderation.VISIBLE if decision == ModerationDecision.RESTORE else Moderation.REMOVED
        idea.moderation_reason = reason
        idea.save(update_fields=["moderation", "moderation_reason"])
        IdeaReport.objects.filter(idea=idea, resolved=False).update(resolved=True)
        audit.record(
            actor=actor,
            action="innovation.idea.restored"
            if decision == ModerationDecision.RESTORE
            else "innovation.idea.removed",
            obj=idea,
            organisation_id=idea.organisation_id,
            changes={"moderation": [before, idea.moderation]},
            reason=reason,
        )
    return idea


# ---- settings ------------------------------------------------------------------------------------------


SETTING_LIMITS = {"support_threshold": 100000, "report_threshold": 100000, "review_days": 365}


def idea_settings_set(
    *, actor, organisation: Organisation, support_threshold, report_threshold, review_days=None
) -> IdeaSettings:
    """Set the thresholds for ideas of a union's subtree (the union and every union under it
    without its own row, see ``selectors.idea_settings_for``). Needs ``manage_innovation``.
    ``review_days`` left out keeps the value that applies now (inherited or default). Each
    value is a whole number from 1 (review days at most 365): the input codes ``number_*``."""
    permissions.require_manage_in(actor, organisation)
    if review_days is None:
        review_days = selectors.idea_settings_for(organisation).review_days
    values = {
        field: inputs.integer(value, field, minimum=1, maximum=SETTING_LIMITS[field])
        for field, value in (
            ("support_threshold", support_threshold),
            ("report_threshold", report_threshold),
            ("review_days", review_days),
        )
    }
    fields = list(values)
    with transaction.atomic():
        row = IdeaSettings.objects.select_for_update().filter(organisation=organisation).first()
        before = audit.snapshot(row, fields) if row else {}
        if row is None:
            row = IdeaSettings.objects.create(organisation=organisation, **values)
        else:
            IdeaSettings.objects.filter(pk=row.pk).update(**values)
            row.refresh_from_db()
        audit.record(
            actor=actor,
            action="innovation.settings.changed",
            obj=row,
            organisation_id=organisation.pk,
            changes=audit.diff(before, values),
        )
    return row


def idea_settings_clear(*, actor, organisation: Organisation) -> None:
    """Remove a union's own thresholds: it inherits again from the nearest union above with
    a row, else the defaults."""
    permissions.require_manage_in(actor, organisation)
    with transaction.atomic():
        row = IdeaSettings.objects.select_for_update().filter(organisation=organisation).first()
        if row is None:
            raise ValidationError(_("This union has no thresholds of its own."), code="no_settings")
        before = audit.snapshot(row, ["support_threshold", "report_threshold", "review_days"])
        row_id = row.pk
        row.delete()
        audit.record(
            actor=actor,
            action="innovation.settings.cleared",
            object_type="innovation.ideasettings",
            object_id=str(row_id),
            object_repr=f"{organisation.pk}: {organisation.name}",
            organisation_id=organisation.pk,
            changes=audit.diff(before, {}),
        )
