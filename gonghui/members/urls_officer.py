from django.urls import path

from gonghui.members.views import officer

urlpatterns = [
    path("members/", officer.member_list, name="list"),
    path("members/new/", officer.member_create, name="create"),
    path("members/<uuid:member_id>/", officer.member_detail, name="detail"),
    path("members/<uuid:member_id>/edit/", officer.member_edit, name="edit"),
    path("enrolments/", officer.enrolment_queue, name="enrolments"),
    path("transfers/", officer.transfer_queue, name="transfers"),
]
