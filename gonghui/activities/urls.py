"""Activity pages: members' list, detail, sign-up and cancel, my sign-ups; organisers' pages
under ``manage/``."""

from django.urls import path

from gonghui.activities.checkin.urls import urlpatterns as checkin_urlpatterns
from gonghui.activities.views import officer, pages

app_name = "activities"

urlpatterns = [
    path("", pages.activity_list, name="list"),
    path("mine/", pages.my_signups, name="mine"),
    path("<uuid:activity_id>/", pages.activity_detail, name="detail"),
    path("<uuid:activity_id>/signup/", pages.signup, name="signup"),
    path("<uuid:activity_id>/cancel/", pages.cancel, name="cancel"),
    path("manage/", officer.manage_list, name="manage"),
    path("manage/new/", officer.activity_new, name="new"),
    path("manage/<uuid:activity_id>/", officer.manage_detail, name="manage_detail"),
    path("manage/<uuid:activity_id>/edit/", officer.activity_edit, name="edit"),
    path("manage/<uuid:activity_id>/publish/", officer.publish, name="publish"),
    path("manage/<uuid:activity_id>/cancel/", officer.cancel, name="manage_cancel"),
    path("manage/<uuid:activity_id>/signups.csv", officer.export, name="export"),
]
# Check-in, attendance and photo reports (gonghui/activities/checkin/urls.py).
urlpatterns += checkin_urlpatterns
