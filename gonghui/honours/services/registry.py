"""The honour registry: recording an honour (``honour_grant``), called by officers' pages,
by nomination-list approval and by other apps (competitions)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.text import check_lengths, clean
from gonghui.honours.choices import TEAM_KINDS, HonourKind, HonourLevel
from gonghui.honours.models import Honour, Nominee
from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action
FIRST_YEAR = 1950  # the first national model-worker conference


def _within(org: Organisation, root: Organisation) -> bool:
    return org.path.startswith(root.path)


def honour_grant(
    *,
    actor,
    member: Member | None = None,
    team_name: str = "",
    organisation: Organisation,
    kind: str,
    level: str,
    year: int,
    issuing_body: str,
    allowance: bool = False,
    medical_benefit: bool = False,
    source: str = "",
    source_id: str = "",
    team_host: str = "",
    team_members: Iterable[Member] = (),
) -> Honour:
    """Record an honour for a member, or for a team (工人先锋号). The actor needs
    ``manage_honours`` on ``organisation`` (the union recording it; ``None`` is the system).
    A member must belong to ``organisation``'s subtree; the honour is filed under the member's
    own union. A team's honour is filed under ``organisation``. The same member (team) cannot
    hold the same kind, level and year twice (``duplicate_honour``). Audited as
    ``honours.honour.granted``. Raises ValidationError, PermissionDenied or Http404."""
    if actor is not None:
        scoping.require(actor, Action.MANAGE_HONOURS, organisation)
    return _grant(
        actor=actor,
        member=member,
        team_name=team_name,
        organisation=organisation,
        kind=kind,
        level=level,
        year=year,
        issuing_body=issuing_body,
        allowance=allowance,
        medical_benefit=medical_benefit,
        source=source,
        source_id=source_id,
        team_host=team_host,
        team_members=team_members,
    )


def _grant(
    *,
    actor,
    member,
    team_name,
    organisation,
    kind,
    level,
    year,
    issuing_body,
    allowance,
    medical_benefit,
    source,
    source_id,
    team_host="",
    team_members=(),
    nominee: Nominee | None = None,
) -> Honour:
    errors = {}
    team_name, team_host, issuing_body = clean(team_name), clean(team_host), clean(issuing_body)
    source, source_id = clean(source), clean(source_id)
    if kind not in HonourKind.values:
        errors["kind"] = ValidationError(_("Choose a kind of honour."), code="kind")
    if level not in HonourLevel.values:
        errors["level"] = ValidationError(_("Choose a level."), code="level")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= this_year:
        errors["year"] = ValidationError(
            _("The year must be between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": this_year},
            code="year",
        )
    if not issuing_body:
        errors["issuing_body"] = ValidationError(
            _("Name the body that conferred the honour."), code="required"
        )
    team_members = list(team_members)
    if kind in TEAM_KINDS:
        if member is not None:
            errors["member"] = ValidationError(
                _("A Workers' Pioneer honour goes to a team, not a person."), code="team_only"
            )
        if not team_name:
            errors["team_name"] = ValidationError(_("Name the team."), code="required")
        for m in team_members:
            if not _within(m.organisation, organisation):
                errors["team_members"] = ValidationError(
                    _("%(name)s is not a member of this union.") % {"name": m.name}, code="member_outside"
                )
    elif kind in HonourKind.values:
        if member is None:
            errors["member"] = ValidationError(_("Choose the member who holds the honour."), code="required")
        elif not _within(member.organisation, organisation):
            errors["member"] = ValidationError(
                _("The member does not belong to this union or the unions below it."), code="member_outside"
            )
        if team_name or team_members:
            errors["team_name"] = ValidationError(
                _("Only a Workers' Pioneer honour goes to a team."), code="person_only"
            )
    if errors:
        raise ValidationError(errors)
    data = {"team_name": team_name, "team_host": team_host, "issuing_body": issuing_body}
    data |= {"source": source, "source_id": source_id}
    check_lengths(Honour, data)
    owner = member.organisation if member is not None else organisation
    duplicate = Honour.objects.filter(kind=kind, level=level, year=year)
    duplicate = (
        duplicate.filter(member=member)
        if member is not None
        else duplicate.filter(member__isnull=True, organisation=owner, team_name=team_name)
    )
    if duplicate.exists():
        raise ValidationError(
            _("This honour (%(kind)s, %(level)s, %(year)d) is already on record.")
            % {"kind": HonourKind(kind).label, "level": HonourLevel(level).label, "year": year},
            code="duplicate_honour",
        )
    try:
        with transaction.atomic():
            honour = Honour.objects.create(
                kind=kind,
                level=level,
                year=year,
                member=member,
                organisation=owner,
                allowance=bool(allowance),
                medical_benefit=bool(medical_benefit),
                nominee=nominee,
                granted_by=actor if getattr(actor, "is_authenticated", False) else None,
                **data,
            )
            if team_members:
                honour.team_members.set(team_members)
            audit.record(
                actor=actor,
                action="honours.honour.granted",
                obj=honour,
                organisation_id=owner.pk,
                changes={
                    "kind": [None, kind],
                    "level": [None, level],
                    "year": [None, year],
                    "holder": [None, member.name if member is not None else team_name],
                    "allowance": [None, bool(allowance)],
                    "medical_benefit": [None, bool(medical_benefit)],
                    "source": [None, f"{source} {source_id}".strip()],
                },
            )
    except IntegrityError:
        # A concurrent grant of the same honour won the race.
        raise ValidationError(_("This honour is already on record."), code="duplicate_honour") from None
    return honour
