from django.urls import path

from gonghui.innovation.views import ideas, manage, registry

app_name = "innovation"

urlpatterns = [
    path("ideas/", ideas.idea_list, name="idea_list"),
    path("ideas/new/", ideas.idea_new, name="idea_new"),
    path("ideas/similar/", ideas.idea_similar, name="idea_similar"),
    path("ideas/review/", ideas.review_queue, name="review_queue"),
    path("ideas/moderation/", ideas.moderation_queue, name="moderation_queue"),
    path("ideas/implementation/", ideas.implementation_queue, name="implementation_queue"),
    path("ideas/settings/", manage.idea_settings, name="idea_settings"),
    path("ideas/<uuid:idea_id>/", ideas.idea_detail, name="idea_detail"),
    path("ideas/<uuid:idea_id>/experts/", manage.idea_experts, name="idea_experts"),
    path("ideas/<uuid:idea_id>/experts/remove/", manage.idea_expert_remove, name="idea_expert_remove"),
    path("ideas/<uuid:idea_id>/support/", ideas.idea_support, name="idea_support"),
    path("ideas/<uuid:idea_id>/report/", ideas.idea_report, name="idea_report"),
    path(
        "ideas/<uuid:idea_id>/files/<uuid:attachment_id>/",
        ideas.attachment_download,
        name="attachment_download",
    ),
    path("ideas/<uuid:idea_id>/send-to-review/", ideas.idea_send_to_review, name="idea_send_to_review"),
    path("ideas/<uuid:idea_id>/decide/", ideas.idea_review, name="idea_review"),
    path("ideas/<uuid:idea_id>/milestones/", ideas.milestone_add, name="milestone_add"),
    path(
        "ideas/<uuid:idea_id>/milestones/<uuid:milestone_id>/done/",
        ideas.milestone_done,
        name="milestone_done",
    ),
    path("ideas/<uuid:idea_id>/reward/", ideas.reward_record, name="reward_record"),
    path("ideas/<uuid:idea_id>/moderate/", ideas.idea_moderate, name="idea_moderate"),
    path("studios/", registry.studio_list, name="studio_list"),
    path("studios/new/", manage.studio_new, name="studio_new"),
    path("studios/member-picker/", manage.member_picker, name="member_picker"),
    path("studios/<uuid:studio_id>/", registry.studio_detail, name="studio_detail"),
    path("studios/<uuid:studio_id>/edit/", manage.studio_edit, name="studio_edit"),
    path("studios/<uuid:studio_id>/team/", manage.studio_team_add, name="studio_team_add"),
    path("studios/<uuid:studio_id>/team/remove/", manage.studio_team_remove, name="studio_team_remove"),
    # A studio's buttons and small forms: one view, which picks the service from its table
    # (views.registry).
    path(
        "studios/<uuid:studio_id>/achievements/",
        registry.studio_act,
        {"action": "achievement"},
        name="studio_achievement",
    ),
    path(
        "studios/<uuid:studio_id>/reviews/", registry.studio_act, {"action": "review"}, name="studio_review"
    ),
    path(
        "studios/<uuid:studio_id>/funding/", registry.studio_act, {"action": "funding"}, name="studio_funding"
    ),
    path(
        "studios/<uuid:studio_id>/activate/",
        registry.studio_act,
        {"action": "activate"},
        name="studio_activate",
    ),
    path("studios/<uuid:studio_id>/delist/", registry.studio_act, {"action": "delist"}, name="studio_delist"),
    path("alliances/", registry.alliance_list, name="alliance_list"),
    path("alliances/new/", manage.alliance_new, name="alliance_new"),
    path("alliances/<uuid:alliance_id>/", registry.alliance_detail, name="alliance_detail"),
    path("alliances/<uuid:alliance_id>/edit/", manage.alliance_edit, name="alliance_edit"),
    path("alliances/<uuid:alliance_id>/studios/", manage.alliance_studio_add, name="alliance_studio_add"),
    path(
        "alliances/<uuid:alliance_id>/studios/remove/",
        manage.alliance_studio_remove,
        name="alliance_studio_remove",
    ),
    path("alliances/<uuid:alliance_id>/lead/", manage.alliance_lead, name="alliance_lead"),
    path("alliances/<uuid:alliance_id>/projects/", manage.alliance_project_add, name="alliance_project_add"),
    path(
        "alliances/<uuid:alliance_id>/projects/update/",
        manage.alliance_project_update,
        name="alliance_project_update",
    ),
]
