"""Check-ins: the QR code at a station's door counts real use.

The code carries the station's page address with its ``checkin_key``; scanning it and
pressing "check in" records one :class:`CheckIn` per visitor, station and day. The visitor is
a keyed hash (HMAC with the site's secret key) of the signed-in user's id, or of a long-lived
random cookie for anonymous visitors; no IP address and nothing else about the person is
stored. A wrong key answers 404 and writes nothing.

Check-ins are usage counts, not decisions about anyone: they are not written to the audit log
(a busy station would fill it with one entry per scan).
"""

import hmac
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.inputs import field_error
from gonghui.stations import permissions
from gonghui.stations.choices import AuditAction
from gonghui.stations.models import CheckIn, Station

VISITOR_COOKIE = "gh_visitor"
VISITOR_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
_SALT = "gonghui.stations.checkin.visitor"


def checkin_rate() -> int:
    """Check-ins per client address per hour (setting GONGHUI_STATION_CHECKIN_RATE, default
    ten times the public form rate): many phones share one carrier address, and a scan is
    counted once a day anyway."""
    return int(getattr(settings, "GONGHUI_STATION_CHECKIN_RATE", 10 * settings.GONGHUI_PUBLIC_FORM_RATE))


def new_visitor_token() -> str:
    return secrets.token_urlsafe(24)


def visitor_id(*, user=None, token: str = "") -> str:
    """The stored visitor: HMAC of the user id when signed in, else of the cookie token."""
    if permissions.signed_in(user):
        value = f"user:{user.pk}"
    elif token and 16 <= len(token) <= 100:
        value = f"cookie:{token}"
    else:
        raise field_error("visitor", _("Allow cookies, or sign in, to check in."), "visitor_missing")
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()[:32]


def key_matches(station: Station, key: object) -> bool:
    return bool(
        station.checkin_key
        and isinstance(key, str)
        and hmac.compare_digest(station.checkin_key.encode(), key.encode())
    )


def key_rotate(*, actor, station: Station) -> Station:
    """A new check-in key (the old QR code stops working), when the printed code was copied
    elsewhere. The station's keeper or an officer managing it; audited."""
    permissions.require_keep(actor, station)
    with transaction.atomic():
        station.checkin_key = secrets.token_urlsafe(16)
        station.save(update_fields=["checkin_key", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.STATION_CHECKIN_KEY_ROTATED, obj=station,
            organisation_id=station.organisation_id,
        )  # fmt: skip
    return station


def check_in(*, station: Station, key: str, user=None, token: str = "", at=None) -> tuple[CheckIn, bool]:
    """Record one use of ``station``. Returns ``(check_in, created)``; ``created`` is False
    when this visitor was already counted there today. A wrong key (or an inactive station)
    raises Http404 with nothing written."""
    if not station.is_active or not key_matches(station, key):
        raise Http404
    visitor = visitor_id(user=user, token=token)
    at = at or timezone.now()
    day = timezone.localdate(at)
    existing = CheckIn.objects.filter(station=station, day=day, visitor=visitor).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                station=station,
                day=day,
                at=at,
                visitor=visitor,
                user=user if permissions.signed_in(user) else None,
            )
    except IntegrityError:  # the same visitor twice at once: the constraint keeps one
        return CheckIn.objects.get(station=station, day=day, visitor=visitor), False
    return checkin, True
