from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    NATIONAL = "national", _("National federation")
    PROVINCIAL = "provincial", _("Provincial federation")
    CITY = "city", _("City federation")
    COUNTY = "county", _("County/district federation")
    STREET = "street", _("Township/street union")
    INDUSTRIAL = "industrial", _("Industrial union")
    FEDERATION = "federation", _("Industry/regional union federation")
    GRASSROOTS = "grassroots", _("Grassroots union")


class Level(models.IntegerChoices):
    NATIONAL = 0, _("National")
    PROVINCIAL = 1, _("Provincial")
    CITY = 2, _("City")
    COUNTY = 3, _("County")
    STREET = 4, _("Township/street")
    GRASSROOTS = 5, _("Grassroots")


KIND_LEVEL = {
    Kind.NATIONAL: Level.NATIONAL,
    Kind.PROVINCIAL: Level.PROVINCIAL,
    Kind.CITY: Level.CITY,
    Kind.COUNTY: Level.COUNTY,
    Kind.STREET: Level.STREET,
    Kind.GRASSROOTS: Level.GRASSROOTS,
}

# Local federations: their code is their GB/T 2260 division code.
TERRITORIAL_KINDS = {Kind.NATIONAL, Kind.PROVINCIAL, Kind.CITY, Kind.COUNTY, Kind.STREET}


class GrassrootsType(models.TextChoices):
    INDEPENDENT = "independent", _("Independent grassroots union")
    JOINT = "joint", _("Joint grassroots union")


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    FOREIGN = "foreign", _("Foreign-invested")
    HK_MACAO_TAIWAN = "hmt", _("Hong Kong, Macao or Taiwan invested")
    INDIVIDUAL = "individual", _("Individual business")
    GOVERNMENT = "government", _("Government organ")
    PUBLIC_INSTITUTION = "institution", _("Public institution")
    SOCIAL = "social", _("Social organisation")
    OTHER = "other", _("Other")


NON_PUBLIC_OWNERSHIP = {Ownership.PRIVATE, Ownership.FOREIGN, Ownership.HK_MACAO_TAIWAN, Ownership.INDIVIDUAL}


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Officer")
    VIEWER = "viewer", _("Viewer")
    JUDGE = "judge", _("Judge")
    SUPERVISOR = "supervisor", _("Supervisor")
    STATION_KEEPER = "station_keeper", _("Station keeper")
    MEMBER = "member", _("Member")


class AuditAction(models.TextChoices):
    """Every audit code the organisations app writes, with the name officers read on the
    audit page (named by OrganisationsConfig.audit_actions)."""

    ORGANISATION_CREATED = "organisations.organisation.created", _("Organisation created")
    ORGANISATION_UPDATED = "organisations.organisation.updated", _("Organisation edited")
    ORGANISATION_MOVED = "organisations.organisation.moved", _("Organisation moved")
    ROLE_ASSIGNED = "organisations.role.assigned", _("Role given")
    ROLE_REVOKED = "organisations.role.revoked", _("Role revoked")
