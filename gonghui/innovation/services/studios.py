"""Innovation studios (劳模和工匠人才创新工作室) and alliances (联盟): naming, team,
achievements, yearly reviews (two failed years in a row propose de-listing), funding,
de-listing; alliances with member studios, a rotating lead and joint projects.

All writes need ``manage_innovation`` on the owning union (the founding union for an
alliance) and write one audit entry each.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.innovation.choices import AchievementKind, ProjectStatus, ReviewRating, StudioLevel, StudioStatus
from gonghui.innovation.models import (
    Achievement,
    Alliance,
    AllianceLeadTerm,
    AllianceMembership,
    Funding,
    JointProject,
    Studio,
    StudioMember,
    StudioReview,
)
from gonghui.innovation.services import _common
from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action


def _require(actor, organisation: Organisation) -> None:
    scoping.require(actor, Action.MANAGE_INNOVATION, organisation)


def _member_in_scope(actor, member: Member | None, field: str) -> Member:
    if member is None or not scoping.can(actor, Action.VIEW, member.organisation):
        raise ValidationError(
            {field: ValidationError(_("No such member in your scope."), code="member_unknown")}
        )
    return member


def _studio_in_scope(actor, studio: Studio | None, field: str = "studio") -> Studio:
    if studio is None or not scoping.can(actor, Action.VIEW, studio.organisation):
        raise ValidationError(
            {field: ValidationError(_("No such studio in your scope."), code="studio_unknown")}
        )
    return studio


def _locked(studio: Studio) -> Studio:
    return Studio.objects.select_for_update().select_related("organisation").get(pk=studio.pk)


# ---- studios --------------------------------------------------------------------------------------


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
    """Register a named studio. The lead must be a member in the actor's scope."""
    _require(actor, organisation)
    data = {
        "name": _common.text(name, "name", max_length=120),
        "employer": _common.text(employer, "employer", max_length=120),
        "level": _common.choice(level, "level", StudioLevel),
        "named_on": _common.date(named_on, "named_on"),
        "naming_body": _common.text(naming_body, "naming_body", max_length=120),
        "lead_honour_note": _common.text(
            lead_honour_note, "lead_honour_note", required=False, max_length=200
        ),
        "industry": _common.text(industry, "industry", required=False, max_length=60),
        "description": _common.text(description, "description", required=False),
    }
    lead = _member_in_scope(actor, lead, "lead")
    with transaction.atomic():
        studio = Studio.objects.create(organisation=organisation, lead=lead, **data)
        audit.record(
            actor=actor,
            action="innovation.studio.named",
            obj=studio,
            organisation_id=organisation.pk,
            changes={
                "status": [None, studio.status],
                "level": [None, studio.level],
                "lead": [None, lead.name],
            },
        )
    return studio


def studio_add_member(
    *, actor, studio: Studio, member: Member | None, role: str = "", joined_on=None
) -> StudioMember:
    _require(actor, studio.organisation)
    member = _member_in_scope(actor, member, "member")
    role = _common.text(role, "role", required=False, max_length=60)
    joined_on = _common.date(joined_on, "joined_on") if joined_on else timezone.localdate()
    with transaction.atomic():
        if member.pk == studio.lead_id or StudioMember.objects.filter(studio=studio, member=member).exists():
            raise ValidationError(
                {"member": ValidationError(_("Already on this studio's team."), code="already_member")}
            )
        row = StudioMember.objects.create(studio=studio, member=member, role=role, joined_on=joined_on)
        audit.record(
            actor=actor,
            action="innovation.studio.member_added",
            obj=studio,
            organisation_id=studio.organisation_id,
            changes={"team": [None, member.name]},
        )
    return row


def studio_activate(*, actor, studio: Studio) -> Studio:
    """A named studio starts work (named → active)."""
    _require(actor, studio.organisation)
    with transaction.atomic():
        studio = _locked(studio)
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
    """De-list (摘牌) a studio, with a reason and a date."""
    _require(actor, studio.organisation)
    reason = _common.text(reason, "reason", max_length=1000)
    on = _common.date(on, "on") if on else timezone.localdate()
    with transaction.atomic():
        studio = _locked(studio)
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
    """Record an achievement; a patent needs its number; savings in yuan, zero or more."""
    _require(actor, studio.organisation)
    kind = _common.choice(kind, "kind", AchievementKind)
    title = _common.text(title, "title", max_length=200)
    achieved_on = _common.date(achieved_on, "achieved_on")
    savings = _common.money(savings if savings not in (None, "") else "0", "savings")
    patent_no = _common.text(patent_no, "patent_no", required=kind == AchievementKind.PATENT, max_length=40)
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
    _require(actor, studio.organisation)
    year = _common.year(year)
    rating = _common.choice(rating, "rating", ReviewRating)
    comments = _common.text(comments, "comments", required=False)
    with transaction.atomic():
        studio = _locked(studio)
        if studio.status == StudioStatus.DELISTED:
            raise ValidationError(_("This studio is de-listed already."), code="bad_status")
        if StudioReview.objects.filter(studio=studio, year=year).exists():
            raise ValidationError(
                {"year": ValidationError(_("This year has been reviewed already."), code="review_exists")}
            )
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
    _require(actor, studio.organisation)
    year = _common.year(year)
    amount = _common.money(amount, "amount", positive=True)
    source = _common.text(source, "source", max_length=120)
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


