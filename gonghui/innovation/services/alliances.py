"""Alliances of innovation studios (创新工作室联盟): founded by a union, with member studios,
a rotating lead (轮值牵头) by terms, and joint projects.

All writes need ``manage_innovation`` on the founding union
(``permissions.require_manage_alliance``) and write one audit entry each.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs
from gonghui.core.inputs import field_error
from gonghui.innovation import permissions
from gonghui.innovation.choices import ProjectStatus
from gonghui.innovation.models import Alliance, AllianceLeadTerm, AllianceMembership, JointProject, Studio
from gonghui.organisations.models import Organisation


def _studio_in_scope(actor, studio: Studio | None, field: str = "studio") -> Studio:
    if studio is None or not permissions.can_see_studio(actor, studio):
        raise field_error(field, _("No such studio in your scope."), "studio_unknown")
    return studio


def _project_studios(alliance: Alliance, studios, *, staying=frozenset()) -> list[Studio]:
    """The studios of a joint project: at least one, each a member studio of the alliance (or,
    ``staying``, already on the project: a studio that left may stay on work it did)."""
    studios = list(studios)
    members = set(AllianceMembership.objects.filter(alliance=alliance).values_list("studio_id", flat=True))
    if not studios or any(s is None or (s.pk not in members and s.pk not in staying) for s in studios):
        raise field_error("studios", _("Choose member studios of this alliance."), "studio_unknown")
    return studios


def alliance_create(
    *, actor, organisation: Organisation, name: str, charter: str = "", founded_on=None, studios=()
) -> Alliance:
    """Found an alliance owned by ``organisation``, with its first member studios (each in
    the actor's scope)."""
    permissions.require_manage_in(actor, organisation)
    name = inputs.text(name, "name", required=True, max_length=120)
    charter = inputs.text(charter, "charter", max_length=20000, prose=True)
    founded_on = inputs.date(founded_on, "founded_on", required=False) or timezone.localdate()
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
    """A studio in the actor's scope joins the alliance, from ``joined_on`` (today)."""
    permissions.require_manage_alliance(actor, alliance)
    studio = _studio_in_scope(actor, studio)
    joined_on = inputs.date(joined_on, "joined_on", required=False) or timezone.localdate()
    with transaction.atomic():
        if AllianceMembership.objects.filter(alliance=alliance, studio=studio).exists():
            raise field_error("studio", _("Already a member of this alliance."), "already_member")
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
    permissions.require_manage_alliance(actor, alliance)
    data = {}
    if name is not None:
        data["name"] = inputs.text(name, "name", required=True, max_length=120)
    if charter is not None:
        data["charter"] = inputs.text(charter, "charter", max_length=20000, prose=True)
    if founded_on is not None:
        data["founded_on"] = inputs.date(founded_on, "founded_on")
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
    permissions.require_manage_alliance(actor, alliance)
    today = timezone.localdate()
    with transaction.atomic():
        Alliance.objects.select_for_update().get(pk=alliance.pk)
        row = (
            AllianceMembership.objects.filter(alliance=alliance, studio=studio).first()
            if studio is not None
            else None
        )
        if row is None:
            raise field_error("studio", _("Not a member of this alliance."), "not_in_alliance")
        if AllianceLeadTerm.objects.filter(alliance=alliance, studio=studio, ends_on__gt=today).exists():
            raise field_error(
                "studio", _("This studio holds the current or a coming lead term."), "studio_leads"
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
    permissions.require_manage_alliance(actor, alliance)
    starts_on = inputs.date(starts_on, "starts_on")
    ends_on = inputs.date(ends_on, "ends_on")
    if ends_on <= starts_on:
        raise field_error("ends_on", _("The term must end after it starts."), "end_before_start")
    with transaction.atomic():
        Alliance.objects.select_for_update().get(pk=alliance.pk)
        if studio is None or not AllianceMembership.objects.filter(alliance=alliance, studio=studio).exists():
            raise field_error("studio", _("Only a member studio can lead."), "studio_unknown")
        if AllianceLeadTerm.objects.filter(
            alliance=alliance, starts_on__lt=ends_on, ends_on__gt=starts_on
        ).exists():
            raise field_error("starts_on", _("The term overlaps another lead term."), "term_overlap")
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
    """A joint project of member studios of the alliance."""
    permissions.require_manage_alliance(actor, alliance)
    title = inputs.text(title, "title", required=True, max_length=200, prose=True)
    status = inputs.choice(status, "status", ProjectStatus)
    studios = _project_studios(alliance, studios)
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
    permissions.require_manage_alliance(actor, alliance)
    data = {}
    if title is not None:
        data["title"] = inputs.text(title, "title", required=True, max_length=200, prose=True)
    if status is not None:
        data["status"] = inputs.choice(status, "status", ProjectStatus)
    if studios is not None:
        studios = _project_studios(
            alliance, studios, staying=set(project.studios.values_list("pk", flat=True))
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
