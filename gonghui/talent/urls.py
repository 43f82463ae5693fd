from django.urls import path

from gonghui.talent import views

app_name = "talent"

urlpatterns = [
    path("me/", views.my_profile, name="me"),
    path("members/<uuid:member_id>/", views.member_profile, name="member"),
]
