"""Station pages (urls_reports): problem reports and tickets, check-ins, suggested sites."""

from django.urls import path

from gonghui.stations.views import reports

urlpatterns: list = [
    path("s/<str:code>/report/", reports.report, name="report"),
    path("s/<str:code>/checkin/", reports.checkin, name="checkin"),
    path("s/<str:code>/qr/", reports.station_qr, name="station_qr"),
    path("t/<str:number>/", reports.ticket, name="ticket"),
    path("keeper/tickets/", reports.keeper_tickets, name="keeper_tickets"),
    path("tickets/", reports.ticket_queue, name="tickets"),
    path("tickets/rates/", reports.ticket_rates, name="ticket_rates"),
    path("tickets/<str:number>/", reports.ticket_detail, name="ticket_detail"),
    path("tickets/<str:number>/acknowledge/", reports.ticket_acknowledge, name="ticket_acknowledge"),
    path("tickets/<str:number>/resolve/", reports.ticket_resolve, name="ticket_resolve"),
    path("tickets/<str:number>/reject/", reports.ticket_reject, name="ticket_reject"),
    path("suggest/", reports.suggest, name="suggest"),
    path("suggestions/", reports.suggestion_queue, name="suggestions"),
    path("suggestions/<uuid:suggestion_id>/", reports.suggestion, name="suggestion"),
    path("suggestions/<uuid:suggestion_id>/accept/", reports.suggestion_accept, name="suggestion_accept"),
    path("suggestions/<uuid:suggestion_id>/decline/", reports.suggestion_decline, name="suggestion_decline"),
]
