"""Pages of the stations app, mounted at /stations/: the public find / station / map pages and
the worker's problem report, check-in and suggested site; the keeper's phone pages; the
officers' lists, map, station forms, tickets, suggestions, import and export."""

from django.urls import path

from gonghui.stations.views import io, keeper, officer, pages, reports

app_name = "stations"

urlpatterns = [
    # problem reports and tickets, check-ins, suggested sites
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
    # import and export
    path("manage/import/", io.import_page, name="io_import"),
    path("manage/import/confirm/", io.import_confirm, name="io_import_confirm"),
    path("manage/import/template.<str:file_format>", io.import_template, name="io_import_template"),
    path("manage/export/", io.export_page, name="io_export"),
    path("manage/export/download/", io.export_download, name="io_export_download"),
    # the public pages, the keeper's phone pages, the officers' station pages
    path("", pages.find, name="find"),
    path("map/", pages.station_map, name="map"),
    path("s/<str:code>/", pages.detail, name="detail"),
    path("s/<str:code>/photos/<uuid:photo_id>/", pages.photo, name="photo"),
    path("keeper/", keeper.home, name="keeper"),
    path("keeper/<str:code>/", keeper.station, name="keeper_station"),
    path("keeper/<str:code>/status/", keeper.status, name="keeper_status"),
    path("keeper/<str:code>/hours/", keeper.hours_view, name="keeper_hours"),
    path("keeper/<str:code>/exceptions/", keeper.exception_add, name="keeper_exception_add"),
    path(
        "keeper/<str:code>/exceptions/<int:exception_id>/delete/",
        keeper.exception_delete,
        name="keeper_exception_delete",
    ),
    path("keeper/<str:code>/verify/", keeper.verify, name="keeper_verify"),
    path("keeper/<str:code>/photos/", keeper.photo_add, name="keeper_photo_add"),
    path("keeper/<str:code>/photos/<uuid:photo_id>/delete/", keeper.photo_delete, name="keeper_photo_delete"),
    path("manage/", officer.station_list, name="manage"),
    path("manage/map/", officer.station_map, name="manage_map"),
    path("manage/new/", officer.station_create, name="manage_create"),
    path("manage/s/<str:code>/edit/", officer.station_edit, name="manage_edit"),
]
