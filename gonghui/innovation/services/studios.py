"""Innovation studios (劳模和工匠人才创新工作室) and alliances (联盟): naming, team,
achievements, yearly reviews (two failed years in a row propose de-listing), funding,
de-listing; alliances with member studios, a rotating lead and joint projects.

All writes need ``manage_innovation`` on the owning union (the founding union for an
alliance) and write one audit entry each.

The lead (领衔人) is an honoured worker: a member of the owning union's subtree holding at
least one honour in the honours registry (``gonghui.honours``). A lead without one is taken
only with the officer's written reason (``lead_honour_note``, e.g. an honour not entered in the
registry yet), which is kept on the studio and in the audit entry.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.honours import selectors as honour_selectors
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


def _lead_checked(actor, organisation: Organisation, lead: Member | None, note: str) -> tuple[Member, bool]:
    """The lead, checked: in scope, in the owning union's subtree, and honoured (an honour in
    the registry) or else explained by ``note``. Returns ``(lead, honoured)``."""
    lead = _member_in_scope(actor, lead, "lead")
    if not lead.organisation.path.startswith(organisation.path):
        raise ValidationError(
            {
                "lead": ValidationError(
                    _("The lead must be a member of the owning union or a union under it."),
                    code="lead_outside_union",
                )
            }
        )
    honoured = honour_selectors.member_honours(lead).exists()
    if not honoured and not note:
        raise ValidationError(
            {
                "lead_honour_note": ValidationError(
                    _(
                        "%(name)s holds no honour in the honours registry. A studio is led by an "
                        "honoured worker: record the honour in the registry, or give the reason "
                        "(which honour, conferred by whom, when) here."
                    )
                    % {"name": lead.name},
                    code="lead_not_honoured",
                )
            }
        )
    return lead, honoured


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
    """Register a named studio. The lead must be a member of the owning union's subtree in the
    actor's scope, holding an honour in the registry or explained by ``lead_honour_note``."""
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
    _require(actor, studio.organisation)
    checks = {
        "name": lambda v: _common.text(v, "name", max_length=120),
        "employer": lambda v: _common.text(v, "employer", max_length=120),
        "level": lambda v: _common.choice(v, "level", StudioLevel),
        "named_on": lambda v: _common.date(v, "named_on"),
        "naming_body": lambda v: _common.text(v, "naming_body", max_length=120),
        "lead_honour_note": lambda v: _common.text(v, "lead_honour_note", required=False, max_length=200),
        "industry": lambda v: _common.text(v, "industry", required=False, max_length=60),
        "description": lambda v: _common.text(v, "description", required=False),
    }
    data = {k: checks[k](v) for k, v in fields.items() if k in checks}
    organisation = fields.get("organisation", studio.organisation)
    if organisation is None:
        raise ValidationError(
            {"organisation": ValidationError(_("Choose a union in your scope."), code="org_unknown")}
        )
    if organisation.pk != studio.organisation_id:
        _require(actor, organisation)
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
        studio = _locked(studio)
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


def studio_remove_member(*, actor, studio: Studio, member: Member | None) -> None:
    """Take a member off the studio's team (the lead is changed on the studio instead)."""
    _require(actor, studio.organisation)
    with transaction.atomic():
        row = (
            StudioMember.objects.select_for_update().filter(studio=studio, member=member).first()
            if member is not None
            else None
        )
        if row is None:
            raise ValidationError(
                {"member": ValidationError(_("Not on this studio's team."), code="not_a_member")}
            )
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


def alliance_update(*, actor, alliance: Alliance, name=None, charter=None, founded_on=None) -> Alliance:
    """Edit an alliance's name, charter or founding date (the founding union stays)."""
    _require(actor, alliance.organisation)
    data = {}
    if name is not None:
        data["name"] = _common.text(name, "name", max_length=120)
    if charter is not None:
        data["charter"] = _common.text(charter, "charter", required=False, max_length=20000)
    if founded_on is not None:
        data["founded_on"] = _common.date(founded_on, "founded_on")
    with transaction.atomic():
        alliance = Alliance.objects.select_for_update().select_related("organisation").get(pk=alliance.pk)
        before = audit.snapshot(alliance, data.keys())
        for k, v in data.items():
            setattr(alliance, k, v)
        changes = audit.diff(before, audit.snapshot(alliance, data.keys()))
        if changes:
            alliance.save(update_fields=list(data))
            audit.record(
                actor=actor,
                action="innovation.alliance.updated",
                obj=alliance,
                organisation_id=alliance.organisation_id,
                changes=changes,
            )
    return alliance


def alliance_remove_studio(*, actor, alliance: Alliance, studio: Studio | None) -> None:
    """A studio leaves the alliance. Refused while it holds the current or a future lead term
    (end or reassign the term first); its past terms and joint projects stay as history."""
    _require(actor, alliance.organisation)
    today = timezone.localdate()
    with transaction.atomic():
        Alliance.objects.select_for_update().get(pk=alliance.pk)
        row = (
            AllianceMembership.objects.filter(alliance=alliance, studio=studio).first()
            if studio is not None
            else None
        )
        if row is None:
            raise ValidationError(
                {"studio": ValidationError(_("Not a member of this alliance."), code="not_a_member")}
            )
        if AllianceLeadTerm.objects.filter(alliance=alliance, studio=studio, ends_on__gt=today).exists():
            raise ValidationError(
                {
                    "studio": ValidationError(
                        _("This studio holds the current or a coming lead term."), code="studio_leads"
                    )
                }
            )
        row.delete()
        audit.record(
            actor=actor,
            action="innovation.alliance.studio_left",
            obj=alliance,
            organisation_id=alliance.organisation_id,
            changes={"studio": [studio.name, None]},
        )


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


def joint_project_update(
    *, actor, project: JointProject, title=None, studios=None, status=None
) -> JointProject:
    """Change a joint project's title, studios (member studios of the alliance) or status."""
    alliance = project.alliance
    _require(actor, alliance.organisation)
    data = {}
    if title is not None:
        data["title"] = _common.text(title, "title", max_length=200)
    if status is not None:
        data["status"] = _common.choice(status, "status", ProjectStatus)
    if studios is not None:
        studios = list(studios)
        members = set(
            AllianceMembership.objects.filter(alliance=alliance).values_list("studio_id", flat=True)
        )
        # studios that left the alliance may stay on a project they worked on
        current = set(project.studios.values_list("pk", flat=True))
        if not studios or any(s is None or (s.pk not in members and s.pk not in current) for s in studios):
            raise ValidationError(
                {
                    "studios": ValidationError(
                        _("Choose member studios of this alliance."), code="studio_unknown"
                    )
                }
            )
    with transaction.atomic():
        before = {"title": project.title, "status": project.status}
        if data:
            JointProject.objects.filter(pk=project.pk).update(**data)
            for k, v in data.items():
                setattr(project, k, v)
        changes = audit.diff(before, {"title": project.title, "status": project.status})
        if studios is not None:
            old_names = sorted(project.studios.values_list("name", flat=True))
            project.studios.set(studios)
            new_names = sorted(s.name for s in dict.fromkeys(studios))
            if old_names != new_names:
                changes["studios"] = [", ".join(old_names), ", ".join(new_names)]
        if changes:
            audit.record(
                actor=actor,
                action="innovation.alliance.project_updated",
                obj=project,
                organisation_id=alliance.organisation_id,
                changes=changes,
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
