"""The demo stations: about 60 across 西安, valid hours, a 24-hour one, one closed now, the keeper
login, tickets in every state, check-ins and suggestions; deterministic."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from gonghui.core import divisions
from gonghui.organisations import scoping
from gonghui.organisations.choices import Role
from gonghui.stations import hours, permissions
from gonghui.stations.models import CheckIn, Station, Suggestion, Ticket
from gonghui.stations.services import fields

pytestmark = pytest.mark.django_db


def test_demo():
    """One seed (it takes a while), every check."""
    out = io.StringIO()
    call_command("seed_demo", members=60, stdout=out)
    _check_stations()
    _check_keeper()
    _check_tickets_checkins_and_suggestions()


def _check_stations():
    stations = list(Station.objects.prefetch_related("hours", "exceptions").select_related("organisation"))
    assert 55 <= len(stations) <= 65
    districts = {s.division_code for s in stations}
    assert {"610103", "610104", "610102", "610113", "610112", "610111", "610116", "610117"} <= districts
    for s in stations:
        assert divisions.get(s.division_code)["parent"] == "610100"
        assert s.organisation.division_code == s.division_code
        text = fields.format_hours(s)
        assert fields.parse_hours(text)[0] == s.always_open  # readable hours
        assert s.always_open or s.hours.exists()
        assert 34.0 < s.lat < 34.5 and 108.5 < s.lng < 109.2
        assert s.name.endswith("工会驿站") and s.host_unit and s.facilities
        assert s.six_has_score == len(s.six_has)
    assert len({s.name for s in stations}) == len(stations)
    inner = [s for s in stations if s.division_code not in {"610117", "610118", "610116"}]
    assert all(34.19 <= s.lat <= 34.40 and 108.85 <= s.lng <= 109.11 for s in inner)
    assert any(s.always_open for s in stations)
    assert any(not hours.is_open(s) for s in stations)  # at least one closed right now
    assert {s.status for s in stations} == {"open", "maintenance", "closed"}
    assert sum(s.status == "open" for s in stations) >= 50
    assert {s.tier for s in stations} == {"model", "standard", "ordinary"}
    assert any(s.verified_on and (s.verified_on.toordinal() < _today().toordinal() - 90) for s in stations)
    # an overnight courier depot and weekday-only bank hours
    assert any(h.closes <= h.opens for s in stations for h in s.hours.all())
    assert any(fields.format_hours(s) == "周一至周五 08:30-17:30" for s in stations)


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _check_keeper():
    keeper = get_user_model().objects.get(username="keeper")
    assert keeper.check_password("demo12345")
    assert scoping.holds_role(keeper, Role.STATION_KEEPER)
    kept = Station.objects.filter(keeper=keeper)
    assert kept.count() >= 3
    assert all(s.division_code == "610113" for s in kept)
    assert all(permissions.can_keep(keeper, s) for s in kept)


def _check_tickets_checkins_and_suggestions():
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == {"open", "acknowledged", "resolved", "rejected"}
    assert Ticket.objects.filter(escalated=True).exists()
    assert Ticket.objects.filter(status="resolved", resolved_on_time=False).exists()
    assert Ticket.objects.filter(status="resolved", resolved_on_time=True).exists()
    assert CheckIn.objects.count() > 200
    days = set(CheckIn.objects.values_list("day", flat=True))
    assert len(days) >= 25
    assert min(days).toordinal() >= _today().toordinal() - 31
    assert Suggestion.objects.filter(status="pending").count() == 2


def test_demo_is_deterministic():
    import random

    from gonghui.stations import demo

    a, b = random.Random("x"), random.Random("x")
    assert [demo._tier_and_six_has(a) for _ in range(20)] == [demo._tier_and_six_has(b) for _ in range(20)]
    assert len(demo.PLACES) == len({p[1] for p in demo.PLACES})
