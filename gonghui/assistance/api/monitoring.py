"""防止返困 over HTTP: scoring a household that left hardship, and the alerts it opens."""

import datetime

from ninja import Router, Schema
from pydantic import StrictInt

from gonghui.assistance import selectors
from gonghui.assistance.api.households import household_or_404
from gonghui.assistance.services import monitoring
from gonghui.core import pagination
from gonghui.core.api import uuid_or_404
from gonghui.organisations.api import OrgRef, org_ref

router = Router()


class RiskIn(Schema):
    new_critical_illness: bool = False
    job_loss: bool = False
    accident: bool = False
    extra_dependants: StrictInt = 0


class AlertOut(Schema):
    id: str
    household: str
    file_no: str
    organisation: OrgRef
    score: int
    explanation: str
    revisit_by: datetime.date


class RiskOut(Schema):
    score: int
    explanation: str
    alert: AlertOut | None


class AlertList(Schema):
    items: list[AlertOut]
    count: int


class AlertCloseIn(Schema):
    outcome: str


def alert_out(a) -> dict:
    return {
        "id": str(a.pk),
        "household": str(a.household_id),
        "file_no": a.household.file_no,
        "organisation": org_ref(a.household.organisation),
        "score": a.score,
        "explanation": a.explanation,
        "revisit_by": a.revisit_by,
    }


@router.post("households/{household_id}/risk", response=RiskOut)
def risk_check(request, household_id: str, payload: RiskIn):
    """Score a household that left hardship (防止返困); opens an alert with a re-visit deadline
    when the score reaches 40."""
    r, alert = monitoring.risk_check(
        actor=request.user, household=household_or_404(request, household_id), **payload.dict()
    )
    return {"score": r.score, "explanation": r.explanation(), "alert": alert_out(alert) if alert else None}


@router.get("alerts", response=AlertList)
def list_alerts(request, page: int = 1, page_size: int = 20):
    """Open return-to-hardship alerts in the caller's scope, nearest re-visit first."""
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(selectors.open_alerts(request.user), req)
    return {"items": [alert_out(a) for a in items], "count": count}


@router.post("alerts/{alert_id}/close", response=AlertOut)
def close_alert(request, alert_id: str, payload: AlertCloseIn):
    alert = selectors.alert_or_404(request.user, uuid_or_404(alert_id))
    return alert_out(monitoring.alert_close(actor=request.user, alert=alert, outcome=payload.outcome))
