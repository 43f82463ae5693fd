"""stations.permissions: the station's keeper or a manager of its union, written once, with one
answer for who may not — 404 when the station (ticket, suggestion) is not visible to them at
all, 403 when it is but the role there only reads (docs/dev/permissions.md) — on the service,
the keeper's page, the QR page and the API alike."""

import datetime
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.stations import permissions
from gonghui.stations.models import Station, Suggestion
from gonghui.stations.services import registry, suggestions, tickets
from gonghui.stations.tests.helpers import make_keeper, make_station
from gonghui.testing import api_for, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(world):
    return make_keeper(world, "keeper_a")


@pytest.fixture
def other_keeper(world):
    """The keeper of another station of the same union."""
    user = make_keeper(world, "keeper_b")
    make_station(world, "xian", name="别家驿站", keeper=user)
    return user


@pytest.fixture
def station(world, keeper):
    return make_station(world, "xian", name="钟楼驿站", keeper=keeper)


@pytest.fixture
def ticket(station):
    reported, _merged = tickets.report_problem(actor=AnonymousUser(), station=station, kind="no_water")
    return reported


def _answer(check, *args):
    """What ``check(*args)`` does: "ok", 403 or 404."""
    try:
        check(*args)
    except PermissionDenied:
        return 403
    except Http404:
        return 404
    return "ok"


# --- the keeper or a manager ------------------------------------------------------------------


def test_keep_the_keeper_and_the_managers_of_its_union(
    station, keeper, city_admin, city_officer, province_admin, national_admin
):
    for user in (keeper, city_admin, city_officer, province_admin, national_admin):
        assert permissions.can_keep(user, station)
        assert _answer(permissions.require_keep, user, station) == "ok"


def test_keep_is_403_for_a_viewer_and_404_for_who_does_not_see_the_station(
    station, city_viewer, sibling_admin, sibling_city_admin, other_keeper, member_user
):
    assert not permissions.can_keep(city_viewer, station)
    assert _answer(permissions.require_keep, city_viewer, station) == 403
    for user in (sibling_admin, sibling_city_admin, other_keeper, member_user, AnonymousUser(), None):
        assert not permissions.can_keep(user, station)
        assert _answer(permissions.require_keep, user, station) == 404


def test_manage_is_for_officers_only_the_keeper_sees_but_may_not(
    station, keeper, city_officer, city_viewer, sibling_admin, other_keeper, member_user
):
    assert permissions.can_manage(city_officer, station)
    assert _answer(permissions.require_manage, city_officer, station) == "ok"
    for user in (keeper, city_viewer):
        assert not permissions.can_manage(user, station)
        assert _answer(permissions.require_manage, user, station) == 403
    for user in (sibling_admin, other_keeper, member_user):
        assert _answer(permissions.require_manage, user, station) == 404


def test_manage_in_a_union(world, city_officer, city_viewer, sibling_admin, member_user):
    xian = world.orgs["xian"]
    assert _answer(permissions.require_manage_in, city_officer, world.orgs["yanta"]) == "ok"
    assert _answer(permissions.require_manage_in, city_viewer, xian) == 403
    assert _answer(permissions.require_manage_in, sibling_admin, xian) == 404
    assert _answer(permissions.require_manage_in, member_user, xian) == 404


def test_manage_somewhere_and_export_a_subtree(city_officer, city_viewer, sibling_admin, keeper, member_user):
    for user in (city_officer, sibling_admin):
        assert permissions.can_manage_somewhere(user)
        assert _answer(permissions.require_manage_somewhere, user) == "ok"
    for user in (city_viewer, keeper, member_user):
        assert _answer(permissions.require_manage_somewhere, user) == 403
    for user in (city_viewer, sibling_admin):
        assert _answer(permissions.require_export_subtree, user) == "ok"
    for user in (keeper, member_user, AnonymousUser()):
        assert _answer(permissions.require_export_subtree, user) == 403


def test_see_a_station_its_keeper_and_who_reads_its_union(
    station, keeper, city_viewer, sibling_admin, sibling_city_admin, other_keeper, member_user
):
    for user in (keeper, city_viewer):
        assert permissions.can_see(user, station)
        assert _answer(permissions.require_see, user, station) == "ok"
    for user in (sibling_admin, sibling_city_admin, other_keeper, member_user, AnonymousUser()):
        assert not permissions.can_see(user, station)
        assert _answer(permissions.require_see, user, station) == 404


# --- tickets and suggested sites ------------------------------------------------------------


