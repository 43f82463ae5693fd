"""Rotating check-in codes: the organiser's screen shows a QR code that changes every
GONGHUI_CHECKIN_CODE_SECONDS; a member's phone camera opens the URL inside it and is checked in
(or out).

A code is ``<activity id>.<direction>.<window>.<signature>``: the window is the number of
code periods since the epoch, the signature an HMAC (Django's SECRET_KEY, a salt of our own) of
the other three parts. It holds no personal data and cannot be made without the key; the
activity id inside lets a code shown for one activity be refused as ``wrong_activity`` on
another (rather than as merely invalid), which tells a member they scanned the wrong screen.

The current window and the one before are accepted, so a code photographed a second before it
changes still works; an older one is ``code_expired``. A screenshot passed around therefore
works for at most two periods (a minute by default) — it is the organiser's screen that proves
presence, not the code alone.
"""

import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

SALT = "gonghui.activities.checkin"
DIRECTIONS = ("in", "out")
SIGNATURE_LENGTH = 20  # hex characters: 80 bits, plenty for a code that lives a minute


@dataclass(frozen=True)
class Code:
    """A code read back: which activity, which direction, which window."""

    activity_id: uuid.UUID
    direction: str
    window: int


def period() -> int:
    return settings.GONGHUI_CHECKIN_CODE_SECONDS


def window_at(moment: datetime | None = None) -> int:
    moment = moment or timezone.now()
    return int(moment.timestamp()) // period()


def _signature(activity_hex: str, direction: str, window: int) -> str:
    return salted_hmac(SALT, f"{activity_hex}.{direction}.{window}", algorithm="sha256").hexdigest()[
        :SIGNATURE_LENGTH
    ]


def make(activity_id: uuid.UUID, direction: str, moment: datetime | None = None) -> str:
    """The code shown now (or at ``moment``) for checking in (``"in"``) or out (``"out"``)."""
    if direction not in DIRECTIONS:
        raise ValueError(direction)
    activity_hex = activity_id.hex
    window = window_at(moment)
    return f"{activity_hex}.{direction}.{window}.{_signature(activity_hex, direction, window)}"


def seconds_left(moment: datetime | None = None) -> int:
    """Seconds until the code shown now is replaced (the page refreshes then)."""
    moment = moment or timezone.now()
    return period() - int(moment.timestamp()) % period()


class CodeError(Exception):
    """A code that cannot be used; ``code`` is the error code the member is shown."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def read(text: str, *, activity_id: uuid.UUID, moment: datetime | None = None) -> Code:
    """The code ``text`` for activity ``activity_id``, or CodeError with ``code_invalid`` (not
    one of ours, tampered with, from a window not yet begun), ``wrong_activity`` (a genuine
    code of another activity) or ``code_expired`` (older than the previous window)."""
    parts = str(text or "").strip().split(".")
    if len(parts) != 4:
        raise CodeError("code_invalid")
    activity_hex, direction, window_text, signature = parts
    if direction not in DIRECTIONS or not window_text.isdigit() or len(window_text) > 15:
        raise CodeError("code_invalid")
    try:
        code_activity = uuid.UUID(hex=activity_hex)
    except ValueError:
        raise CodeError("code_invalid") from None
    window = int(window_text)
    if not hmac.compare_digest(signature, _signature(activity_hex, direction, window)):
        raise CodeError("code_invalid")
    if code_activity != activity_id:
        raise CodeError("wrong_activity")
    now = window_at(moment)
    if window > now:
        raise CodeError("code_invalid")
    if window < now - 1:
        raise CodeError("code_expired")
    return Code(activity_id=code_activity, direction=direction, window=window)
