"""Status dictionaries and kinds of the innovation app (studios, alliances, 五小 ideas)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StudioLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")


class StudioStatus(models.TextChoices):
    NAMED = "named", _("Named")
    ACTIVE = "active", _("Active")
    DELISTED = "delisted", _("De-listed")


class AchievementKind(models.TextChoices):
    PATENT = "patent", _("Patent")
    INNOVATION = "innovation", _("Technical innovation")
    METHOD = "method", _("Operating method")
    STANDARD = "standard", _("Standard")
    SAVING = "saving", _("Cost saving")


class ReviewRating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class IdeaKind(models.TextChoices):
    """The five "small" innovations (五小)."""

    INVENTION = "invention", _("Small invention")  # 小发明
    CREATION = "creation", _("Small creation")  # 小创造
    INNOVATION = "innovation", _("Small innovation")  # 小革新
    DESIGN = "design", _("Small design")  # 小设计
    SUGGESTION = "suggestion", _("Small suggestion")  # 小建议


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Gathering support")
    IN_REVIEW = "in_review", _("In expert review")
    ADOPTED = "adopted", _("Adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    IMPLEMENTED = "implemented", _("Implemented")


class Moderation(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden pending moderation")
    REMOVED = "removed", _("Removed")


class Feasibility(models.TextChoices):
    HIGH = "high", _("Feasible")
    MEDIUM = "medium", _("Feasible with changes")
    LOW = "low", _("Not feasible")


class RewardKind(models.TextChoices):
    CASH = "cash", _("Cash award")
    CERTIFICATE = "certificate", _("Certificate")
    POINTS = "points", _("Points")
    OTHER = "other", _("Other")


class ModerationDecision(models.TextChoices):
    RESTORE = "restore", _("Restore")
    REMOVE = "remove", _("Remove")


# Ideas a member may still support (before the review decides).
SUPPORTABLE = {IdeaStatus.SUBMITTED}
# Ideas with a published answer.
DECIDED = {IdeaStatus.ADOPTED, IdeaStatus.NOT_ADOPTED, IdeaStatus.IMPLEMENTED}
ADOPTED_STATES = {IdeaStatus.ADOPTED, IdeaStatus.IMPLEMENTED}
