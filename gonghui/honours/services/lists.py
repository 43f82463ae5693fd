"""Nomination lists (推荐评选), the list as a whole: open a round, set its quotas, put the
accepted nominees on public notice (公示) once the quotas are met (or consciously overridden),
approve the list into honours, or cancel it. The nominees' own steps are in ``nominees``.

Everything here needs ``manage_honours`` on the list's organiser
(``permissions.require_manage_list``; ``require_create_list`` to open one).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs, workdays
from gonghui.core.inputs import InputCode, field_error
from gonghui.core.validation import FieldErrors
from gonghui.honours import permissions, quota
from gonghui.honours.choices import (
    LEVEL_ORGANISER_DEPTH,
    ON_LIST,
    OPEN_OBJECTION,
    HonourKind,
    HonourLevel,
    ListStatus,
    NomineeStatus,
    ObjectionStatus,
)
from gonghui.honours.models import NominationList, Nominee, Objection
from gonghui.honours.services import registry
from gonghui.organisations.models import Organisation

DEFAULT_NOTICE_DAYS = 5  # working days of public notice
MAX_NOTICE_DAYS = 30


def lock_list(nomination_list: NominationList) -> NominationList:
    """The list read again and locked for the rest of the transaction (with its organiser):
    every change of a list, or of a nominee that depends on the list's state, holds it."""
    return (
        NominationList.objects.select_for_update(of=("self",))
        .select_related("organiser")
        .get(pk=nomination_list.pk)
    )


def check_building(nomination_list: NominationList) -> None:
    """Refuse (``list_not_building``) once the list has left the recommend-and-review stage."""
    if nomination_list.status != ListStatus.BUILDING:
        raise ValidationError(
            _("The list is no longer open for recommendations and review."), code="list_not_building"
        )


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
    national one); the year is last year, this year or next year. ``quota_rules`` default to
    :data:`quota.DEFAULT_RULES`."""
    permissions.require_create_list(actor, organiser)
    this_year = timezone.localdate().year
    errors = FieldErrors()
    title = errors.read(inputs.text, title, "title", max_length=200)
    if title == "":
        errors.add(field_error("title", _("Give the list a title."), InputCode.REQUIRED))
    issuing_body = errors.read(inputs.text, issuing_body, "issuing_body", max_length=120) or organiser.name
    kind = errors.read(inputs.choice, kind, "kind", HonourKind)
    level = errors.read(inputs.choice, level, "level", HonourLevel)
    if level is not None and organiser.level > LEVEL_ORGANISER_DEPTH[level]:
        errors.add(
            field_error(
                "level",
                _("%(org)s cannot run a selection at this level.") % {"org": organiser.name},
                "level_too_high",
            )
        )
    year = errors.read(inputs.integer, year, "year", minimum=this_year - 1, maximum=this_year + 1)
    errors.raise_any()
    rules = quota.parse_rules(quota.DEFAULT_RULES if quota_rules is None else quota_rules)
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
    permissions.require_manage_list(actor, nomination_list)
    rules = quota.parse_rules(quota_rules)
    with transaction.atomic():
        nl = lock_list(nomination_list)
        check_building(nl)
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
    """Put the accepted nominees on public notice for ``days`` working days (1 to 30) from
    ``start`` (today or later; default today). Every nominee must have finished review
    (accepted, returned or withdrawn), at least one accepted; the quotas must be met — or the
    organiser says in ``override_reason`` why the list goes ahead below them (recorded and
    audited)."""
    permissions.require_manage_list(actor, nomination_list)
    today = timezone.localdate()
    days = inputs.integer(days, "days", minimum=1, maximum=MAX_NOTICE_DAYS)
    start = inputs.date(start, "start", required=False, earliest=today) or today
    override_reason = inputs.text(override_reason, "override_reason")
    with transaction.atomic():
        nl = lock_list(nomination_list)
        check_building(nl)
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
            raise field_error(
                "override_reason",
                _("The quotas are not met (%(missing)s). Adjust the list or give the reason for going ahead.")
                % {"missing": missing},
                "quota_not_met",
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


def _close(nl: NominationList, status: str, *, actor) -> None:
    """The round ends (approved or cancelled): when, and by whom."""
    nl.status, nl.decided_at, nl.decided_by = status, timezone.now(), actor
    nl.save(update_fields=["status", "decided_at", "decided_by"])


def nomination_list_approve(*, actor, nomination_list: NominationList):
    """After the notice period, with every objection decided and none upheld against a
    nominee still on the list (nor against the list as a whole), approve the list: every
    accepted nominee receives the honour through the registry's rules
    (:func:`registry.honour_grant_for_nominee`), in one transaction (a duplicate honour stops
    the whole approval). Returns the honours."""
    permissions.require_manage_list(actor, nomination_list)
    today = timezone.localdate()
    with transaction.atomic():
        nl = lock_list(nomination_list)
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
            registry.honour_grant_for_nominee(actor=actor, nomination_list=nl, nominee=n) for n in accepted
        ]
        _close(nl, ListStatus.APPROVED, actor=actor)
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
    permissions.require_manage_list(actor, nomination_list)
    reason = inputs.text(reason, "reason")
    if not reason:
        raise field_error("reason", _("Give the reason for cancelling the list."), InputCode.REQUIRED)
    with transaction.atomic():
        nl = lock_list(nomination_list)
        if nl.status not in {ListStatus.BUILDING, ListStatus.PUBLICITY}:
            raise ValidationError(_("This list can no longer be cancelled."), code="not_cancellable")
        before = nl.status
        _close(nl, ListStatus.CANCELLED, actor=actor)
        audit.record(
            actor=actor,
            action="honours.list.cancelled",
            obj=nl,
            organisation_id=nl.organiser_id,
            changes={"status": [before, "cancelled"]},
            reason=reason,
        )
    return nl
