from django.urls import path

from gonghui.assistance import views

app_name = "assistance"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("dibao/", views.dibao, name="dibao"),
    path("apply/", views.apply, name="apply"),
    path("<uuid:household_id>/", views.detail, name="detail"),
    path("<uuid:household_id>/visit/", views.visit, name="visit"),
    path("<uuid:household_id>/payments/", views.payment, name="payment"),
    path("<uuid:household_id>/bank-card/", views.reveal, name="reveal"),
    path("<uuid:household_id>/<str:name>/", views.action, name="action"),
]
