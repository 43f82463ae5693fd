from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gonghui.core.channels.templates import MessageTemplate


class HonourKind(models.TextChoices):
    """The honours the registry keeps. 工人先锋号 goes to a team, the others to a person."""

    MODEL_WORKER = "model_worker", _("Model worker")  # 劳动模范
    ADVANCED_WORKER = "advanced_worker", _("Advanced worker")  # 先进工作者
    MAY_DAY_MEDAL = "may_day_medal", _("May Day Labour Medal")  # 五一劳动奖章
    PIONEER_TEAM = "pioneer_team", _("Workers' Pioneer")  # 工人先锋号
    TECHNICAL_EXPERT = "technical_expert", _("Technical expert")  # 技术能手


TEAM_KINDS = frozenset({HonourKind.PIONEER_TEAM})


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")


# The highest organisation level (organisations.choices.Level: 0 national, 1 provincial,
# 2 city) that may organise a nomination list of each honour level.
LEVEL_ORGANISER_DEPTH = {HonourLevel.NATIONAL: 0, HonourLevel.PROVINCIAL: 1, HonourLevel.CITY: 2}


class ListStatus(models.TextChoices):
    BUILDING = "building", _("Recommending and reviewing")
    PUBLICITY = "publicity", _("Public notice")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


class NomineeStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    ACCEPTED = "accepted", _("Accepted by the organiser")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STRUCK = "struck", _("Struck off after an objection")


# Nominees that are on the list (counted by the quota check).
ON_LIST = frozenset({NomineeStatus.IN_REVIEW, NomineeStatus.ACCEPTED})


class Ownership(models.TextChoices):
    """Of the nominee's enterprise, as the quota counts it."""

    PUBLIC = "public", _("Public enterprise")
    NON_PUBLIC = "non_public", _("Non-public enterprise")
    NOT_ENTERPRISE = "none", _("Not an enterprise (government, institution, other)")


class ReviewDecision(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended")
    APPROVED = "approved", _("Passed to the next level")
    ACCEPTED = "accepted", _("Accepted by the organiser")
    RETURNED = "returned", _("Returned")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STRUCK = "struck", _("Struck off")


class ObjectionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    INVESTIGATING = "investigating", _("Investigating")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_OBJECTION = frozenset({ObjectionStatus.RECEIVED, ObjectionStatus.INVESTIGATING})


class AuditAction(models.TextChoices):
    """Every audit code the honours app writes, with the name officers read on the audit page
    (named by HonoursConfig.audit_actions)."""

    HONOUR_GRANTED = "honours.honour.granted", _("Honour recorded")
    LIST_CREATED = "honours.list.created", _("Nomination list opened")
    LIST_QUOTAS_CHANGED = "honours.list.quotas_changed", _("Nomination quotas changed")
    LIST_PUBLICITY_STARTED = "honours.list.publicity_started", _("Public notice started")
    LIST_APPROVED = "honours.list.approved", _("Nomination list approved")
    LIST_CANCELLED = "honours.list.cancelled", _("Nomination list cancelled")
    NOMINEE_RECOMMENDED = "honours.nominee.recommended", _("Nominee recommended")
    NOMINEE_APPROVED = "honours.nominee.approved", _("Nominee passed on")
    NOMINEE_RETURNED = "honours.nominee.returned", _("Nominee returned")
    NOMINEE_RESUBMITTED = "honours.nominee.resubmitted", _("Nominee resubmitted")
    NOMINEE_WITHDRAWN = "honours.nominee.withdrawn", _("Nominee withdrawn")
    NOMINEE_STRUCK = "honours.nominee.struck", _("Nominee struck off")
    OBJECTION_RECEIVED = "honours.objection.received", _("Objection received")
    OBJECTION_CONTACT_REVEALED = "honours.objection.contact_revealed", _("Objector's contact revealed")
    # objection_decide writes honours.objection.<status> for each decision it takes.
    OBJECTION_INVESTIGATING = "honours.objection.investigating", _("Objection under investigation")
    OBJECTION_UPHELD = "honours.objection.upheld", _("Objection upheld")
    OBJECTION_DISMISSED = "honours.objection.dismissed", _("Objection dismissed")
    VISIT_RECORDED = "honours.visit.recorded", _("School visit recorded")
    VISIT_CHANGED = "honours.visit.changed", _("School visit changed")
    VISIT_DELETED = "honours.visit.deleted", _("School visit deleted")
    VISIT_PHOTO_ADDED = "honours.visit.photo_added", _("School visit photo added")


class NotificationKind(models.TextChoices):
    """Every notification kind the honours app sends, with the name people read in their inbox
    (named by the AppConfig's ``notification_kinds``)."""

    OBJECTION_DECIDED = "objection.decided", _("Objection decided")


# The SMS/e-mail copy of each kind (docs/ops/messages.md): the providers approve this fixed text
# and refuse long free text in a variable, so the parameters are short values and the link.
NOTIFICATION_MESSAGES = (
    MessageTemplate(
        kind=NotificationKind.OBJECTION_DECIDED,
        subject=gettext_noop("Objection decided"),
        text=gettext_noop("Your objection to a published list is decided: %(decision)s. Details: %(link)s"),
        params=("decision", "link"),
    ),
)


class SchoolKind(models.TextChoices):
    """The kind of school a 劳模进校园 visit goes to."""

    SCHOOL = "school", _("Primary or secondary school")  # 中小学
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school")  # 中职
    HIGHER_VOCATIONAL = "higher_vocational", _("Higher vocational college")  # 高职
    UNDERGRADUATE = "undergraduate", _("University")  # 本科
    OTHER = "other", _("Other school")


class VisitRole(models.TextChoices):
    """What the honoured people did at the school."""

    COUNSELLOR = "counsellor", _("Part-time counsellor talk")  # 兼职辅导员
    LECTURE = "lecture", _("Lecture")  # 大讲堂
    MENTOR = "mentor", _("Part-time mentor")  # 兼职导师
