from django.urls import path

from gonghui.members.views import officer

urlpatterns = [
    path("members/stats/<str:code>/", officer.organisation_stats, name="org_stats"),
    path("members/", officer.member_list, name="list"),
    path("members/new/", officer.member_create, name="create"),
    path("members/dues-calculator/", officer.dues_preview, name="dues_preview"),
    path("members/<uuid:member_id>/", officer.member_detail, name="detail"),
    path("members/<uuid:member_id>/edit/", officer.member_edit, name="edit"),
    path("members/<uuid:member_id>/reveal/", officer.member_reveal, name="reveal"),
    path("members/<uuid:member_id>/status/", officer.member_status, name="status"),
    path("members/<uuid:member_id>/transfer/", officer.member_transfer, name="transfer"),
    path("members/<uuid:member_id>/dues/", officer.member_dues, name="dues"),
    path("enrolments/", officer.enrolment_queue, name="enrolments"),
    path("enrolments/<uuid:enrolment_id>/approve/", officer.enrolment_approve, name="enrolment_approve"),
    path("enrolments/<uuid:enrolment_id>/reject/", officer.enrolment_reject, name="enrolment_reject"),
    path("transfers/", officer.transfer_queue, name="transfers"),
    path(
        "transfers/<uuid:transfer_id>/release/",
        officer.transfer_act,
        {"action": "release"},
        name="transfer_release",
    ),
    path(
        "transfers/<uuid:transfer_id>/accept/",
        officer.transfer_act,
        {"action": "accept"},
        name="transfer_accept",
    ),
    path(
        "transfers/<uuid:transfer_id>/refuse/",
        officer.transfer_act,
        {"action": "refuse"},
        name="transfer_refuse",
    ),
    path(
        "transfers/<uuid:transfer_id>/cancel/",
        officer.transfer_act,
        {"action": "cancel"},
        name="transfer_cancel",
    ),
]
