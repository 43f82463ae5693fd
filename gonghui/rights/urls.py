from django.urls import path

from gonghui.rights import views

app_name = "rights"

urlpatterns = [
    path("new/", views.file_request, name="file"),
    path("r/<uuid:request_id>/", views.status, name="status"),
    path("find/", views.find, name="find"),
    path("", views.queue, name="queue"),
    path("rates/", views.rates, name="rates"),
    path("requests/<uuid:request_id>/", views.detail, name="detail"),
    path("requests/<uuid:request_id>/accept/", views.accept, name="accept"),
    path("requests/<uuid:request_id>/complexity/", views.complexity, name="complexity"),
    path("requests/<uuid:request_id>/transfer/", views.transfer, name="transfer"),
    path("requests/<uuid:request_id>/escalate/", views.escalate, name="escalate"),
    path("requests/<uuid:request_id>/close/", views.close, name="close"),
    path("requests/<uuid:request_id>/follow-up/", views.follow_up, name="follow_up"),
    path("requests/<uuid:request_id>/recovery/", views.recovery, name="recovery"),
    path("transfers/<uuid:transfer_id>/decide/", views.transfer_decide, name="transfer_decide"),
    path("transfers/<uuid:transfer_id>/letter/", views.letter, name="letter"),
]

urlpatterns += [
    path("requests/<uuid:request_id>/legal-aid/", views.legal_aid_open, name="legal_aid_open"),
    path("requests/<uuid:request_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("requests/<uuid:request_id>/outcome/", views.legal_aid_outcome, name="legal_aid_outcome"),
    path(
        "requests/<uuid:request_id>/employment-ended/",
        views.legal_aid_employment_ended,
        name="legal_aid_employment_ended",
    ),
    path("evidence/<uuid:evidence_id>/", views.evidence_file, name="evidence_file"),
    path("needs/", views.needs_list, name="needs"),
    path("needs/<uuid:need_id>/progress/", views.need_progress, name="need_progress"),
    path("needs/<str:code>/", views.needs_public, name="needs_public"),
]
