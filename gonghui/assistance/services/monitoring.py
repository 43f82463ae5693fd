"""防止返困 monitoring: signals reported for a household that left hardship are scored
(gonghui.assistance.risk); a high score opens an alert with a re-visit task for the owning union."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance import permissions, risk
from gonghui.assistance.choices import Status
from gonghui.assistance.models import Household, RiskAlert
from gonghui.core import audit, inputs, workdays
from gonghui.core.inputs import InputCode, field_error

REVISIT_WORKING_DAYS = 10


def risk_check(
    *,
    actor,
    household: Household,
    new_critical_illness: bool = False,
    job_loss: bool = False,
    accident: bool = False,
    extra_dependants: int = 0,
) -> tuple[risk.Risk, RiskAlert | None]:
    """Score a watched household (status out of hardship) from its latest recorded month against
    the three before it and the reported signals; open an alert (one open at a time) when the
    score reaches the threshold. Owning union (MANAGE_ASSISTANCE)."""
    permissions.require_manage(actor, household)
    if household.status != Status.LEFT:
        raise ValidationError(_("Only households that left hardship are watched."), code="bad_status")
    extra_dependants = inputs.integer(extra_dependants, "extra_dependants", minimum=0, maximum=20)
    rows = list(household.incomes.order_by("-month")[:4])
    r = risk.score(
        recent_income=rows[0].income if rows else None,
        earlier_incomes=[row.income for row in rows[1:]],
        new_critical_illness=new_critical_illness,
        job_loss=job_loss,
        accident=accident,
        extra_dependants=extra_dependants,
    )
    alert = None
    if r.alert:
        with transaction.atomic():
            Household.objects.select_for_update().filter(pk=household.pk).first()
            alert = household.alerts.filter(is_open=True).first()
            if alert is None:
                alert = RiskAlert.objects.create(
                    household=household,
                    score=r.score,
                    explanation=r.explanation(),
                    revisit_by=workdays.add_working_days(timezone.localdate(), REVISIT_WORKING_DAYS),
                )
                audit.record(
                    actor=actor,
                    action="assistance.alert.opened",
                    obj=alert,
                    organisation_id=household.organisation_id,
                    changes={"score": [None, r.score]},
                    reason=alert.explanation,
                )
    return r, alert


def close_locked(actor, alert: RiskAlert, outcome: str) -> None:
    """Close an open alert, locked by the caller, with what was found; audited. The re-visit
    (:func:`alert_close`) and a reopened file (the household is back in hardship) close alerts."""
    alert.is_open, alert.outcome, alert.closed_at = False, outcome[:200], timezone.now()
    alert.save(update_fields=["is_open", "outcome", "closed_at"])
    audit.record(
        actor=actor,
        action="assistance.alert.closed",
        obj=alert,
        organisation_id=alert.household.organisation_id,
        reason=outcome,
    )


def alert_close(*, actor, alert: RiskAlert, outcome: str) -> RiskAlert:
    """Close an alert after the re-visit, with what was found (owning union)."""
    permissions.require_manage(actor, alert.household)
    outcome = inputs.text(outcome, "outcome", prose=True)
    if not outcome:
        raise field_error("outcome", _("Say what the re-visit found."), InputCode.REQUIRED)
    with transaction.atomic():
        alert = RiskAlert.objects.select_for_update().select_related("household").get(pk=alert.pk)
        if not alert.is_open:
            raise ValidationError(_("This alert is already closed."), code="bad_status")
        close_locked(actor, alert, outcome)
    return alert
