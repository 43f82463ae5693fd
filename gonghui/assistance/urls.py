from django.urls import path

from gonghui.assistance import views

app_name = "assistance"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("dibao/", views.dibao, name="dibao"),
    path("apply/", views.apply, name="apply"),
    path("watch/", views.watch, name="watch"),
    path("<uuid:household_id>/", views.detail, name="detail"),
    path("<uuid:household_id>/visit/", views.visit, name="visit"),
    path("<uuid:household_id>/payments/", views.payment, name="payment"),
    path("<uuid:household_id>/bank-card/", views.reveal, name="reveal"),
    path("<uuid:household_id>/edit/", views.edit, name="edit"),
    path("<uuid:household_id>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "<uuid:household_id>/attachments/<uuid:document_id>/", views.attachment_file, name="attachment_file"
    ),
    path("<uuid:household_id>/incomes/", views.income, name="income"),
    path("<uuid:household_id>/risk/", views.risk, name="risk"),
    path("<uuid:household_id>/alerts/<uuid:alert_id>/close/", views.alert_close, name="alert_close"),
    path("<uuid:household_id>/<str:name>/", views.action, name="action"),
]
