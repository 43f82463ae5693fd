"""Check-in, attendance and report pages, under /activities/ beside the activity pages."""

from django.urls import path

from gonghui.activities.checkin import views

app_name = "checkin"

urlpatterns = [
    path("<uuid:activity_id>/checkin/", views.checkin, name="checkin"),
    path("manage/<uuid:activity_id>/checkin/", views.screen, name="screen"),
    path("manage/<uuid:activity_id>/checkin/code/", views.code, name="code"),
    path("manage/<uuid:activity_id>/scan/", views.scan, name="scan"),
    path("manage/<uuid:activity_id>/attendance/", views.attendance, name="attendance"),
    path("manage/<uuid:activity_id>/attendance/<uuid:signup_id>/certify/", views.certify, name="certify"),
    path("manage/<uuid:activity_id>/report/", views.report, name="report"),
    path("reports/photos/<uuid:photo_id>/", views.report_photo, name="report_photo"),
]
