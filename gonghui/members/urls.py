"""The members app's pages (namespace ``members``): the officer's roster, member records,
enrolment and transfer queues, bulk import and export; the public join page; a member's own
membership, transfers and card."""

from django.urls import path

from gonghui.members.views import enrolments, exports, imports, officer, public, signin

app_name = "members"
urlpatterns = [
    # bulk import
    path("members/imports/", imports.import_list, name="import_list"),
    path(
        "members/imports/template.xlsx",
        imports.import_template_download,
        {"file_format": "xlsx"},
        name="import_template_xlsx",
    ),
    path(
        "members/imports/template.csv",
        imports.import_template_download,
        {"file_format": "csv"},
        name="import_template_csv",
    ),
    path("members/imports/<uuid:batch_id>/", imports.import_detail, name="import_detail"),
    path("members/imports/<uuid:batch_id>/commit/", imports.import_commit, name="import_commit"),
    path("members/imports/<uuid:batch_id>/undo/", imports.import_undo, name="import_undo"),
    path("members/imports/<uuid:batch_id>/resume/", imports.import_resume, name="import_resume"),
    path("members/imports/<uuid:batch_id>/rollback/", imports.import_rollback, name="import_rollback"),
    # export
    path("members/exports/new/", exports.export_new, name="export_new"),
    path("members/exports/<uuid:job_id>/", exports.export_detail, name="export_detail"),
    path("members/exports/<uuid:job_id>/download/", exports.export_download, name="export_download"),
    # officer pages
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
    path("enrolments/", enrolments.enrolment_queue, name="enrolments"),
    path("enrolments/<uuid:enrolment_id>/approve/", enrolments.enrolment_approve, name="enrolment_approve"),
    path("enrolments/<uuid:enrolment_id>/reject/", enrolments.enrolment_reject, name="enrolment_reject"),
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
    # the public and the member's own pages
    path("join/", public.join, name="join"),
    path("join/divisions/", public.join_divisions, name="join_divisions"),
    path("join/status/", public.join_lookup, name="join_lookup"),
    path("join/status/<uuid:enrolment_id>/", public.join_status, name="join_status"),
    path("login/phone/", signin.phone_login, name="phone_login"),
    path("me/", public.me, name="me"),
    path("me/transfers/<uuid:transfer_id>/cancel/", public.me_transfer_cancel, name="me_transfer_cancel"),
    path("me/card/", public.card, name="card"),
    path("card/verify/<str:token>/", public.card_verify, name="card_verify"),
]
