"""The payout bank card of a file: checked as typed, stored encrypted with a blind index and a
masked copy for the pages, and revealed in full only to admins, with an audit entry."""

import re

from django.utils.translation import gettext as _

from gonghui.assistance.models import Household
from gonghui.assistance.permissions import require_reveal_card
from gonghui.core import audit, crypto
from gonghui.core.inputs import field_error


def normalise(value: object) -> str:
    """The digits as typed, without the spaces and dashes people group them with."""
    return re.sub(r"[\s-]", "", str(value or ""))


def mask(number: str) -> str:
    """First six (the bank) and last four digits, as banks print them: 622202******1234."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def check(value: object, field: str = "bank_card") -> str:
    """A card number of 12 to 19 digits (spaces and dashes ignored), or '' for none."""
    card = normalise(value)
    if card and not re.fullmatch(r"\d{12,19}", card):
        raise field_error(field, _("A bank card number has 12 to 19 digits."), "bank_card_invalid")
    return card


def stored(card: str) -> dict:
    """The Household fields that keep a checked card number (all empty for none)."""
    if not card:
        return {"bank_card_enc": "", "bank_card_hash": "", "bank_card_masked": ""}
    return {
        "bank_card_enc": crypto.encrypt(card),
        "bank_card_hash": crypto.blind_index("bank_card", card),
        "bank_card_masked": mask(card),
    }


def bank_card_reveal(*, actor, household: Household) -> str:
    """The full payout card number, for admins with REVEAL_PII on the owning union; logged."""
    require_reveal_card(actor, household)
    if not household.bank_card_enc:
        return ""
    audit.record(actor=actor, action="assistance.household.bank_card_revealed", obj=household)
    return crypto.decrypt(household.bank_card_enc)
