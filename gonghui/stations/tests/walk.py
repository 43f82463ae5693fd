"""Stations' part of the URL walk (gonghui/tests/urlwalk.py): a station of 西安 with its
keeper, photo, closed day, open ticket and check-in, and a suggested site routed to 西安. The
stations' public data, problem reports, check-ins and suggestions are open to everyone by
design (test_walk.py)."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.stations import models
from gonghui.stations.services import checkins, registry, suggestions, tickets
from gonghui.stations.tests.helpers import BELL_TOWER, make_keeper
from gonghui.testing import PNG, make_phone


def xian_objects(world) -> dict:
    """A station of 西安市总工会 at the Bell Tower with a keeper, a photo, a closed day, an open
    repair ticket (with the reporter's contact), a check-in, and a pending suggested site in
    未央区 (no union of its own, so routed to 西安市总工会)."""
    admin = world.users["xian"]
    keeper = make_keeper(world, "walk_keeper", "xian")
    station = registry.station_create(
        actor=admin,
        organisation=world.orgs["xian"],
        data={
            "name": "西安钟楼环卫工会驿站",
            "address": "西安市碑林区南大街1号",
            "division_code": "610103",
            "lat": BELL_TOWER[0],
            "lng": BELL_TOWER[1],
            "crs": "wgs84",
            "hours": "24小时",
            "facilities": ["seating", "water"],
        },
        keeper=keeper,
    )
    photo = registry.photo_add(
        actor=admin, station=station, upload=SimpleUploadedFile("驿站.png", PNG, content_type="image/png")
    )
    exception = registry.exception_set(
        actor=admin,
        station=station,
        date=datetime.date.today() + datetime.timedelta(days=7),
        closed=True,
        note="设备检修",
    )
    contact = make_phone(76)
    ticket, merged = tickets.report_problem(
        actor=AnonymousUser(),
        station=station,
        kind="no_water",
        description="饮水机漏水走查，请联系孙师傅",
        contact=contact,
    )
    assert not merged
    checkins.check_in(station=station, key=station.checkin_key, token="walk-visitor-token-0001")
    suggestion = suggestions.suggestion_submit(
        actor=AnonymousUser(),
        data={
            "name": "西安走查建议点",
            "address": "未央区凤城八路",
            "division_code": "610112",
            "lat": "34.3400",
            "lng": "108.9400",
            "crs": "wgs84",
            "reason": "外卖骑手聚集走查，无处歇脚",
        },
    )
    assert suggestion.organisation == world.orgs["xian"]
    return {
        "station_id": station.pk,
        "station_code": station.code,
        "photo_id": photo.pk,
        "exception_id": exception.pk,
        "number": ticket.number,
        "suggestion_id": suggestion.pk,
        "file_format": ["xlsx", "csv"],  # the import templates
        "checkin_key": station.checkin_key,
        # never outside the keeper and the officers of 西安: the reporter's contact (in full and
        # masked), the ticket's description, the suggestion's reason, the door's check-in key,
        # the keeper's account
        "station_secrets": [
            contact,
            ticket.contact_masked,
            "饮水机漏水走查",
            "外卖骑手聚集走查",
            station.checkin_key,
            "walk_keeper",
        ],
    }


# The station (public by design, but on no sibling's officer page), the ticket's description,
# the suggested site and its reason.
MARKERS = ["西安钟楼环卫工会驿站", "饮水机漏水走查", "西安走查建议点", "外卖骑手聚集走查"]


def secrets(values: dict) -> list[str]:
    """The reporter's contact, the check-in key, the keeper: leaks on any sibling's answer."""
    return values["station_secrets"]


# Anyone finds a station, reads its page, photos and map, reports a problem and follows the
# ticket by its number (no contact, no description), checks in with the door's key, suggests a
# site and follows it by its unguessable id (no reason), and exports the public data of active
# stations (docs/modules/stations.md).
PUBLIC_PAGES = {
    "stations:find",
    "stations:map",
    "stations:detail",
    "stations:photo",
    "stations:report",
    "stations:checkin",
    "stations:ticket",
    "stations:suggest",
    "stations:suggestion",
    "stations:io_export",
    "stations:io_export_download",
}

# "code" of the stations pages is a station's code, not an organisation's.
PARAM_ALIASES = {"code": "station_code"}
LIST_PARAMS = {"file_format"}

SCOPED_QUERIES = [
    ("stations:tickets", "?union=610100"),
    ("stations:ticket_rates", "?org=610100"),
]

LIST_QUERIES = [
    ("stations:manage", "?union=610100"),
    ("stations:manage", "?problems=1"),
    ("stations:manage", "?stale=1"),
    ("stations:tickets", "?status=all"),
    ("stations:tickets", "?status=open&overdue="),
    ("stations:suggestions", "?status=all"),
    ("audit", "?object={station_id}"),
]

# The stations' public data (list, nearest, details, exports) and the worker's problem report,
# check-in and suggested site: walked by test_walk.py.
API_PUBLIC = {
    ("GET", "stations"),
    ("GET", "stations/nearest"),
    ("GET", "stations/{station_id}"),
    ("GET", "stations/export.geojson"),
    ("GET", "stations/export.poi"),
    ("GET", "stations/export.registry"),
    ("POST", "stations/{station_id}/reports"),
    ("POST", "stations/{station_id}/checkins"),
    ("POST", "stations/suggestions"),
}

# A new station of 西安市总工会, the buttons of the 西安 station, its ticket and the suggestion
# routed to 西安.
API_BODIES = {
    ("POST", "stations"): {
        "organisation": "610100",
        "name": "walk",
        "address": "walk",
        "division_code": "610113",
        "lat": 34.2,
        "lng": 108.9,
        "hours": "24小时",
    },
    ("PATCH", "stations/{station_id}"): {"name": "改名"},
    ("POST", "stations/{station_id}/status"): {"status": "closed", "note": "walk"},
    ("PUT", "stations/{station_id}/hours"): {"hours": "周一至周五 08:30-18:00"},
    ("POST", "stations/{station_id}/verify"): None,
    ("POST", "stations/tickets/{number}/acknowledge"): {"note": "walk"},
    ("POST", "stations/tickets/{number}/resolve"): {"resolution": "walk"},
    ("POST", "stations/tickets/{number}/reject"): {"reason": "walk"},
    ("POST", "stations/suggestions/{suggestion_id}/decline"): {"reason": "walk"},
}

API_SCOPED_QUERIES = {"stations_list_tickets": {"union": "610100"}}

API_SEARCHES = {
    "stations_list_tickets": {"status": "open"},
    "stations_list_suggestions": {"status": "all"},
}

COUNTED = [
    models.Station,
    models.OpeningHours,
    models.HoursException,
    models.Photo,
    models.Ticket,
    models.TicketEvent,
    models.CheckIn,
    models.Suggestion,
]


def snapshot(values: dict) -> tuple:
    station = models.Station.objects.get(pk=values["station_id"])
    ticket = models.Ticket.objects.get(number=values["number"])
    suggestion = models.Suggestion.objects.get(pk=values["suggestion_id"])
    return (
        (station.name, station.status, station.note, station.always_open, station.verified_on),
        (station.keeper_id, station.checkin_key, station.is_active, station.lat, station.lng),
        (ticket.status, ticket.escalated, ticket.resolution),
        (suggestion.status, suggestion.decision_note, suggestion.station_id),
    )
