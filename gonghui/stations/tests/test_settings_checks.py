"""Stations settings from the environment, and the system checks that refuse bad values."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from config import env
from gonghui.stations import checks
from gonghui.stations.services import tickets


def test_sla_hours_parse_from_the_environment(monkeypatch):
    monkeypatch.setenv("GONGHUI_STATION_TICKET_SLA_HOURS", " locked=2, no_water=12 ")
    assert env.get_int_map("GONGHUI_STATION_TICKET_SLA_HOURS") == {"locked": 2, "no_water": 12}
    monkeypatch.delenv("GONGHUI_STATION_TICKET_SLA_HOURS")
    assert env.get_int_map("GONGHUI_STATION_TICKET_SLA_HOURS") == {}


@pytest.mark.parametrize("raw", ["locked", "locked=", "=4", "locked=two", "locked=-1", "locked=1.5"])
def test_a_malformed_pair_stops_start_up_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("GONGHUI_STATION_TICKET_SLA_HOURS", raw)
    with pytest.raises(ImproperlyConfigured, match="GONGHUI_STATION_TICKET_SLA_HOURS"):
        env.get_int_map("GONGHUI_STATION_TICKET_SLA_HOURS")


def test_the_override_applies_per_kind(settings):
    settings.GONGHUI_STATION_TICKET_SLA_HOURS = {"locked": 2}
    assert tickets.sla_hours("locked") == 2
    assert tickets.sla_hours("no_water") == tickets.DEFAULT_SLA_HOURS["no_water"]
    assert checks.check_settings() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "error_id"),
    [
        ({"lockd": 2}, "stations.E001"),
        ({"locked": 0}, "stations.E002"),
        ({"locked": checks.SLA_MAX_HOURS + 1}, "stations.E002"),
    ],
)
def test_an_unknown_kind_or_impossible_hours_fail_the_check(settings, value, error_id):
    settings.GONGHUI_STATION_TICKET_SLA_HOURS = value
    assert [e.id for e in checks.check_settings()] == [error_id]
    with pytest.raises(SystemCheckError, match=error_id):
        call_command("check")


def test_a_negative_checkin_rate_fails_the_check(settings):
    settings.GONGHUI_STATION_CHECKIN_RATE = -1
    assert [e.id for e in checks.check_settings()] == ["stations.E003"]
