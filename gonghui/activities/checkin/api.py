"""API of check-in, mounted under /api/v1/activities beside the activities router. Thin:
parse → selector or service → shape; errors are the project's ``{"detail", "code"}``."""

import datetime

from ninja import Router, Schema

from gonghui.accounts.api import AUTH
from gonghui.activities.checkin import selectors, services
from gonghui.core.api import uuid_or_404

router = Router(tags=["activities"])


class CheckinCodeIn(Schema):
    code: str = ""


class CheckinOut(Schema):
    direction: str
    at: datetime.datetime
    source: str


@router.post(
    "{uuid:activity_id}/checkin",
    response=CheckinOut,
    auth=AUTH,
    summary="Check in or out with the organiser's code",
    url_name="activities_checkin_by_code",
)
def checkin_by_code(request, activity_id, payload: CheckinCodeIn):
    """The caller (with a confirmed place) checks in or out with the code of the organiser's
    rotating QR (``c`` of its URL). 400 with ``code_invalid``, ``code_expired``,
    ``wrong_activity``, ``not_signed_up``, ``already_checked_in``, ``already_checked_out`` or
    ``not_checked_in``."""
    activity = services.published_activity_or_404(uuid_or_404(activity_id))
    checkin = services.checkin_by_code(actor=request.user, activity=activity, code=payload.code)
    return {"direction": checkin.direction, "at": checkin.at, "source": checkin.source}


class CheckinScanIn(Schema):
    nonce: str = ""
    token: str = ""
    direction: str = "in"
    at: str = ""


class CheckinSyncIn(Schema):
    scans: list[CheckinScanIn]


class CheckinScanResult(Schema):
    nonce: str
    status: str
    code: str
    detail: str


class CheckinSyncOut(Schema):
    results: list[CheckinScanResult]


@router.post(
    "{uuid:activity_id}/checkins/sync",
    response=CheckinSyncOut,
    auth=AUTH,
    summary="Send the card scans an organiser's phone queued",
    url_name="activities_checkins_sync",
)
def checkins_sync(request, activity_id, payload: CheckinSyncIn):
    """The organiser (``manage_activities`` on the organising union) sends queued card scans,
    each ``{"nonce", "token" (the card's code or URL), "direction": "in"|"out", "at"
    (ISO 8601 with offset)}``, at most 500. Each is answered in ``results`` as ``accepted``,
    ``duplicate`` (nonce already recorded) or ``refused`` with its ``code``."""
    activity = selectors.activity_to_run_or_404(request.user, uuid_or_404(activity_id))
    results = services.checkins_sync(
        actor=request.user, activity=activity, scans=[scan.dict() for scan in payload.scans]
    )
    return {"results": results}
