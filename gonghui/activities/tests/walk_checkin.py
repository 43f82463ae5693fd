"""The check-in part of the activities app's URL walk (gonghui/tests/urlwalk.py). The app has
one ``tests/walk.py``; it merges this part in:

    from gonghui.activities.tests import walk_checkin

    def xian_objects(world):
        values = {...}  # with "activity_id" of a 西安 activity
        values |= walk_checkin.xian_objects(world, activity)
        return values

    NOT_WALKED = {..., **walk_checkin.NOT_WALKED}
    PUBLIC_PAGES = {..., *walk_checkin.PUBLIC_PAGES}
    # The stations' walk gives "photo_id" (a station's photo): a report photo has its own key.
PARAM_ALIASES = {"photo_id": "report_photo_id"}
API_NOT_WALKED = {..., **walk_checkin.API_NOT_WALKED}
    API_BODIES = {..., **walk_checkin.API_BODIES}
    PARAM_ALIASES = {..., **walk_checkin.PARAM_ALIASES}
    COUNTED = [..., *walk_checkin.COUNTED]
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.activities.checkin import reports
from gonghui.activities.choices import SignupStatus
from gonghui.activities.models import ActivityReport, Attendance, CheckIn, ReportPhoto, Signup
from gonghui.activities.tests.attendance_fixtures import make_activity
from gonghui.testing import PNG


def xian_objects(world, activity) -> dict:
    """On the 西安 ``activity``: the member's confirmed sign-up, checked in by the organiser's
    card scan. On an ended 西安 activity: a photo report (a news draft) with one photo."""
    officer = world.users["xian"]
    signup = Signup.objects.filter(activity=activity, user=world.users["member"]).first()
    if signup is None:
        signup = Signup.objects.create(
            activity=activity,
            user=world.users["member"],
            member=world.members["xian_worker"],
            status=SignupStatus.CONFIRMED,
        )
    # The walk's activity is days ahead, when check-in is closed (checkin_closed): the record
    # is written as the organiser's card scan at its start would write it.
    CheckIn.objects.get_or_create(
        signup=signup,
        direction="in",
        defaults={"at": activity.starts_at, "source": "card", "by": officer},
    )
    ended = make_activity(world, starts_in=datetime.timedelta(days=-2), title="西安走查活动")
    report = reports.report_submit(
        actor=officer,
        activity=ended,
        summary="走查用的活动小结",
        photos=[SimpleUploadedFile("walk.png", PNG, content_type="image/png")],
    )
    return {"signup_id": signup.pk, "report_photo_id": report.photos.get().pk}


NOT_WALKED = {
    "activities:checkin": "a person's own check-in by the organiser's code (test_checkin_api, the browser test)",
}
# A report photo is public once its news item is published; before, only officers in scope
# see it (test_report walks anonymous and sibling visitors).
PUBLIC_PAGES = {"activities:report_photo"}
# The stations' walk gives "photo_id" (a station's photo): a report photo has its own key.
PARAM_ALIASES = {"photo_id": "report_photo_id"}
API_NOT_WALKED = {
    "activities/{activity_id}/checkin": "the caller's own check-in by the organiser's code (test_checkin_api)",
}
API_BODIES = {("POST", "activities/{activity_id}/checkins/sync"): {"scans": []}}
# Tables a sibling's walk must not add a row to.
COUNTED = [CheckIn, Attendance, ActivityReport, ReportPhoto]
