"""The union picker's rule (organisations.selectors.union_matches / union_pick): what a typed
name, pinyin, initials or code comes to, always inside what the user may choose."""

import pytest

from gonghui.organisations import scoping, selectors
from gonghui.organisations.models import Organisation
from gonghui.organisations.pinyin import name_keys

pytestmark = pytest.mark.django_db
Action = scoping.Action


def codes(user, q, action=Action.VIEW):
    return [o.code for o in selectors.union_matches(user, q, action)]


def test_a_union_name_is_read_in_pinyin_and_initials_with_phrase_readings():
    assert name_keys("西安市总工会") == (" xianshizonggonghui ", " xaszgh ")
    assert name_keys("长安区快递行业联合工会")[1] == " caqkdhylhgh "  # 长安 chang'an, 行业 hangye
    assert name_keys("ACME 工会") == (" acmegonghui ", " acmegh ")


def test_a_renamed_union_is_found_by_its_new_pinyin(world):
    org = Organisation.objects.get(code="610113")
    org.name = "曲江新区总工会"
    org.save(update_fields=["name"])
    org.refresh_from_db()
    assert org.name_initials == " qjxqzgh "


def test_a_union_is_found_by_part_of_its_name(province_admin):
    assert codes(province_admin, "雁塔") == ["610113", "XA-0002"]


def test_a_union_is_found_by_its_pinyin_initials(province_admin):
    assert codes(province_admin, "xaszgh") == ["610100"]
    assert selectors.union_pick(province_admin, "xaszgh").organisation.code == "610100"


def test_a_union_is_found_by_full_pinyin_and_by_initials_in_capitals(province_admin):
    assert codes(province_admin, "baoji")[0] == "610300"
    assert "610300" in codes(province_admin, "BJSZGH")


def test_a_union_is_found_by_its_code_or_the_start_of_it(province_admin):
    assert codes(province_admin, "xa-0001") == ["XA-0001"]
    assert set(codes(province_admin, "6101")) == {"610100", "610113"}


def test_the_pickers_own_name_and_code_text_names_exactly_one_union(province_admin):
    pick = selectors.union_pick(province_admin, "西安市总工会（610100）")
    assert pick.organisation.code == "610100"


def test_the_exact_name_is_taken_even_when_longer_names_contain_it(province_admin):
    pick = selectors.union_pick(province_admin, "雁塔区总工会")
    assert pick.organisation.code == "610113"


def test_several_matches_are_offered_and_none_is_taken(province_admin):
    pick = selectors.union_pick(province_admin, "yt")
    assert pick.organisation is None
    assert {o.code for o in pick.matches} == {"610113", "XA-0002"}


def test_nothing_matches_a_name_no_union_has(province_admin):
    pick = selectors.union_pick(province_admin, "不存在的工会")
    assert pick.organisation is None and pick.matches == []


def test_a_sibling_admin_never_finds_the_other_branch_by_name_pinyin_or_code(sibling_admin):
    for q in ("西安", "xaszgh", "xian", "610100", "XA-0001", "陕西省总工会（610000）"):
        assert codes(sibling_admin, q) == [], q
    assert selectors.union_pick(sibling_admin, "610100").organisation is None
    assert codes(sibling_admin, "兰州") == ["LZ-0001"]


def test_the_fields_action_narrows_the_choice(city_viewer, city_officer):
    # A viewer reads Xi'an but keeps no roster there.
    assert codes(city_viewer, "雁塔") != []
    assert codes(city_viewer, "雁塔", Action.MANAGE_MEMBERS) == []
    assert codes(city_officer, "雁塔", Action.MANAGE_MEMBERS) == ["610113", "XA-0002"]


def test_any_union_reaches_every_active_union_for_a_transfer(sibling_admin):
    assert codes(sibling_admin, "xaszgh", selectors.ANY_UNION) == ["610100"]
