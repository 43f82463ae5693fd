"""merge_errors / keyed: a ValidationError of either shape ends up under a field name."""

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.text import clean
from gonghui.core.validation import field_errors, keyed, merge_errors


def _codes(exc: ValidationError) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}


def test_a_plain_error_is_filed_under_the_field_being_read():
    with pytest.raises(ValidationError) as info:
        clean("34\x01")
    errors = merge_errors({}, info.value, field="lat")
    assert _codes(ValidationError(errors)) == {"lat": ["control_characters"]}


def test_a_keyed_error_keeps_its_own_fields():
    exc = ValidationError({"lng": ValidationError("x", code="out_of_range")})
    assert list(field_errors(exc, "lat")) == ["lng"]
    assert _codes(ValidationError(merge_errors({}, exc, field="lat"))) == {"lng": ["out_of_range"]}


def test_merging_keeps_what_a_field_already_had():
    errors = {"crs": ValidationError("bad", code="invalid_choice")}
    merge_errors(errors, ValidationError("ctl", code="control_characters"), field="crs")
    merge_errors(errors, ValidationError({"crs": ValidationError("again", code="third")}), field="lat")
    assert _codes(ValidationError(errors)) == {"crs": ["invalid_choice", "control_characters", "third"]}


def test_keyed_names_a_plain_error_and_leaves_a_keyed_one_alone():
    assert _codes(keyed(ValidationError("ctl", code="control_characters"), "hours")) == {
        "hours": ["control_characters"]
    }
    already = ValidationError({"x": ValidationError("y", code="z")})
    assert keyed(already, "hours") is already


def test_field_errors_gathers_every_field_before_raising_once():
    from gonghui.core import inputs
    from gonghui.core.validation import FieldErrors

    errors = FieldErrors()
    assert errors.read(inputs.integer, "12", "year") == 12
    assert errors.read(inputs.choice, "x", "kind", ["a", "b"]) is None
    assert errors.read(inputs.money, "1.234", "amount") is None
    errors.add(ValidationError("plain", code="other"), field="kind")
    assert "kind" in errors and "year" not in errors and errors
    with pytest.raises(ValidationError) as info:
        errors.raise_any()
    assert _codes(info.value) == {"kind": ["invalid_choice", "other"], "amount": ["amount_precision"]}


def test_field_errors_with_nothing_gathered_raises_nothing():
    from gonghui.core.validation import FieldErrors

    errors = FieldErrors()
    assert not errors
    errors.raise_any()
