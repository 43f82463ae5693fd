"""Legal aid (法律援助): income test, the labour-arbitration limitation (one year from when
the worker knew or should have known of the infringement — 劳动争议调解仲裁法 art. 27),
evidence files checked by their first bytes, and the outcome."""

import datetime
import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, uploads
from gonghui.organisations import scoping
from gonghui.rights.choices import AidForm, Category, Cause, Outcome
from gonghui.rights.models import Evidence, LegalAid, Request
from gonghui.rights.services.requests import parse_amount

Action = scoping.Action
DEFAULT_INCOME_THRESHOLD = Decimal("4000.00")
DEFAULT_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
WARN_DAYS = 30


def income_threshold() -> Decimal:
    """``GONGHUI_LEGAL_AID_INCOME_THRESHOLD`` (monthly yuan), default 4000.00."""
    return Decimal(str(getattr(settings, "GONGHUI_LEGAL_AID_INCOME_THRESHOLD", DEFAULT_INCOME_THRESHOLD)))


def evidence_max_bytes() -> int:
    return int(getattr(settings, "GONGHUI_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES))


def limitation_ends_on(knew_on: datetime.date) -> datetime.date:
    """One year from the day the worker knew of the infringement (29 February → 28 February)."""
    try:
        return knew_on.replace(year=knew_on.year + 1)
    except ValueError:
        return knew_on.replace(year=knew_on.year + 1, day=28)


def days_left(aid: LegalAid, today: datetime.date | None = None) -> int:
    return (aid.limitation_ends_on - (today or timezone.localdate())).days


def deadline_near(aid: LegalAid, today: datetime.date | None = None) -> bool:
    """Fewer than 30 days left before the limitation runs out, and no outcome yet."""
    return not aid.outcome and days_left(aid, today) < WARN_DAYS


def legal_aid_open(
    *,
    actor,
    request: Request,
    cause: str,
    form: str,
    monthly_income,
    knew_on: datetime.date,
    amount_in_dispute=None,
) -> LegalAid:
    """Record the legal-aid details of a request; the income test is against the threshold
    in force now, and both are kept."""
    scoping.require(actor, Action.HANDLE_REQUESTS, request.organisation)
    errors: dict[str, ValidationError] = {}
    if request.category != Category.LEGAL_AID:
        raise ValidationError(_("Only legal-aid requests have legal-aid details."), code="not_legal_aid")
    if cause not in Cause.values:
        errors["cause"] = ValidationError(_("Choose a cause."), code="invalid_choice")
    if form not in AidForm.values:
        errors["form"] = ValidationError(_("Choose a form of aid."), code="invalid_choice")
    income = dispute = None
    try:
        income = parse_amount(monthly_income, "monthly_income")
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        dispute = parse_amount(amount_in_dispute, "amount_in_dispute", required=False)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if not isinstance(knew_on, datetime.date) or knew_on > timezone.localdate():
        errors["knew_on"] = ValidationError(_("Give a date that has passed."), code="date_invalid")
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
            limitation_ends_on=limitation_ends_on(knew_on),
        )
        audit.record(
            actor=actor,
            action="rights.legal_aid.opened",
            obj=aid,
            organisation_id=request.organisation_id,
            changes={
                "passes_income_test": [None, aid.passes_income_test],
                "limitation_ends_on": [None, str(aid.limitation_ends_on)],
            },
        )
    return aid


def evidence_add(*, actor, aid: LegalAid, upload) -> Evidence:
    """Attach a PDF, JPEG or PNG; the type is decided by the first bytes, the size by the
    limit. A refused file writes nothing."""
    scoping.require(actor, Action.HANDLE_REQUESTS, aid.request.organisation)
    limit = evidence_max_bytes()
    name = uploads.safe_name(getattr(upload, "name", ""))
    data = uploads.read_bounded(upload, limit)
    if data is None:
        raise ValidationError({"file": ValidationError(_("The file is too large."), code="file_too_large")})
    content_type = uploads.sniff(data)
    if content_type is None:
        raise ValidationError({"file": ValidationError(_("Only PDF, JPEG or PNG files."), code="file_type")})
    with transaction.atomic():
        ev = Evidence.objects.create(
            legal_aid=aid,
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
        audit.record(
            actor=actor,
            action="rights.legal_aid.evidence",
            obj=aid,
            organisation_id=aid.request.organisation_id,
            changes={"evidence": [None, name]},
        )
    return ev


def legal_aid_outcome(*, actor, aid: LegalAid, outcome: str, on: datetime.date | None = None) -> LegalAid:
    scoping.require(actor, Action.HANDLE_REQUESTS, aid.request.organisation)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": ValidationError(_("Choose an outcome."), code="invalid_choice")})
    with transaction.atomic():
        before = aid.outcome
        aid.outcome = outcome
        aid.outcome_on = on or timezone.localdate()
        aid.save(update_fields=["outcome", "outcome_on"])
        audit.record(
            actor=actor,
            action="rights.legal_aid.outcome",
            obj=aid,
            organisation_id=aid.request.organisation_id,
            changes={"outcome": [before or None, outcome]},
        )
    return aid
