"""Encrypting, indexing and masking the personal data of a member or an application."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core import crypto
from gonghui.core.validators import (
    IdNumberFacts,
    check_working_age,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    parse_id_number,
    validate_mobile,
)


def id_hash(number: str) -> str:
    return crypto.blind_index("id", normalise_id_number(number))


def phone_hash(number: str) -> str:
    return crypto.blind_index("phone", number)


def set_id_number(obj, number: str) -> IdNumberFacts:
    """Check a member's or applicant's ID number and store it encrypted, indexed and masked.
    Members and applicants are workers: someone under 16 is refused (``age_under_16``), so the
    floor holds for enrolment, the officer's forms, the API and the import alike."""
    facts = parse_id_number(number)
    check_working_age(facts.birth_date)
    obj.id_number_enc = crypto.encrypt(facts.number)
    obj.id_number_hash = id_hash(facts.number)
    obj.id_number_masked = mask_id_number(facts.number)
    return facts


def set_phone(obj, number: str, *, required: bool) -> None:
    if not number:
        if required:
            raise ValidationError(_("A mobile number is required."), code="required")
        obj.phone_enc = obj.phone_hash = obj.phone_masked = ""
        return
    phone = validate_mobile(number)
    obj.phone_enc = crypto.encrypt(phone)
    obj.phone_hash = phone_hash(phone)
    obj.phone_masked = mask_phone(phone)


def check_typed_facts(facts: IdNumberFacts, *, gender: str | None, birth_date) -> None:
    """What the user typed must agree with what the ID number says."""
    errors = {}
    if gender and gender != facts.gender:
        errors["gender"] = ValidationError(
            _("The gender does not match the ID number."), code="id_gender_mismatch"
        )
    if birth_date and birth_date != facts.birth_date:
        errors["birth_date"] = ValidationError(
            _("The birth date does not match the ID number."), code="id_birth_mismatch"
        )
    if errors:
        raise ValidationError(errors)
