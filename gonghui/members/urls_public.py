from django.urls import path

from gonghui.members.views import public

urlpatterns = [
    path("join/", public.join, name="join"),
    path("join/status/", public.join_lookup, name="join_lookup"),
    path("join/status/<uuid:enrolment_id>/", public.join_status, name="join_status"),
    path("me/", public.me, name="me"),
    path("me/card/", public.card, name="card"),
    path("card/verify/<str:token>/", public.card_verify, name="card_verify"),
]
