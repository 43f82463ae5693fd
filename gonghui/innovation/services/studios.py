"""Innovation studios (劳模和工匠人才创新工作室): naming, team, achievements, yearly reviews
(two failed years in a row propose de-listing), funding, de-listing. Alliances of studios are
in ``alliances``.

All writes need ``manage_innovation`` on the owning union
(``permissions.require_manage_studio``) and write one audit entry each.

The lead (领衔人) is an honoured worker: a member of the owning union's subtree holding at
least one honour in the honours registry (``gonghui.honours``). A lead without one is taken
only with the officer's written reason (``lead_honour_note``, e.g. an honour not entered in the
registry yet), which is kept on the studio and in the audit entry.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs, locking
from gonghui.core.inputs import field_error
from gonghui.honours import selectors as honour_selectors
from gonghui.innovation import permissions
from gonghui.innovation.choices import AchievementKind, ReviewRating, StudioLevel, StudioStatus
from gonghui.innovation.models import Achievement, Funding, Studio, StudioMember, StudioReview
from gonghui.members.models import Member
from gonghui.organisations.models import Organisation

FIRST_YEAR, LAST_YEAR = 1950, 2100  # of a yearly review or a year's funding


def _member_in_scope(actor, member: Member | None, field: str) -> Member:
    if member is None or not permissions.can_see_member(actor, member):
        raise field_error(field, _("No such member in your scope."), "member_unknown")
    return member


def _lead_checked(actor, organisation: Organisation, lead: Member | None, note: str) -> tuple[Member, bool]:
    """The lead, checked: in scope, in the owning union's subtree, and honoured (an honour in
    the registry) or else explained by ``note``. Returns ``(lead, honoured)``."""
    lead = _member_in_scope(actor, lead, "lead")
    if not organisation.contains(lead.organisation):
        raise field_error(
            "lead",
            _("The lead must be a member of the owning union or a union under it."),
            "member_outside",
        )
    honoured = honour_selectors.member_honours(lead).exists()
    if not honoured and not note:
        raise field_error(
            "lead_honour_note",
            _(
                "%(name)s holds no honour in the honours registry. A studio is led by an "
                "honoured worker: record the honour in the registry, or give the reason "
                "(which honour, conferred by whom, when) here."
            )
            % {"name": lead.name},
            "lead_not_honoured",
        )
    return lead, honoured


# The checks of a studio's record, field by field (create and update).
_RECORD = {
    "name": lambda v: inputs.text(v, "name", required=True, max_length=120),
    "employer": lambda v: inputs.text(v, "employer", required=True, max_length=120),
    "level": lambda v: inputs.choice(v, "level", StudioLevel),
    "named_on": lambda v: inputs.date(v, "named_on"),
    "naming_body": lambda v: inputs.text(v, "naming_body", required=True, max_length=120),
    "lead_honour_note": lambda v: inputs.text(v, "lead_honour_note", max_length=200, prose=True),
    "industry": lambda v: inputs.text(v, "industry", max_length=60),
    "description": lambda v: inputs.text(v, "description", max_length=5000, prose=True),
}


def studio_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    employer: str,
    lead: Member | None,
    level: str,
    named_on,
    naming_body: str,
    lead_honour_note: str = "",
    industry: str = "",
    description: str = "",
) -> Studio:
    """Register a named studio. The lead must be a member of the owning union's subtree in the
    actor's scope, holding an honour in the registry or explained by ``lead_honour_note``."""
    permissions.require_manage_in(actor, organisation)
    given = {
        "name": name,
        "employer": employer,
        "level": level,
        "named_on": named_on,
        "naming_body": naming_body,
        "lead_honour_note": lead_honour_note,
        "industry": industry,
        "description": description,
    }
    data = {field: _RECORD[field](value) for field, value in given.items()}
    lead, honoured = _lead_checked(actor, organisation, lead, data["lead_honour_note"])
    with transaction.atomic():
        studio = Studio.objects.create(organisation=organisation, lead=lead, **data)
        changes = {
            "status": [None, studio.status],
            "level": [None, studio.level],
            "lead": [None, lead.name],
        }
        if studio.lead_honour_note:
            changes["lead_honour_note"] = [None, studio.lead_honour_note]
        audit.record(
            actor=actor,
            action="innovation.studio.named",
            obj=studio,
            organisation_id=organisation.pk,
            changes=changes,
            reason="" if honoured else studio.lead_honour_note,
        )
    return studio


EDITABLE = (
    "name",
    "organisation",
    "employer",
    "industry",
    "level",
    "named_on",
    "naming_body",
    "lead",
    "lead_honour_note",
    "description",
)


