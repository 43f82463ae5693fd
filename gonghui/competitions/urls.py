from django.urls import path

from gonghui.competitions import views

app_name = "competitions"

urlpatterns = [
    path("", views.competition_list, name="list"),
    path("judging/", views.judging, name="judging"),
    path("open/", views.open_to_me, name="open"),
    path("new/", views.competition_create, name="create"),
    path("<uuid:competition_id>/", views.competition_detail, name="detail"),
    path("<uuid:competition_id>/results/", views.public_results, name="results"),
    path("<uuid:competition_id>/recompute/", views.recompute, name="recompute"),
    path("<uuid:competition_id>/judge/", views.judge_home, name="judge"),
    path("<uuid:competition_id>/do/<slug:action>/", views.competition_action, name="action"),
    path("sheets/<uuid:sheet_id>/", views.judge_sheet, name="judge_sheet"),
    path(
        "recommendations/<uuid:recommendation_id>/accept/",
        views.recommendation_action,
        {"action": "accept"},
        name="recommendation_accept",
    ),
    path(
        "recommendations/<uuid:recommendation_id>/decline/",
        views.recommendation_action,
        {"action": "decline"},
        name="recommendation_decline",
    ),
    path(
        "corrections/<uuid:correction_id>/approve/",
        views.correction_action,
        {"action": "approve"},
        name="correction_approve",
    ),
    path(
        "corrections/<uuid:correction_id>/reject/",
        views.correction_action,
        {"action": "reject"},
        name="correction_reject",
    ),
    path("appeals/<uuid:appeal_id>/decide/", views.appeal_decide, name="appeal_decide"),
]
