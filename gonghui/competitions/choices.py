"""Choices of the competitions app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gonghui.core.channels.templates import MessageTemplate


class Kind(models.TextChoices):
    LABOUR = "labour", _("Labour competition")
    SKILLS = "skills", _("Skills competition")


class Stage(models.TextChoices):
    GRASSROOTS = "grassroots", _("Grassroots selection")
    CITY = "city", _("City competition")
    PROVINCIAL = "provincial", _("Provincial competition")
    FINAL = "final", _("Final")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REGISTRATION = "registration", _("Registration open")
    MARKING = "marking", _("Marking")
    RESULTS = "results", _("Results")


class ResultsState(models.TextChoices):
    NONE = "", _("Not computed")
    DRAFT = "draft", _("Draft results")
    VERIFIED = "verified", _("Verified")
    PUBLISHED = "published", _("Published")


class EntryKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAM = "team", _("Team")


class AspectKind(models.TextChoices):
    MEASUREMENT = "measurement", _("Measurement")
    JUDGEMENT = "judgement", _("Judgement")


class MeasurementMode(models.TextChoices):
    FULL_OR_ZERO = "full", _("Full mark or zero")
    BANDS = "bands", _("Tolerance bands")


class SheetStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SIGNED_OFF = "signed_off", _("Signed off")


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second approver")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class RecommendationKind(models.TextChoices):
    TITLE = "title", _("Honorary title")
    GRADE = "grade", _("Skill grade promotion")
    HONOUR = "honour", _("Honour nomination")


class RecommendationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUPERSEDED = "superseded", _("Superseded by a recomputation")


# Judges score a judgement aspect 0, 1, 2 or 3 (WorldSkills CIS).
JUDGEMENT_SCORES = (0, 1, 2, 3)
JUDGES_PER_JUDGEMENT = 3
# Theory may weigh at most this much unless the competition explicitly allows more.
MAX_THEORY_WEIGHT = "0.30"


class AuditAction(models.TextChoices):
    """Every audit code the competitions app writes, with the name officers read on the audit
    page (named by CompetitionsConfig.audit_actions)."""

    COMPETITION_CREATED = "competitions.competition.created", _("Competition set up")
    COMPETITION_RULES_CHANGED = "competitions.competition.rules_changed", _("Recommendation rules changed")
    COMPETITION_STATUS_CHANGED = (
        "competitions.competition.status_changed",
        _("Competition moved to its next step"),
    )
    SCHEME_IMPORTED = "competitions.scheme.imported", _("Marking scheme imported")
    ENTRY_REGISTERED = "competitions.entry.registered", _("Competitor registered")
    JUDGE_ASSIGNED = "competitions.judge.assigned", _("Competition judge assigned")
    JUDGE_SUBSTITUTED = "competitions.judge.substituted", _("Conflicted judge substituted")
    MARK_RECORDED = "competitions.mark.recorded", _("Mark recorded")
    MARK_CORRECTED = "competitions.mark.corrected", _("Mark corrected")
    SHEET_JUSTIFIED = "competitions.sheet.justified", _("Score spread justified")
    SHEET_SIGNED_OFF = "competitions.sheet.signed_off", _("Marking sheet signed off")
    CORRECTION_REQUESTED = "competitions.correction.requested", _("Mark correction requested")
    CORRECTION_REJECTED = "competitions.correction.rejected", _("Mark correction rejected")
    THEORY_RECORDED = "competitions.theory.recorded", _("Theory score recorded")
    RESULTS_COMPUTED = "competitions.results.computed", _("Draft competition results computed")
    RESULTS_VERIFIED = "competitions.results.verified", _("Competition results verified")
    RESULTS_PUBLISHED = "competitions.results.published", _("Competition results published")
    RESULTS_RECOMPUTED = "competitions.results.recomputed", _("Published competition results recomputed")
    APPEAL_FILED = "competitions.appeal.filed", _("Competition appeal filed")
    APPEAL_DECIDED = "competitions.appeal.decided", _("Competition appeal decided")
    RECOMMENDATION_ACCEPTED = "competitions.recommendation.accepted", _("Competition recommendation accepted")
    RECOMMENDATION_DECLINED = "competitions.recommendation.declined", _("Competition recommendation declined")


class NotificationKind(models.TextChoices):
    """Every notification kind the competitions app sends, with the name people read in their inbox
    (named by the AppConfig's ``notification_kinds``)."""

    RESULTS_PUBLISHED = "competition.results_published", _("Competition results published")


# The SMS/e-mail copy of each kind (docs/ops/messages.md): the providers approve this fixed text
# and refuse long free text in a variable, so the parameters are short values and the link.
NOTIFICATION_MESSAGES = (
    MessageTemplate(
        kind=NotificationKind.RESULTS_PUBLISHED,
        subject=gettext_noop("Competition results published"),
        text=gettext_noop(
            "Competition results are published. Competitor %(number)s: place %(rank)s. Details: %(link)s"
        ),
        params=("number", "rank", "link"),
    ),
)
