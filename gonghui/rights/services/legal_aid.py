"""Legal aid (法律援助): income test, the labour-arbitration limitation (one year from when
the worker knew or should have known of the infringement — 劳动争议调解仲裁法 art. 27),
evidence files checked by their first bytes, and the outcome."""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs, uploads, workdays
from gonghui.rights import permissions
from gonghui.rights.choices import AidForm, AuditAction, Category, Cause, Outcome
from gonghui.rights.models import Evidence, LegalAid, Request
from gonghui.rights.services.common import collect
from gonghui.rights.services.requests import request_file

DEFAULT_INCOME_THRESHOLD = Decimal("4000.00")
DEFAULT_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
WARN_DAYS = 30


def income_threshold() -> Decimal:
    """``GONGHUI_LEGAL_AID_INCOME_THRESHOLD`` (monthly yuan), default 4000.00."""
    return Decimal(str(getattr(settings, "GONGHUI_LEGAL_AID_INCOME_THRESHOLD", DEFAULT_INCOME_THRESHOLD)))


def evidence_max_bytes() -> int:
    return int(getattr(settings, "GONGHUI_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES))


ARBITRATION_LAW = "《劳动争议调解仲裁法》第二十七条"
WAGES_CLAUSE = "《劳动争议调解仲裁法》第二十七条第四款"
CIVIL_CODE_PERIOD_END = "《民法典》第二百零三条"


def _one_year(start: datetime.date) -> datetime.date:
    """The corresponding day a year later; without one (29 February), the month's last day
    (民法典 art. 202)."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:
        return start.replace(year=start.year + 1, day=28)


def limitation_ends_on(start: datetime.date) -> datetime.date:
    """The last day to apply for arbitration: one year from ``start``; when that day is a
    statutory holiday or rest day it moves to the next working day (民法典 art. 203). 调休
    Saturdays are working days (``gonghui.core.workdays``)."""
    day = _one_year(start)
    while not workdays.is_workday(day):
        day += datetime.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Limitation:
    """The arbitration deadline of a case (None: not running) and how it was found."""

    ends_on: datetime.date | None
    explanation: str


def limitation(
    *, cause: str, knew_on: datetime.date, employment_ended_on: datetime.date | None
) -> Limitation:
    """One year from the day the worker knew or should have known of the infringement; for a
    wage claim (劳动报酬) no limitation while the employment continues, then one year from its
    end (劳动争议调解仲裁法 art. 27(1), (4))."""
    if cause == Cause.WAGES:
        if employment_ended_on is None:
            return Limitation(
                None,
                _(
                    "A wage claim is not time-barred while the employment continues (%(law)s); "
                    "the year runs from the day the employment ends. Record that day when it ends."
                )
                % {"law": WAGES_CLAUSE},
            )
        start = employment_ended_on
        text = _("One year from the end of the employment on %(start)s (%(law)s).") % {
            "start": start.isoformat(),
            "law": WAGES_CLAUSE,
        }
    else:
        start = knew_on
        text = _(
            "One year from %(start)s, when the worker knew or should have known of the infringement (%(law)s)."
        ) % {
            "start": start.isoformat(),
            "law": ARBITRATION_LAW,
        }
    ends_on = limitation_ends_on(start)
    plain = _one_year(start)
    if ends_on != plain:
        text += " " + _(
            "%(day)s is a public holiday or rest day, so the period ends on the next working day, %(end)s (%(law)s)."
        ) % {"day": plain.isoformat(), "end": ends_on.isoformat(), "law": CIVIL_CODE_PERIOD_END}
    return Limitation(ends_on, text)


def limitation_of(aid: LegalAid) -> Limitation:
    return limitation(cause=aid.cause, knew_on=aid.knew_on, employment_ended_on=aid.employment_ended_on)


def days_left(aid: LegalAid, today: datetime.date | None = None) -> int | None:
    """Days until the limitation runs out; None when it is not running."""
    if aid.limitation_ends_on is None:
        return None
    return (aid.limitation_ends_on - (today or timezone.localdate())).days


def deadline_near(aid: LegalAid, today: datetime.date | None = None) -> bool:
    """Fewer than 30 days left before the limitation runs out, and no outcome yet."""
    left = days_left(aid, today)
    return not aid.outcome and left is not None and left < WARN_DAYS


def legal_aid_open(
    *,
    actor,
    request: Request,
    cause: str,
    form: str,
    monthly_income,
    knew_on,
    amount_in_dispute=None,
    employment_ended_on=None,
) -> LegalAid:
    """Record the legal-aid details of a request; the income test is against the threshold
    in force now, and both are kept. ``knew_on`` and ``employment_ended_on`` are days that have
    passed; ``employment_ended_on`` empty while the employment continues (a wage claim then
    has no limitation running)."""
    permissions.require_handle(actor, request)
    if request.category != Category.LEGAL_AID:
        raise ValidationError(_("Only legal-aid requests have legal-aid details."), code="not_legal_aid")
    errors: dict = {}
    cause = collect(errors, "cause", lambda: inputs.choice(cause, "cause", Cause))
    form = collect(errors, "form", lambda: inputs.choice(form, "form", AidForm))
    income = collect(errors, "monthly_income", lambda: inputs.money(monthly_income, "monthly_income"))
    dispute = collect(
        errors,
        "amount_in_dispute",
        lambda: inputs.money(amount_in_dispute, "amount_in_dispute", required=False),
    )
    knew_on = collect(errors, "knew_on", lambda: inputs.date(knew_on, "knew_on", not_future=True))
    employment_ended_on = collect(
        errors,
        "employment_ended_on",
        lambda: inputs.date(employment_ended_on, "employment_ended_on", required=False, not_future=True),
    )
    if errors:
        raise ValidationError(errors)
    threshold = income_threshold()
    with transaction.atomic():
        if LegalAid.objects.filter(request=request).exists():
            raise ValidationError(_("The legal-aid details are already recorded."), code="already_exists")
        aid = LegalAid.objects.create(
            request=request,
            cause=cause,
            form=form,
            monthly_income=income,
            income_threshold=threshold,
            passes_income_test=income <= threshold,
            amount_in_dispute=dispute,
            knew_on=knew_on,
            employment_ended_on=employment_ended_on,
            limitation_ends_on=limitation(
                cause=cause, knew_on=knew_on, employment_ended_on=employment_ended_on
            ).ends_on,
        )
        _audit(
            aid,
            AuditAction.LEGAL_AID_OPENED,
            actor=actor,
            changes={
                "passes_income_test": [None, aid.passes_income_test],
                "limitation_ends_on": [None, _iso(aid.limitation_ends_on)],
            },
        )
    return aid


def _audit(aid: LegalAid, action: AuditAction, *, actor, changes: dict) -> None:
    """The audit entry of a change to a legal-aid case, filed under the union holding its
    request."""
    audit.record(
        actor=actor, action=action, obj=aid, organisation_id=aid.request.organisation_id, changes=changes
    )


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def legal_aid_employment_ended(*, actor, aid: LegalAid, ended_on) -> LegalAid:
    """Record (or correct) the day the employment ended, a day that has passed; the
    arbitration deadline is computed again (for a wage claim it now runs, one year from that
    day)."""
    permissions.require_handle(actor, aid.request)
    ended_on = inputs.date(ended_on, "employment_ended_on", not_future=True)
    with transaction.atomic():
        locked = LegalAid.objects.select_for_update().get(pk=aid.pk)
        before = (locked.employment_ended_on, locked.limitation_ends_on)
        locked.employment_ended_on = ended_on
        locked.limitation_ends_on = limitation_of(locked).ends_on
        locked.save(update_fields=["employment_ended_on", "limitation_ends_on"])
        _audit(
            locked,
            AuditAction.LEGAL_AID_EMPLOYMENT_ENDED,
            actor=actor,
            changes={
                "employment_ended_on": [_iso(before[0]), _iso(ended_on)],
                "limitation_ends_on": [_iso(before[1]), _iso(locked.limitation_ends_on)],
            },
        )
    return locked


def legal_aid_case_open(*, actor, filing: dict, **details) -> LegalAid:
    """An officer opens a legal-aid case for a worker in one step: the request (category
    法律援助, routed like any request and within the officer's own area) and its legal-aid
    details. Either both are written or nothing."""
    with transaction.atomic():
        req = request_file(actor=actor, category=Category.LEGAL_AID, in_actor_scope=True, **filing)
        return legal_aid_open(actor=actor, request=req, **details)


def evidence_add(*, actor, aid: LegalAid, upload) -> Evidence:
    """Attach a PDF, JPEG or PNG; the type is decided by the first bytes, the size by the
    limit. A refused file (or none: ``upload`` None) writes nothing."""
    permissions.require_handle(actor, aid.request)
    if upload is None:
        raise inputs.field_error("file", _("Choose a file."), inputs.InputCode.REQUIRED)
    limit = evidence_max_bytes()
    name = uploads.safe_name(getattr(upload, "name", ""))
    data = uploads.read_bounded(upload, limit)
    if data is None:
        raise inputs.field_error("file", _("The file is too large."), "file_too_large")
    content_type = uploads.sniff(data)
    if content_type is None:
        raise inputs.field_error("file", _("Only PDF, JPEG or PNG files."), "file_type")
    with transaction.atomic():
        ev = Evidence.objects.create(
            legal_aid=aid,
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
        _audit(aid, AuditAction.LEGAL_AID_EVIDENCE, actor=actor, changes={"evidence": [None, name]})
    return ev


def legal_aid_outcome(*, actor, aid: LegalAid, outcome: str, on=None) -> LegalAid:
    """The case's outcome (won, lost, settled, withdrawn), on ``on`` or today."""
    permissions.require_handle(actor, aid.request)
    errors: dict = {}
    outcome = collect(errors, "outcome", lambda: inputs.choice(outcome, "outcome", Outcome))
    on = collect(errors, "on", lambda: inputs.date(on, "on", required=False))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = aid.outcome
        aid.outcome = outcome
        aid.outcome_on = on or timezone.localdate()
        aid.save(update_fields=["outcome", "outcome_on"])
        _audit(
            aid, AuditAction.LEGAL_AID_OUTCOME, actor=actor, changes={"outcome": [before or None, outcome]}
        )
    return aid
