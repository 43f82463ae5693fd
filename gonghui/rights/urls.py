from django.urls import path

from gonghui.rights import views

app_name = "rights"


def _button(route: str, action: str):
    """A button of the request's detail page: ``views.request_action`` with its action."""
    return path(f"requests/<uuid:request_id>/{route}/", views.request_action, {"action": action}, name=action)


urlpatterns = [
    path("new/", views.file_request, name="file"),
    path("r/<uuid:request_id>/", views.status, name="status"),
    path("find/", views.find, name="find"),
    path("", views.queue, name="queue"),
    path("rates/", views.rates, name="rates"),
    path("requests/<uuid:request_id>/", views.detail, name="detail"),
    _button("accept", "accept"),
    _button("complexity", "complexity"),
    _button("transfer", "transfer"),
    _button("escalate", "escalate"),
    _button("close", "close"),
    _button("follow-up", "follow_up"),
    _button("recovery", "recovery"),
    _button("legal-aid", "legal_aid_open"),
    _button("evidence", "evidence_upload"),
    _button("outcome", "legal_aid_outcome"),
    _button("employment-ended", "legal_aid_employment_ended"),
    path("transfers/<uuid:transfer_id>/decide/", views.transfer_decide, name="transfer_decide"),
    path("transfers/<uuid:transfer_id>/letter/", views.letter, name="letter"),
    path("evidence/<uuid:evidence_id>/", views.evidence_file, name="evidence_file"),
    path("needs/", views.needs_list, name="needs"),
    path("needs/<uuid:need_id>/progress/", views.need_progress, name="need_progress"),
    path("needs/<str:code>/", views.needs_public, name="needs_public"),
]
