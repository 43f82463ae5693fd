"""System checks of the stations settings (run by ``manage.py check`` and at every start-up
command): a mistyped problem kind or a zero SLA would otherwise pass silently."""

from django.conf import settings
from django.core import checks

from gonghui.stations.choices import ProblemKind

SLA_MAX_HOURS = 24 * 90


@checks.register()
def check_settings(app_configs=None, **kwargs):
    errors = []
    override = getattr(settings, "GONGHUI_STATION_TICKET_SLA_HOURS", None) or {}
    if not isinstance(override, dict):
        return [
            checks.Error(
                "GONGHUI_STATION_TICKET_SLA_HOURS must be a mapping of kind to hours.", id="stations.E001"
            )
        ]
    for kind, hours in override.items():
        if kind not in ProblemKind.values:
            errors.append(
                checks.Error(
                    f"GONGHUI_STATION_TICKET_SLA_HOURS: unknown problem kind {kind!r}.",
                    hint="Use one of " + ", ".join(ProblemKind.values) + ".",
                    id="stations.E001",
                )
            )
        elif not isinstance(hours, int) or not 1 <= hours <= SLA_MAX_HOURS:
            errors.append(
                checks.Error(
                    f"GONGHUI_STATION_TICKET_SLA_HOURS: {kind} must be 1 to {SLA_MAX_HOURS} hours, not {hours!r}.",
                    id="stations.E002",
                )
            )
    rate = getattr(settings, "GONGHUI_STATION_CHECKIN_RATE", None)
    if rate is not None and (not isinstance(rate, int) or rate < 0):
        errors.append(
            checks.Error("GONGHUI_STATION_CHECKIN_RATE must be 0 (unlimited) or more.", id="stations.E003")
        )
    return errors
