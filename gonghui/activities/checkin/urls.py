"""Check-in, attendance and report pages, in the activities app's URL namespace (added to
``gonghui/activities/urls.py`` by one line): ``activities:checkin``, ``activities:checkin_screen`` …"""

from django.urls import path

from gonghui.activities.checkin import views

urlpatterns = [
    path("<uuid:activity_id>/checkin/", views.checkin, name="checkin"),
    path("manage/<uuid:activity_id>/checkin/", views.screen, name="checkin_screen"),
    path("manage/<uuid:activity_id>/checkin/code/", views.code, name="checkin_code"),
    path("manage/<uuid:activity_id>/scan/", views.scan, name="checkin_scan"),
    path("manage/<uuid:activity_id>/attendance/", views.attendance, name="attendance"),
    path(
        "manage/<uuid:activity_id>/attendance/<uuid:signup_id>/certify/",
        views.certify,
        name="attendance_certify",
    ),
    path("manage/<uuid:activity_id>/report/", views.report, name="report"),
    path("reports/photos/<uuid:photo_id>/", views.report_photo, name="report_photo"),
]
