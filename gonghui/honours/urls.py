from django.urls import path

from gonghui.honours.views import officer, public, visits

app_name = "honours"

urlpatterns = [
    path("", officer.honour_list, name="list"),
    path("new/", officer.honour_grant, name="grant"),
    path("<uuid:honour_id>/", officer.honour_detail, name="detail"),
    path("lists/", officer.list_index, name="lists"),
    path("lists/new/", officer.list_create, name="list_create"),
    path("lists/<uuid:list_id>/", officer.list_detail, name="list_detail"),
    path("lists/<uuid:list_id>/quota/", officer.list_quota, name="list_quota"),
    path("lists/<uuid:list_id>/recommend/", officer.list_recommend, name="list_recommend"),
    path("lists/<uuid:list_id>/quotas/", officer.list_quotas, name="list_quotas"),
    path("lists/<uuid:list_id>/publicity/", officer.list_publicity, name="list_publicity"),
    path("lists/<uuid:list_id>/approve/", officer.list_approve, name="list_approve"),
    path("lists/<uuid:list_id>/cancel/", officer.list_cancel, name="list_cancel"),
    # A nominee's steps: one view, which picks the service from its table (views.officer).
    path(
        "nominees/<uuid:nominee_id>/approve/",
        officer.nominee_act,
        {"action": "approve"},
        name="nominee_approve",
    ),
    path(
        "nominees/<uuid:nominee_id>/return/", officer.nominee_act, {"action": "return"}, name="nominee_return"
    ),
    path(
        "nominees/<uuid:nominee_id>/resubmit/",
        officer.nominee_act,
        {"action": "resubmit"},
        name="nominee_resubmit",
    ),
    path(
        "nominees/<uuid:nominee_id>/withdraw/",
        officer.nominee_act,
        {"action": "withdraw"},
        name="nominee_withdraw",
    ),
    path(
        "nominees/<uuid:nominee_id>/strike/", officer.nominee_act, {"action": "strike"}, name="nominee_strike"
    ),
    path("objections/<uuid:objection_id>/decide/", officer.objection_decide, name="objection_decide"),
    # The 劳模进校园 ledger (views.visits).
    path("visits/", visits.visit_list, name="visits"),
    path("visits/new/", visits.visit_create, name="visit_create"),
    path("visits/coverage/", visits.visit_coverage, name="visit_coverage"),
    path("visits/<uuid:visit_id>/", visits.visit_detail, name="visit_detail"),
    path("visits/<uuid:visit_id>/edit/", visits.visit_edit, name="visit_edit"),
    path("visits/<uuid:visit_id>/delete/", visits.visit_delete, name="visit_delete"),
    path("visits/<uuid:visit_id>/photos/", visits.visit_photo_add, name="visit_photo_add"),
    path("visits/<uuid:visit_id>/photos/<uuid:photo_id>/", visits.visit_photo, name="visit_photo"),
    path("notices/", public.notices, name="notices"),
    path("notices/<uuid:list_id>/", public.notice, name="notice"),
]
