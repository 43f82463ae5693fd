"""core.text: the length check of a model's text fields speaks the input vocabulary."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gonghui.core import inputs
from gonghui.core.text import check_lengths
from gonghui.organisations.models import Organisation


def _messages(exc: ValidationError) -> dict:
    return {field: [(e.code, next(iter(e))) for e in errors] for field, errors in exc.error_dict.items()}


def test_an_overlong_model_field_is_refused_like_an_overlong_input():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as checked:
            check_lengths(Organisation, {"short_name": "一" * 41, "name": "ok", "not_a_field": "x" * 999})
        with pytest.raises(ValidationError) as read:
            inputs.text("一" * 41, "short_name", max_length=40)
        assert _messages(checked.value) == _messages(read.value)
        assert _messages(checked.value) == {"short_name": [("too_long", "最多 40 个字，现在是 41 个字。")]}
