"""Station pages (urls_pages): the public find / station / map pages, the keeper's phone
pages and the officers' list, map and station forms."""

from django.urls import path

from gonghui.stations.views import keeper, officer, pages

urlpatterns: list = [
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
