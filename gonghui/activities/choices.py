"""Choices of the activities app (活动): kinds, audiences, states of an activity and of a
sign-up, audit codes and notification kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gonghui.core.channels.templates import MessageTemplate


class Kind(models.TextChoices):
    THEME_EDUCATION = "theme_education", _("theme education (主题教育)")
    PARTY_HISTORY = "party_history", _("Party history study (党史学习)")
    MODEL_WORKER_SCHOOL = "model_worker_school", _("model workers and craftsmen in schools (劳模进校园)")
    READING_ROOM = "reading_room", _("workers' reading room (职工书屋)")
    CULTURE_SPORTS = "culture_sports", _("culture and sports (文体)")
    TRAINING = "training", _("training (培训)")
    OTHER = "other", _("other")


class Audience(models.TextChoices):
    # Members of the organiser's subtree, or of the chosen target unions' subtrees.
    MEMBERS = "members", _("members of the target unions")
    # Anyone with an account who signs in (workers who are not members yet, too).
    SIGNED_IN = "signed_in", _("anyone signed in")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CANCELLED = "cancelled", _("cancelled")


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    WAITLISTED = "waitlisted", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")
    # Set after the activity by the check-in and attendance records.
    ATTENDED = "attended", _("attended")
    NO_SHOW = "no_show", _("did not come")


# The sign-ups that hold a place (or a turn in the queue): one per person and activity.
LIVE_SIGNUP_STATUSES = (
    SignupStatus.CONFIRMED,
    SignupStatus.WAITLISTED,
    SignupStatus.ATTENDED,
    SignupStatus.NO_SHOW,
)
# The sign-ups that take one of the activity's places.
PLACE_TAKING_STATUSES = (SignupStatus.CONFIRMED, SignupStatus.ATTENDED, SignupStatus.NO_SHOW)


class AuditAction(models.TextChoices):
    """Every audit code the activities app writes, with the name officers read on the audit
    page (named by ActivitiesConfig.audit_actions)."""

    ACTIVITY_CREATED = "activities.activity.created", _("Activity created")
    ACTIVITY_UPDATED = "activities.activity.updated", _("Activity edited")
    ACTIVITY_PUBLISHED = "activities.activity.published", _("Activity published")
    ACTIVITY_CANCELLED = "activities.activity.cancelled", _("Activity cancelled")
    SIGNUP_CREATED = "activities.signup.created", _("Signed up for an activity")
    SIGNUP_CANCELLED = "activities.signup.cancelled", _("Sign-up cancelled")
    SIGNUP_PROMOTED = "activities.signup.promoted", _("Moved from the waiting list to a place")
    SIGNUPS_EXPORTED = "activities.signups.exported", _("Sign-ups of an activity exported")


class NotificationKind(models.TextChoices):
    """Every notification kind the activities app sends, with the name people read in their
    inbox (named by the AppConfig's ``notification_kinds``)."""

    # To the first on the waiting list when a place frees up.
    PROMOTED = "activity.promoted", _("You have a place at an activity")
    # To everyone signed up when the organiser cancels the activity.
    CANCELLED = "activity.cancelled", _("Activity cancelled")


# The SMS/e-mail copy of each kind (docs/ops/messages.md): fixed text, short parameters (the
# title is cut to 20 characters by the channel layer).
NOTIFICATION_MESSAGES = (
    MessageTemplate(
        kind=NotificationKind.PROMOTED,
        subject=gettext_noop("You have a place at an activity"),
        text=gettext_noop("A place freed up: you are now signed up for %(title)s on %(date)s."),
        params=("title", "date"),
    ),
    MessageTemplate(
        kind=NotificationKind.CANCELLED,
        subject=gettext_noop("Activity cancelled"),
        text=gettext_noop("The activity %(title)s on %(date)s has been cancelled."),
        params=("title", "date"),
    ),
)
