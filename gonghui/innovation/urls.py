from django.urls import path

from gonghui.innovation.views import ideas, registry

app_name = "innovation"

urlpatterns = [
    path("ideas/", ideas.idea_list, name="idea_list"),
    path("ideas/new/", ideas.idea_new, name="idea_new"),
    path("ideas/similar/", ideas.idea_similar, name="idea_similar"),
    path("ideas/review/", ideas.review_queue, name="review_queue"),
    path("ideas/moderation/", ideas.moderation_queue, name="moderation_queue"),
    path("ideas/implementation/", ideas.implementation_queue, name="implementation_queue"),
    path("ideas/<uuid:idea_id>/", ideas.idea_detail, name="idea_detail"),
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
    path("studios/<uuid:studio_id>/", registry.studio_detail, name="studio_detail"),
    path("studios/<uuid:studio_id>/achievements/", registry.studio_achievement, name="studio_achievement"),
    path("studios/<uuid:studio_id>/reviews/", registry.studio_review, name="studio_review"),
    path("studios/<uuid:studio_id>/funding/", registry.studio_funding, name="studio_funding"),
    path("studios/<uuid:studio_id>/activate/", registry.studio_activate, name="studio_activate"),
    path("studios/<uuid:studio_id>/delist/", registry.studio_delist, name="studio_delist"),
    path("alliances/", registry.alliance_list, name="alliance_list"),
    path("alliances/<uuid:alliance_id>/", registry.alliance_detail, name="alliance_detail"),
]
