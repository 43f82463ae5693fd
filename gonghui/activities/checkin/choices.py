"""Audit codes of check-in, hours and photo reports, and the app's one list of audit codes.

The activities app names one ``AuditAction`` in its AppConfig; this one is the sign-up codes of
``activities.choices.AuditAction`` followed by those written here, so each module keeps its
own codes and the audit page still finds every label.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.activities import choices as activity_choices


class AttendanceAction(models.TextChoices):
    CHECKED_IN = "activities.checkin.recorded", _("Checked in or out at an activity")
    HOURS_CERTIFIED = "activities.attendance.certified", _("Activity hours certified")
    NO_SHOW = "activities.signup.no_show", _("Marked as not having come to an activity")
    REPORT_SUBMITTED = "activities.report.submitted", _("Activity photo report sent to the news review")


AuditAction = models.TextChoices(
    "AuditAction",
    [(m.name, (m.value, m.label)) for m in (*activity_choices.AuditAction, *AttendanceAction)],
)
