from django.urls import path

from gonghui.members.views import public

urlpatterns = [
    path("join/", public.join, name="join"),
    path("join/divisions/", public.join_divisions, name="join_divisions"),
    path("join/status/", public.join_lookup, name="join_lookup"),
    path("join/status/<uuid:enrolment_id>/", public.join_status, name="join_status"),
    path("me/", public.me, name="me"),
    path("me/transfer/", public.me_transfer, name="me_transfer"),
    path("me/transfer/union/", public.me_transfer_union, name="me_transfer_union"),
    path("me/transfers/<uuid:transfer_id>/cancel/", public.me_transfer_cancel, name="me_transfer_cancel"),
    path("me/card/", public.card, name="card"),
    path("card/verify/<str:token>/", public.card_verify, name="card_verify"),
]
