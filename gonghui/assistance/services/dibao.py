"""The 低保 standard table: look-up by division and date, and edits by admins."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.assistance import permissions
from gonghui.assistance.category import MAX_AMOUNT
from gonghui.assistance.models import DibaoStandard
from gonghui.core import audit, divisions, inputs
from gonghui.core.validation import keyed
from gonghui.core.validators import validate_division_code


def lookup(division_code: str, on: datetime.date) -> DibaoStandard | None:
    """The standard in force on ``on`` for a division: among the rows of the division and its
    ancestors (county → city → province) that took effect on or before ``on``, the one with the
    latest ``effective_from``; on the same date the most specific division wins. So a city's
    newer standard replaces an older county row, and a county without a row uses its city's."""
    chain = divisions.ancestors(division_code)
    if not chain:
        return None
    # At most one row per (division, date): the newest len(chain) rows hold every row of the
    # latest date.
    rows = list(
        DibaoStandard.objects.filter(division_code__in=chain, effective_from__lte=on).order_by(
            "-effective_from"
        )[: len(chain)]
    )
    if not rows:
        return None
    latest = [row for row in rows if row.effective_from == rows[0].effective_from]
    return min(latest, key=lambda row: chain.index(row.division_code))


def monthly_for(division_code: str, on: datetime.date, *, field: str = "division") -> Decimal:
    """The 低保 in yuan a month, or ValidationError naming ``field`` when there is none."""
    row = lookup(division_code, on)
    if row is None:
        raise inputs.field_error(
            field,
            _("No 低保 standard is recorded for %(division)s on %(date)s.")
            % {"division": divisions.full_name(division_code) or division_code, "date": on.isoformat()},
            "dibao_missing",
        )
    return row.monthly


def dibao_set(
    *, actor, division_code: str, effective_from: datetime.date, monthly: object, note: str = ""
) -> DibaoStandard:
    """Record (or correct) the 低保 of a division from a date. Admins whose union covers the
    division. Raises ValidationError (unknown division, bad amount) or PermissionDenied."""
    try:
        code = validate_division_code(division_code)
    except ValidationError as exc:
        raise keyed(exc, "division_code") from None
    amount = inputs.money(monthly, "monthly", positive=True, maximum=MAX_AMOUNT)
    effective_from = inputs.date(effective_from, "effective_from")
    permissions.require_set_dibao(actor, code)
    with transaction.atomic():
        row = (
            DibaoStandard.objects.select_for_update()
            .filter(division_code=code, effective_from=effective_from)
            .first()
        )
        before = {"monthly": row.monthly if row else None}
        try:
            if row is None:
                row = DibaoStandard.objects.create(
                    division_code=code, effective_from=effective_from, monthly=amount, note=note
                )
            else:
                row.monthly, row.note = amount, note
                row.save(update_fields=["monthly", "note"])
        except IntegrityError:  # two admins at once; the other one won
            raise ValidationError(_("This standard was just changed; try again."), code="conflict") from None
        audit.record(
            actor=actor,
            action="assistance.dibao.set",
            obj=row,
            changes=audit.diff(before, {"monthly": amount}),
        )
    return row
