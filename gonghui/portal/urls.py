"""The portal's pages (the home page itself is ``/``, named ``dashboard``, in config/urls.py).
The manifest and the service worker sit at the root on purpose: a service worker controls
only the pages under the path it is served from.

我的 lives under ``/me/``, beside members' own pages there (``/me/`` the record and dues,
``/me/card/``) and the inbox (``/me/notifications/``)."""

from django.urls import path

from gonghui.portal.views import app, dues, mine

app_name = "portal"

urlpatterns = [
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("dues/", dues.dues_calculator, name="dues"),
    path("me/overview/", mine.overview, name="mine"),
    path("me/applications/", mine.applications, name="mine_applications"),
    path("me/requests/", mine.requests, name="mine_requests"),
    path("me/requests/<uuid:request_id>/", mine.request_detail, name="mine_request"),
    path("me/requests/<uuid:request_id>/<str:action>/", mine.request_action, name="mine_request_action"),
    path("me/hardship/", mine.hardship, name="mine_hardship"),
    path("me/transfers/", mine.move, name="mine_transfers"),
    path("me/transfers/to/<uuid:organisation_id>/", mine.move_confirm, name="mine_transfer_confirm"),
    path("me/transfers/<uuid:transfer_id>/withdraw/", mine.move_cancel, name="mine_transfer_cancel"),
    path("me/competitions/", mine.competitions, name="mine_competitions"),
    path(
        "me/competitions/<uuid:competition_id>/enter/", mine.competition_enter, name="mine_competition_enter"
    ),
    path("me/ideas/", mine.ideas, name="mine_ideas"),
    path("me/verify/", mine.verify, name="mine_verify"),
    path("me/phone/", mine.phone, name="mine_phone"),
]