def studio_update(*, actor, studio: Studio, **fields) -> Studio:
    """Edit a studio's record (any of ``EDITABLE``; others are refused). The actor needs
    ``manage_innovation`` on the owning union, and on the new one when it moves. The lead is
    re-checked (subtree and honour, see ``studio_create``) when the lead, the owning union or
    the note changes, so a studio named before the registry keeps its note untouched until
    then. A new lead leaves the team if on it. Audited with the changed fields; a lead taken
    on a written reason has that reason on the entry."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    permissions.require_manage_studio(actor, studio)
    data = {k: _RECORD[k](v) for k, v in fields.items() if k in _RECORD}
    organisation = fields.get("organisation", studio.organisation)
    if organisation is None:
        raise field_error("organisation", _("Choose a union in your scope."), "org_unknown")
    if organisation.pk != studio.organisation_id:
        permissions.require_manage_in(actor, organisation)
    lead = fields["lead"] if "lead" in fields else studio.lead
    note = data.get("lead_honour_note", studio.lead_honour_note)
    honoured = True
    recheck = (
        (lead is None or lead.pk != studio.lead_id)
        or organisation.pk != studio.organisation_id
        or note != studio.lead_honour_note
    )
    if recheck:
        lead, honoured = _lead_checked(actor, organisation, lead, note)
    with transaction.atomic():
        studio = locking.locked(studio, "organisation")
        before = {
            "name": studio.name,
            "organisation": studio.organisation.code,
            "employer": studio.employer,
            "industry": studio.industry,
            "level": studio.level,
            "named_on": studio.named_on.isoformat(),
            "naming_body": studio.naming_body,
            "lead": studio.lead.name,
            "lead_honour_note": studio.lead_honour_note,
            "description": studio.description,
        }
        for k, v in data.items():
            setattr(studio, k, v)
        studio.organisation = organisation
        lead_changed = lead.pk != studio.lead_id
        studio.lead = lead
        studio.save()
        if lead_changed:
            StudioMember.objects.filter(studio=studio, member=lead).delete()
        after = {
            **before,
            **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()},
            "organisation": organisation.code,
            "lead": lead.name,
        }
        changes = audit.diff(before, after)
        if changes:
            audit.record(
                actor=actor,
                action="innovation.studio.updated",
                obj=studio,
                organisation_id=studio.organisation_id,
                changes=changes,
                reason="" if honoured else studio.lead_honour_note,
            )
    return studio


def studio_add_member(
    *, actor, studio: Studio, member: Member | None, role: str = "", joined_on=None
) -> StudioMember:
    """Put a member (in the actor's scope) on the studio's team, from ``joined_on`` (today)."""
    permissions.require_manage_studio(actor, studio)
    member = _member_in_scope(actor, member, "member")
    role = inputs.text(role, "role", max_length=60)
    joined_on = inputs.date(joined_on, "joined_on", required=False) or timezone.localdate()
    with transaction.atomic():
        if member.pk == studio.lead_id or StudioMember.objects.filter(studio=studio, member=member).exists():
            raise field_error("member", _("Already on this studio's team."), "already_member")
        row = StudioMember.objects.create(studio=studio, member=member, role=role, joined_on=joined_on)
        audit.record(
            actor=actor,
            action="innovation.studio.member_added",
            obj=studio,
            organisation_id=studio.organisation_id,
            changes={"team": [None, member.name]},
        )
    return row


def studio_remove_member(*, actor, studio: Studio, member: Member | None) -> None:
    """Take a member off the studio's team (the lead is changed on the studio instead)."""
    permissions.require_manage_studio(actor, studio)
    with transaction.atomic():
        row = (
            StudioMember.objects.select_for_update().filter(studio=studio, member=member).first()
            if member is not None
            else None
        )
        if row is None:
            raise field_error("member", _("Not on this studio's team."), "not_on_team")
        row.delete()
        audit.record(
            actor=actor,
            action="innovation.studio.member_removed",
            obj=studio,
            organisation_id=studio.organisation_id,
            changes={"team": [member.name, None]},
        )


def studio_activate(*, actor, studio: Studio) -> Studio:
    """A named studio starts work (named → active)."""
    permissions.require_manage_studio(actor, studio)
    with transaction.atomic():
        studio = locking.locked(studio, "organisation")
        if studio.status != StudioStatus.NAMED:
            raise ValidationError(_("Only a newly named studio can be activated."), code="bad_status")
        studio.status = StudioStatus.ACTIVE
        studio.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="innovation.studio.activated",
            obj=studio,
            organisation_id=studio.organisation_id,
            changes={"status": [StudioStatus.NAMED, StudioStatus.ACTIVE]},
        )
    return studio


