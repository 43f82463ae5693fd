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


class AuditAction(models.TextChoices):
    """Every audit code the innovation app writes, with the name officers read on the audit
    page (named by InnovationConfig.audit_actions)."""

    IDEA_SUBMITTED = "innovation.idea.submitted", _("Idea submitted")
    IDEA_SUPPORTED = "innovation.idea.supported", _("Idea supported")
    IDEA_REVIEW_STARTED = "innovation.idea.review_started", _("Idea sent to expert review")
    IDEA_EXPERT_ASSIGNED = "innovation.idea.expert_assigned", _("Expert assigned to an idea")
    IDEA_EXPERT_UNASSIGNED = "innovation.idea.expert_unassigned", _("Expert taken off an idea")
    IDEA_ADOPTED = "innovation.idea.adopted", _("Idea adopted")
    IDEA_NOT_ADOPTED = "innovation.idea.not_adopted", _("Idea not adopted")
    IDEA_IMPLEMENTED = "innovation.idea.implemented", _("Idea implemented")
    IDEA_REOPENED = "innovation.idea.reopened", _("Idea implementation reopened")
    IDEA_REWARDED = "innovation.idea.rewarded", _("Idea rewarded")
    IDEA_REPORTED = "innovation.idea.reported", _("Idea reported")
    IDEA_HIDDEN = "innovation.idea.hidden", _("Idea hidden pending moderation")
    IDEA_RESTORED = "innovation.idea.restored", _("Idea restored")
    IDEA_REMOVED = "innovation.idea.removed", _("Idea removed")
    MILESTONE_ADDED = "innovation.milestone.added", _("Milestone added")
    MILESTONE_DONE = "innovation.milestone.done", _("Milestone done")
    SETTINGS_CHANGED = "innovation.settings.changed", _("Idea thresholds set")
    SETTINGS_CLEARED = "innovation.settings.cleared", _("Idea thresholds inherited again")
    STUDIO_NAMED = "innovation.studio.named", _("Studio registered")
    STUDIO_UPDATED = "innovation.studio.updated", _("Studio record edited")
    STUDIO_MEMBER_ADDED = "innovation.studio.member_added", _("Added to a studio's team")
    STUDIO_MEMBER_REMOVED = "innovation.studio.member_removed", _("Taken off a studio's team")
    STUDIO_ACTIVATED = "innovation.studio.activated", _("Studio activated")
    STUDIO_DELISTED = "innovation.studio.delisted", _("Studio de-listed")
    STUDIO_DELISTING_PROPOSED = "innovation.studio.delisting_proposed", _("De-listing proposed")
    STUDIO_ACHIEVEMENT_ADDED = "innovation.studio.achievement_added", _("Studio achievement recorded")
    STUDIO_REVIEWED = "innovation.studio.reviewed", _("Studio's yearly review recorded")
    STUDIO_FUNDED = "innovation.studio.funded", _("Studio funding recorded")
    ALLIANCE_FOUNDED = "innovation.alliance.founded", _("Alliance founded")
    ALLIANCE_UPDATED = "innovation.alliance.updated", _("Alliance record edited")
    ALLIANCE_STUDIO_JOINED = "innovation.alliance.studio_joined", _("Studio joined an alliance")
    ALLIANCE_STUDIO_LEFT = "innovation.alliance.studio_left", _("Studio left an alliance")
    ALLIANCE_LEAD_SET = "innovation.alliance.lead_set", _("Alliance lead term recorded")
    ALLIANCE_PROJECT_CREATED = "innovation.alliance.project_created", _("Joint project added")
    ALLIANCE_PROJECT_UPDATED = "innovation.alliance.project_updated", _("Joint project edited")
