"""The one input vocabulary: the same mistake gives the same code, named by its field."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gonghui.core import inputs
from gonghui.core.inputs import InputCode


def code_of(call) -> tuple[str, str]:
    with pytest.raises(ValidationError) as exc:
        call()
    ((field, errors),) = exc.value.error_dict.items()
    return field, errors[0].code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5678.90", Decimal("5678.90")),
        ("5,678.9", Decimal("5678.90")),
        ("  １２３.５ ", Decimal("123.50")),
        (12, Decimal("12.00")),
        (Decimal("0"), Decimal("0.00")),
        ("0.10", Decimal("0.10")),
    ],
)
def test_amounts_are_read_as_people_type_them(value, expected):
    assert inputs.money(value, "amount") == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("abc", InputCode.AMOUNT_INVALID),
        ("1_000", InputCode.AMOUNT_INVALID),
        ("NaN", InputCode.AMOUNT_INVALID),
        ("Infinity", InputCode.AMOUNT_INVALID),
        (True, InputCode.AMOUNT_INVALID),
        ([1], InputCode.AMOUNT_INVALID),
        ("-1", InputCode.AMOUNT_NEGATIVE),
        ("1.234", InputCode.AMOUNT_PRECISION),
        ("1e12", InputCode.AMOUNT_TOO_LARGE),
        ("", InputCode.REQUIRED),
        (None, InputCode.REQUIRED),
    ],
)
def test_a_bad_amount_gets_the_same_code_in_every_app(value, code):
    assert code_of(lambda: inputs.money(value, "wage")) == ("wage", code)


def test_positive_amounts_refuse_zero_and_optional_ones_give_none():
    assert code_of(lambda: inputs.money("0", "amount", positive=True)) == ("amount", InputCode.AMOUNT_ZERO)
    assert inputs.money("", "amount", required=False) is None
    assert code_of(lambda: inputs.money("101", "x", maximum=Decimal("100")))[1] == InputCode.AMOUNT_TOO_LARGE


def test_amounts_are_written_with_two_places_rounded_half_up():
    assert inputs.money_text(Decimal("28.345")) == "28.35"
    assert inputs.money_text(5) == "5.00"
    assert inputs.money_text(None) is None


def test_whole_numbers():
    assert inputs.integer("12", "n") == 12 and inputs.integer(12.0, "n") == 12
    assert code_of(lambda: inputs.integer("12.5", "n")) == ("n", InputCode.NUMBER_INVALID)
    assert code_of(lambda: inputs.integer(True, "n")) == ("n", InputCode.NUMBER_INVALID)
    assert code_of(lambda: inputs.integer("0", "n", minimum=1)) == ("n", InputCode.NUMBER_TOO_SMALL)
    assert code_of(lambda: inputs.integer(10**20, "n")) == ("n", InputCode.NUMBER_TOO_LARGE)
    assert inputs.integer(None, "n", required=False) is None


def test_dates():
    today = datetime.date(2026, 12, 6)
    assert inputs.date("2026-03-05", "d") == datetime.date(2026, 3, 5)
    assert inputs.date(" ２０２６-０３-０５ ", "d") == datetime.date(2026, 3, 5)
    assert code_of(lambda: inputs.date("2026-02-30", "d")) == ("d", InputCode.DATE_INVALID)
    assert code_of(lambda: inputs.date(datetime.datetime(2026, 1, 1), "d"))[1] == InputCode.DATE_INVALID
    assert code_of(lambda: inputs.date("2026-12-07", "d", not_future=True, today=today))[1] == (
        InputCode.DATE_FUTURE
    )
    assert code_of(lambda: inputs.date("2020-01-01", "d", earliest=datetime.date(2021, 1, 1)))[1] == (
        InputCode.DATE_TOO_EARLY
    )
    assert code_of(lambda: inputs.date("2030-01-01", "d", latest=today))[1] == InputCode.DATE_TOO_LATE


def test_times():
    assert inputs.time("08:30", "t") == datetime.time(8, 30)
    assert inputs.time("23:59:59", "t") == datetime.time(23, 59, 59)
    for bad in ("8:30", "24:00", "08h30", 830):
        assert code_of(lambda bad=bad: inputs.time(bad, "t")) == ("t", InputCode.TIME_INVALID)


def test_text_refuses_control_characters_and_says_how_long_is_too_long():
    assert inputs.text(" 张三 ", "name") == "张三"
    assert inputs.text("你好，世界！", "note", prose=True) == "你好，世界！"
    assert code_of(lambda: inputs.text("a\x01b", "note")) == ("note", InputCode.CONTROL_CHARACTERS)
    assert code_of(lambda: inputs.text("", "note", required=True)) == ("note", InputCode.REQUIRED)
    with pytest.raises(ValidationError) as exc:
        inputs.text("x" * 11, "note", max_length=10)
    assert exc.value.error_dict["note"][0].code == InputCode.TEXT_TOO_LONG
    assert "10" in exc.value.messages[0] and "11" in exc.value.messages[0]


def test_choices():
    assert inputs.choice("a", "kind", ["a", "b"]) == "a"
    assert code_of(lambda: inputs.choice("c", "kind", ["a", "b"])) == ("kind", InputCode.INVALID_CHOICE)
    assert inputs.choice("", "kind", ["a"], required=False) == ""


def test_a_field_error_without_a_field_is_about_the_whole_input():
    assert not hasattr(inputs.field_error("", "x", "c"), "error_dict")
    assert inputs.field_error("f", "x", "c").error_dict["f"][0].code == "c"


def test_numbers_with_decimals_keep_their_bounds_and_places():
    assert inputs.number(" ０.２５ ", "w", maximum=1, places=4) == Decimal("0.25")
    assert inputs.number("1.5000", "w", places=1) == Decimal("1.5")
    assert inputs.number(3, "w", minimum=0) == 3
    assert code_of(lambda: inputs.number("abc", "w")) == ("w", InputCode.NUMBER_INVALID)
    assert code_of(lambda: inputs.number("NaN", "w")) == ("w", InputCode.NUMBER_INVALID)
    assert code_of(lambda: inputs.number(True, "w")) == ("w", InputCode.NUMBER_INVALID)
    assert code_of(lambda: inputs.number("", "w")) == ("w", InputCode.REQUIRED)
    assert inputs.number(None, "w", required=False) is None
    assert code_of(lambda: inputs.number("-0.1", "w", minimum=0)) == ("w", InputCode.NUMBER_TOO_SMALL)
    assert code_of(lambda: inputs.number("1.1", "w", maximum=1)) == ("w", InputCode.NUMBER_TOO_LARGE)


def test_a_number_with_too_many_decimals_gets_the_precision_code():
    with pytest.raises(ValidationError) as exc:
        inputs.number("0.12345", "weight", maximum=1, places=4)
    assert exc.value.error_dict["weight"][0].code == InputCode.NUMBER_PRECISION
    assert "4" in exc.value.messages[0]
    assert code_of(lambda: inputs.number("1e-40", "w", places=10)) == ("w", InputCode.NUMBER_PRECISION)
    assert inputs.number("1e40", "w", places=2) == Decimal("1e40")
