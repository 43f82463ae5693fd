"""The honour registry: recording an honour (``honour_grant``), called by officers' pages,
by other apps (competitions) and, for each nominee of an approved list, by
``lists.nomination_list_approve`` (``honour_grant_for_nominee``)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs
from gonghui.core.inputs import InputCode, field_error
from gonghui.core.validation import FieldErrors
from gonghui.honours import permissions
from gonghui.honours.choices import TEAM_KINDS, HonourKind, HonourLevel
from gonghui.honours.models import Honour, NominationList, Nominee
from gonghui.members.models import Member
from gonghui.organisations.models import Organisation

FIRST_YEAR = 1950  # the first national model-worker conference


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
        permissions.require_grant(actor, organisation)
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


def honour_grant_for_nominee(*, actor, nomination_list: NominationList, nominee: Nominee) -> Honour:
    """The honour an accepted nominee receives when their list is approved: the list's kind,
    level, year, issuing body and flags, ``source`` the list's title and ``source_id`` its id,
    filed under the nominee's union (a team's host unit kept). Only for
    ``lists.nomination_list_approve``, which has checked that ``actor`` manages the list and
    runs this inside its transaction; the registry's rules apply as for :func:`honour_grant`."""
    nl = nomination_list
    return _grant(
        actor=actor,
        member=nominee.member,
        team_name=nominee.team_name,
        organisation=nominee.organisation,
        kind=nl.kind,
        level=nl.level,
        year=nl.year,
        issuing_body=nl.issuing_body,
        allowance=nl.allowance,
        medical_benefit=nl.medical_benefit,
        source=nl.title,
        source_id=str(nl.pk),
        team_host=nominee.employer if nominee.member_id is None else "",
        nominee=nominee,
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
    errors = FieldErrors()
    kind = errors.read(inputs.choice, kind, "kind", HonourKind)
    level = errors.read(inputs.choice, level, "level", HonourLevel)
    year = errors.read(inputs.integer, year, "year", minimum=FIRST_YEAR, maximum=timezone.localdate().year)
    issuing_body = errors.read(inputs.text, issuing_body, "issuing_body", max_length=120)
    if issuing_body == "":
        errors.add(
            field_error("issuing_body", _("Name the body that conferred the honour."), InputCode.REQUIRED)
        )
    team_name = errors.read(inputs.text, team_name, "team_name", max_length=120)
    team_host = errors.read(inputs.text, team_host, "team_host", max_length=120)
    source = errors.read(inputs.text, source, "source", max_length=200)
    source_id = errors.read(inputs.text, source_id, "source_id", max_length=64)
    team_members = list(team_members)
    if kind in TEAM_KINDS:
        if member is not None:
            errors.add(
                field_error(
                    "member", _("A Workers' Pioneer honour goes to a team, not a person."), "team_only"
                )
            )
        if team_name == "":
            errors.add(field_error("team_name", _("Name the team."), InputCode.REQUIRED))
        outside = [m for m in team_members if not organisation.contains(m.organisation)]
        if outside:
            errors.add(
                field_error(
                    "team_members",
                    _("%(name)s is not a member of this union.") % {"name": outside[-1].name},
                    "member_outside",
                )
            )
    elif kind is not None:
        if member is None:
            errors.add(
                field_error("member", _("Choose the member who holds the honour."), InputCode.REQUIRED)
            )
        elif not organisation.contains(member.organisation):
            errors.add(
                field_error(
                    "member",
                    _("The member does not belong to this union or the unions below it."),
                    "member_outside",
                )
            )
        if team_name or team_members:
            errors.add(
                field_error("team_name", _("Only a Workers' Pioneer honour goes to a team."), "person_only")
            )
    errors.raise_any()
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
                granted_by=actor if actor is not None and actor.is_authenticated else None,
                team_name=team_name,
                team_host=team_host,
                issuing_body=issuing_body,
                source=source,
                source_id=source_id,
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