def test_tickets_the_same_rule_as_their_station(
    ticket, keeper, city_officer, city_viewer, sibling_admin, other_keeper, member_user
):
    for user in (keeper, city_officer):
        assert permissions.can_see_ticket(user, ticket) and permissions.can_handle(user, ticket)
        assert _answer(permissions.require_handle, user, ticket) == "ok"
    assert permissions.can_see_ticket(city_viewer, ticket) and not permissions.can_handle(city_viewer, ticket)
    assert _answer(permissions.require_handle, city_viewer, ticket) == 403
    for user in (sibling_admin, other_keeper, member_user):
        assert not permissions.can_see_ticket(user, ticket)
        assert _answer(permissions.require_handle, user, ticket) == 404


def test_review_a_suggested_site(
    world, city_officer, city_viewer, sibling_admin, sibling_city_admin, member_user
):
    s = suggestions.suggestion_submit(
        actor=AnonymousUser(),
        data={"name": "小寨", "address": "长安中路", "division_code": "610113", "reason": "歇脚"},
    )
    assert permissions.can_review(city_officer, s)
    assert _answer(permissions.require_review, city_officer, s) == "ok"
    assert _answer(permissions.require_review, city_viewer, s) == 403
    for user in (sibling_admin, sibling_city_admin, member_user):
        assert not permissions.can_review(user, s)
        assert _answer(permissions.require_review, user, s) == 404
    assert Suggestion.objects.get(pk=s.pk).status == "pending"


# --- the tree, for selectors ----------------------------------------------------------------


def test_below_and_sees_path(world, city_admin, sibling_admin):
    xian = make_station(world, "xian")
    yanta = make_station(world, "yanta")
    baoji = make_station(world, "baoji")
    chosen = set(Station.objects.filter(permissions.below(world.orgs["xian"])))
    assert chosen == {xian, yanta} and baoji not in chosen
    sees = permissions.sees_path(city_admin)
    assert sees(world.orgs["yanta"].path) and not sees(world.orgs["baoji"].path)
    assert not any(
        permissions.sees_path(sibling_admin)(o.path) for o in (world.orgs["xian"], world.orgs["baoji"])
    )
    assert permissions.sees_path(world.users["operator"])(world.orgs["lanzhou_factory"].path)


# --- one answer on every way in ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("xian_viewer", 403), ("baoji", 404), ("gansu", 404), ("member", 404), ("keeper_b", 404)],
)
def test_who_may_not_keep_a_station_gets_one_answer_everywhere(
    station, ticket, other_keeper, persona, status
):
    """The keeper's page, the QR page, the ticket's buttons and the API: 403 for a viewer of
    the union, 404 for a sibling branch, a member or the keeper of another station."""
    page = client_for(persona)
    api = api_for(persona)
    before = AuditEntry.objects.count()
    assert page.get(reverse("stations:keeper_station", args=[station.code])).status_code == status
    assert page.post(reverse("stations:keeper_verify", args=[station.code])).status_code == status
    assert page.get(reverse("stations:station_qr", args=[station.code])).status_code == status
    assert page.post(reverse("stations:ticket_acknowledge", args=[ticket.number])).status_code == status
    body = json.dumps({"status": "closed"})
    answer = api.post(f"/api/v1/stations/{station.pk}/status", body, content_type="application/json")
    assert answer.status_code == status
    answer = api.post(
        f"/api/v1/stations/tickets/{ticket.number}/acknowledge", content_type="application/json"
    )
    assert answer.status_code == status
    station.refresh_from_db()
    ticket.refresh_from_db()
    assert (station.status, station.verified_on, ticket.status) == ("open", None, "open")
    assert AuditEntry.objects.count() == before


# --- the service reads every input itself -----------------------------------------------------


def test_the_service_refuses_a_future_verification_date_and_writes_nothing(station, keeper):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before = AuditEntry.objects.count()
    for on in (tomorrow, tomorrow.isoformat()):
        with pytest.raises(ValidationError) as caught:
            registry.verify(actor=keeper, station=station, on=on)
        assert caught.value.error_dict["on"][0].code == "date_future"
    station.refresh_from_db()
    assert station.verified_on is None and AuditEntry.objects.count() == before
    registry.verify(actor=keeper, station=station, on=timezone.localdate().isoformat())
    station.refresh_from_db()
    assert station.verified_on == timezone.localdate()


def test_the_service_reads_the_times_of_weekly_hours(station, keeper):
    saved = registry.hours_set(
        actor=keeper, station=station, intervals=[(0, "8:30", "24:00"), ("1", "09:00", "17:00")]
    )
    assert [(h.weekday, h.opens, h.closes) for h in saved.hours.all()] == [
        (0, datetime.time(8, 30), datetime.time(0, 0)),
        (1, datetime.time(9), datetime.time(17)),
    ]
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        registry.hours_set(actor=keeper, station=station, intervals=[(0, "08:00", "25:00")])
    assert caught.value.error_dict["intervals.0.closes"][0].code == "time_invalid"
    assert AuditEntry.objects.count() == before