def studio_delist(*, actor, studio: Studio, reason: str, on=None) -> Studio:
    """De-list (摘牌) a studio, with a reason and a date (today)."""
    permissions.require_manage_studio(actor, studio)
    reason = inputs.text(reason, "reason", required=True, max_length=1000, prose=True)
    on = inputs.date(on, "on", required=False) or timezone.localdate()
    with transaction.atomic():
        studio = locking.locked(studio, "organisation")
        if studio.status == StudioStatus.DELISTED:
            raise ValidationError(_("This studio is de-listed already."), code="bad_status")
        before = studio.status
        studio.status = StudioStatus.DELISTED
        studio.delisted_on = on
        studio.delisting_reason = reason
        studio.delisting_proposed = False
        studio.save(update_fields=["status", "delisted_on", "delisting_reason", "delisting_proposed"])
        audit.record(
            actor=actor,
            action="innovation.studio.delisted",
            obj=studio,
            organisation_id=studio.organisation_id,
            changes={"status": [before, StudioStatus.DELISTED], "delisted_on": [None, on.isoformat()]},
            reason=reason,
        )
    return studio


def achievement_add(
    *, actor, studio: Studio, kind: str, title: str, achieved_on, savings="0", patent_no: str = ""
) -> Achievement:
    """Record an achievement; a patent needs its number; savings in yuan, zero or more (left
    out: zero)."""
    permissions.require_manage_studio(actor, studio)
    kind = inputs.choice(kind, "kind", AchievementKind)
    title = inputs.text(title, "title", required=True, max_length=200, prose=True)
    achieved_on = inputs.date(achieved_on, "achieved_on")
    savings = inputs.money(savings, "savings", required=False) or Decimal("0.00")
    patent_no = inputs.text(patent_no, "patent_no", required=kind == AchievementKind.PATENT, max_length=40)
    with transaction.atomic():
        row = Achievement.objects.create(
            studio=studio,
            kind=kind,
            title=title,
            achieved_on=achieved_on,
            savings=savings,
            patent_no=patent_no,
        )
        audit.record(
            actor=actor,
            action="innovation.studio.achievement_added",
            obj=studio,
            organisation_id=studio.organisation_id,
            changes={"achievement": [None, title], "savings": [None, f"{savings:.2f}"]},
        )
    return row


def studio_review_record(*, actor, studio: Studio, year, rating: str, comments: str = "") -> StudioReview:
    """Record the yearly review. A fail following a fail the year before proposes de-listing
    (``delisting_proposed``; an officer then de-lists or not — never automatic)."""
    permissions.require_manage_studio(actor, studio)
    year = inputs.integer(year, "year", minimum=FIRST_YEAR, maximum=LAST_YEAR)
    rating = inputs.choice(rating, "rating", ReviewRating)
    comments = inputs.text(comments, "comments", max_length=5000, prose=True)
    with transaction.atomic():
        studio = locking.locked(studio, "organisation")
        if studio.status == StudioStatus.DELISTED:
            raise ValidationError(_("This studio is de-listed already."), code="bad_status")
        if StudioReview.objects.filter(studio=studio, year=year).exists():
            raise field_error("year", _("This year has been reviewed already."), "review_exists")
        review = StudioReview.objects.create(
            studio=studio, year=year, rating=rating, comments=comments, reviewed_by=actor
        )
        audit.record(
            actor=actor,
            action="innovation.studio.reviewed",
            obj=studio,
            organisation_id=studio.organisation_id,
            changes={"review": [None, f"{year} {rating}"]},
        )
        failed = set(
            StudioReview.objects.filter(
                studio=studio, rating=ReviewRating.FAIL, year__in=[year - 1, year, year + 1]
            ).values_list("year", flat=True)
        )
        pair = (year - 1 in failed or year + 1 in failed) and year in failed
        if pair and not studio.delisting_proposed:
            studio.delisting_proposed = True
            first = year - 1 if year - 1 in failed else year
            studio.delisting_proposal_reason = _("Failed the yearly review in %(a)d and %(b)d.") % {
                "a": first,
                "b": first + 1,
            }
            studio.save(update_fields=["delisting_proposed", "delisting_proposal_reason"])
            audit.record(
                actor=None,
                action="innovation.studio.delisting_proposed",
                obj=studio,
                organisation_id=studio.organisation_id,
                changes={"delisting_proposed": [False, True]},
                reason=studio.delisting_proposal_reason,
            )
    return review


def funding_record(*, actor, studio: Studio, year, amount, source: str) -> Funding:
    """Record a year's funding of the studio: an amount in yuan above zero, and its source."""
    permissions.require_manage_studio(actor, studio)
    year = inputs.integer(year, "year", minimum=FIRST_YEAR, maximum=LAST_YEAR)
    amount = inputs.money(amount, "amount", positive=True)
    source = inputs.text(source, "source", required=True, max_length=120)
    with transaction.atomic():
        row = Funding.objects.create(studio=studio, year=year, amount=amount, source=source)
        audit.record(
            actor=actor,
            action="innovation.studio.funded",
            obj=studio,
            organisation_id=studio.organisation_id,
            changes={"funding": [None, f"{year} {amount:.2f} {source}"]},
        )
    return row