# ---- alliances ---------------------------------------------------------------------------------------


def alliance_create(
    *, actor, organisation: Organisation, name: str, charter: str = "", founded_on=None, studios=()
) -> Alliance:
    """Found an alliance owned by ``organisation``, with its first member studios (each in
    the actor's scope)."""
    _require(actor, organisation)
    name = _common.text(name, "name", max_length=120)
    charter = _common.text(charter, "charter", required=False, max_length=20000)
    founded_on = _common.date(founded_on, "founded_on") if founded_on else timezone.localdate()
    studios = [_studio_in_scope(actor, s, "studios") for s in studios]
    with transaction.atomic():
        alliance = Alliance.objects.create(
            organisation=organisation, name=name, charter=charter, founded_on=founded_on
        )
        for studio in dict.fromkeys(studios):
            AllianceMembership.objects.create(alliance=alliance, studio=studio, joined_on=founded_on)
        audit.record(
            actor=actor,
            action="innovation.alliance.founded",
            obj=alliance,
            organisation_id=organisation.pk,
            changes={"studios": [None, len(studios)]},
        )
    return alliance


def alliance_add_studio(
    *, actor, alliance: Alliance, studio: Studio | None, joined_on=None
) -> AllianceMembership:
    _require(actor, alliance.organisation)
    studio = _studio_in_scope(actor, studio)
    joined_on = _common.date(joined_on, "joined_on") if joined_on else timezone.localdate()
    with transaction.atomic():
        if AllianceMembership.objects.filter(alliance=alliance, studio=studio).exists():
            raise ValidationError(
                {"studio": ValidationError(_("Already a member of this alliance."), code="already_member")}
            )
        row = AllianceMembership.objects.create(alliance=alliance, studio=studio, joined_on=joined_on)
        audit.record(
            actor=actor,
            action="innovation.alliance.studio_joined",
            obj=alliance,
            organisation_id=alliance.organisation_id,
            changes={"studio": [None, studio.name]},
        )
    return row


def alliance_set_lead(
    *, actor, alliance: Alliance, studio: Studio | None, starts_on, ends_on
) -> AllianceLeadTerm:
    """Give the rotating lead (轮值牵头) to a member studio for a term; terms may not overlap
    and earlier terms stay as history."""
    _require(actor, alliance.organisation)
    starts_on = _common.date(starts_on, "starts_on")
    ends_on = _common.date(ends_on, "ends_on")
    if ends_on <= starts_on:
        raise ValidationError(
            {"ends_on": ValidationError(_("The term must end after it starts."), code="bad_term")}
        )
    with transaction.atomic():
        Alliance.objects.select_for_update().get(pk=alliance.pk)
        if studio is None or not AllianceMembership.objects.filter(alliance=alliance, studio=studio).exists():
            raise ValidationError(
                {"studio": ValidationError(_("Only a member studio can lead."), code="studio_unknown")}
            )
        if AllianceLeadTerm.objects.filter(
            alliance=alliance, starts_on__lt=ends_on, ends_on__gt=starts_on
        ).exists():
            raise ValidationError(
                {"starts_on": ValidationError(_("The term overlaps another lead term."), code="term_overlap")}
            )
        term = AllianceLeadTerm.objects.create(
            alliance=alliance, studio=studio, starts_on=starts_on, ends_on=ends_on
        )
        audit.record(
            actor=actor,
            action="innovation.alliance.lead_set",
            obj=alliance,
            organisation_id=alliance.organisation_id,
            changes={"lead": [None, f"{studio.name} {starts_on.isoformat()}–{ends_on.isoformat()}"]},
        )
    return term


def joint_project_create(
    *, actor, alliance: Alliance, title: str, studios=(), status: str = ProjectStatus.PLANNED
) -> JointProject:
    _require(actor, alliance.organisation)
    title = _common.text(title, "title", max_length=200)
    status = _common.choice(status, "status", ProjectStatus)
    members = set(AllianceMembership.objects.filter(alliance=alliance).values_list("studio_id", flat=True))
    studios = list(studios)
    if not studios or any(s is None or s.pk not in members for s in studios):
        raise ValidationError(
            {"studios": ValidationError(_("Choose member studios of this alliance."), code="studio_unknown")}
        )
    with transaction.atomic():
        project = JointProject.objects.create(alliance=alliance, title=title, status=status)
        project.studios.set(studios)
        audit.record(
            actor=actor,
            action="innovation.alliance.project_created",
            obj=project,
            organisation_id=alliance.organisation_id,
            changes={"title": [None, title], "studios": [None, len(studios)]},
        )
    return project


def joint_project_set_status(*, actor, project: JointProject, status: str) -> JointProject:
    _require(actor, project.alliance.organisation)
    status = _common.choice(status, "status", ProjectStatus)
    with transaction.atomic():
        before = project.status
        JointProject.objects.filter(pk=project.pk).update(status=status)
        project.status = status
        audit.record(
            actor=actor,
            action="innovation.alliance.project_status",
            obj=project,
            organisation_id=project.alliance.organisation_id,
            changes={"status": [before, status]},
        )
    return project
