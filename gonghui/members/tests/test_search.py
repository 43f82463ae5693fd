"""Member search (``members.search``): surnames read as surnames, every reading of a given
name, Chinese-name prefixes, exact ID number and phone, member numbers, ranking, scope."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client

from gonghui.core import crypto
from gonghui.members import search
from gonghui.members.models import Member, MemberSearchKey
from gonghui.members.services import members as member_services
from gonghui.testing import PASSWORD, make_id_number, make_phone

pytestmark = pytest.mark.django_db

_seq = iter(range(3000, 9000))


def add(world, name, org="xian_factory", **extra):
    seq = next(_seq)
    extra.setdefault("id_number", make_id_number(world.orgs[org].division_code, seq=seq))
    return member_services.member_create(
        actor=None, organisation=world.orgs[org], name=name, joined_on=datetime.date(2022, 3, 1), **extra
    )


def names(user, q, **kw):
    return [m.name for m in search.search(user, q, **kw)]


# Surname, its surname reading and initials, and the common reading that must not find it.
SURNAMES = [
    ("单", "shan", "s", "dan"),
    ("曾", "zeng", "z", "ceng"),
    ("解", "xie", "x", "jie"),
    ("区", "ou", "o", "qu"),
    ("仇", "qiu", "q", "chou"),
    ("查", "zha", "z", "cha"),
    ("翟", "zhai", "z", "di"),
    ("朴", "piao", "p", "pu"),
    ("盖", "ge", "g", "gai"),
    ("尉迟", "yuchi", "yc", "weichi"),
    ("万俟", "moqi", "mq", "wansi"),
    ("长孙", "zhangsun", "zs", "changsun"),
]


@pytest.mark.parametrize(("surname", "full", "initials", "wrong"), SURNAMES)
def test_surnames_are_read_as_surnames(world, city_admin, surname, full, initials, wrong):
    member = add(world, surname + "明")
    user = city_admin
    assert names(user, full + "ming") == [member.name]
    assert names(user, full + "m") == [member.name]
    assert names(user, initials + "m") == [member.name]
    assert names(user, wrong + "ming") == []
    assert names(user, wrong + "m") == []
    if wrong[0] != initials[0]:
        assert names(user, wrong[0] + "m") == []
    assert f"{full}ming" in search.keys_for(member)
    assert f"{wrong}ming" not in search.keys_for(member)


@pytest.mark.parametrize(
    ("name", "readings"), [("王乐", ("wangle", "wangyue")), ("李长明", ("lichangming", "lizhangming"))]
)
def test_given_name_with_several_readings_is_found_by_each(world, city_admin, name, readings):
    member = add(world, name)
    user = city_admin
    for reading in readings:
        assert names(user, reading) == [name], reading
        assert reading in search.keys_for(member)


def test_member_matching_several_keys_is_listed_once(world, city_admin):
    add(world, "王乐乐")  # le/yue twice: four full readings all start with "wang"
    user = city_admin
    qs = search.search(user, "wang")
    assert [m.name for m in qs] == ["王乐乐"] and qs.count() == 1
    assert search.search(user, "王").count() == 1


def test_chinese_name_prefix_and_given_name(world, city_admin):
    add(world, "张伟明")
    add(world, "张三")
    add(world, "李四")
    user = city_admin
    assert names(user, "张") == ["张三", "张伟", "张伟明"]
    assert names(user, "张伟") == ["张伟", "张伟明"]
    assert names(user, " 张 伟 ") == ["张伟", "张伟明"]
    assert names(user, "伟明") == ["张伟明"]  # the given name is a key as well
    assert names(user, "王") == []


def test_name_outside_the_basic_plane_is_found_by_prefix(world, city_admin):
    add(world, "张\U00020bb7")  # 𠮷
    assert names(city_admin, "张") == ["张伟", "张\U00020bb7"]


def test_exact_matches_rank_before_prefix_matches(world, city_admin):
    add(world, "张伟华")  # zhangweihua: a prefix match of zhangwei
    add(world, "章伟")  # zhangwei exactly
    add(world, "周文明")  # zwm: prefix of zw
    add(world, "朱文")  # zw exactly
    user = city_admin
    found = names(user, "zhangwei")
    assert set(found[:2]) == {"张伟", "章伟"} and found[2:] == ["张伟华"]
    # Exact initials first (in index order among themselves), then the longer initials.
    found = names(user, "zw")
    assert set(found[:3]) == {"张伟", "朱文", "章伟"} and found[3:] == ["张伟华", "周文明"]


def _id_ending_in_x(region: str) -> str:
    for seq in range(100, 1000):
        number = make_id_number(region, seq=seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no check character X in range")


def test_exact_id_number_and_phone_only(world, city_admin):
    number = _id_ending_in_x("610113")
    phone = make_phone(4321)
    member = add(world, "刘洋", id_number=number, phone=phone)
    user = city_admin
    for q in [number, number.lower(), f"{number[:6]} {number[6:14]} {number[14:].lower()}", f"　{number}　"]:
        assert names(user, q) == ["刘洋"], q
    for q in [phone, f"+86 {phone}", f"+86-{phone[:3]}-{phone[3:7]}-{phone[7:]}", f"{phone[:3]} {phone[3:]}"]:
        assert names(user, q) == ["刘洋"], q
    for q in [number[:17], number[:14], number[2:], phone[:10], phone[1:], number[:-1] + "0"]:
        assert names(user, q) == [], q
    assert member.id_number_hash and crypto.decrypt(member.id_number_enc) == number


def test_member_number_exact_and_prefix(world, city_admin):
    member = add(world, "孙丽")
    user = city_admin
    assert names(user, member.member_no) == ["孙丽"]
    prefix = member.member_no[:8]
    found = names(user, prefix)
    assert "孙丽" in found and all(
        m.startswith(prefix) for m in search.search(user, prefix).values_list("member_no", flat=True)
    )
    assert names(user, member.member_no + "9") == []


def test_search_never_leaves_scope(world, sibling_admin, sibling_city_admin, province_admin):
    """The sibling-province admin finds nothing of Shaanxi, whatever the query."""
    xian_worker = world.members["xian_worker"]
    baoji_worker = world.members["baoji_worker"]
    gansu = sibling_admin
    queries = ["张", "张伟", "zhangwei", "zw", "z", "单", "shanxiaoyan", "sxy", "s"]
    for m in (xian_worker, baoji_worker):
        queries += [
            crypto.decrypt(m.id_number_enc),
            crypto.decrypt(m.phone_enc),
            m.member_no,
            m.member_no[:6],
        ]
    for q in queries:
        found = set(search.search(gansu, q).values_list("pk", flat=True))
        assert xian_worker.pk not in found and baoji_worker.pk not in found, q
    # The sibling city admin does not see Xi'an either; the own branch does.
    assert names(sibling_city_admin, "zhangwei") == []
    assert names(sibling_city_admin, "sxy") == ["单晓燕"]
    assert names(province_admin, "zhangwei") == ["张伟"]


def test_rename_reindexes(world, city_admin):
    member = world.members["xian_worker"]
    user = city_admin
    member_services.member_update(actor=user, member=member, name="解放")
    assert names(user, "zhangwei") == [] and names(user, "张") == []
    assert names(user, "xiefang") == ["解放"] and names(user, "xf") == ["解放"]
    assert set(
        MemberSearchKey.objects.filter(member=member).values_list("key", flat=True)
    ) == search.keys_for(Member.objects.get(pk=member.pk))


def test_status_and_employment_form_filters(world, city_admin):
    add(world, "张强", employment_form="courier")
    add(world, "张敏", status="pre_member")
    user = city_admin
    assert names(user, "zhang", employment_form="courier") == ["张强"]
    assert names(user, "zhang", status="pre_member") == ["张敏"]
    assert set(names(user, "zhang", status="active")) == {"张伟", "张强", "张敏"}
    assert names(user, "zhang", status="withdrawn") == []
    assert names(user, "zhang", organisation=world.orgs["baoji"]) == []


def test_empty_and_odd_queries(city_admin):
    user = city_admin
    assert names(user, "") == ["张伟"] and names(user, "   ") == ["张伟"]
    for q in ["%", "_", "'; drop table x; --", "\\", "张%", "x" * 500]:
        assert names(user, q) == [], q


def test_api_search_is_paginated(world):
    for i in range(23):
        add(world, "张" + "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊"[i])
    c = Client()
    token = c.post(
        "/api/v1/auth/token", {"username": "xian", "password": PASSWORD}, content_type="application/json"
    ).json()["token"]
    c = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    first = c.get("/api/v1/members", {"q": "zhang"}).json()
    second = c.get("/api/v1/members", {"q": "zhang", "page": 2}).json()
    assert first["count"] == second["count"] == 24
    assert len(first["items"]) == 20 and len(second["items"]) == 4
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 24

    # No name reads exactly "zhang": the pages run in the order of each name's first reading
    # starting with "zhang" (张波 reads bo, bei, bi: "zhangbei" sorts before "zhangbin").
    def first_reading(name):
        return min(k for k in search.name_search_keys(name) if k.startswith("zhang"))

    listed = [i["name"] for i in first["items"] + second["items"]]
    assert [first_reading(n) for n in listed] == sorted(first_reading(n) for n in listed)
    assert listed[0] == "张波"
    assert c.get("/api/v1/members", {"q": "zhang", "page_size": 101}).json()["code"] == "bad_page"


def test_rebuild_search_keys_command(city_admin):
    MemberSearchKey.objects.all().delete()
    assert names(city_admin, "zhangwei") == []
    out = io.StringIO()
    call_command("rebuild_search_keys", "--batch-size", "2", stdout=out)
    assert "rows/s" in out.getvalue()
    assert names(city_admin, "zhangwei") == ["张伟"]
    assert MemberSearchKey.objects.count() == sum(len(search.keys_for(m)) for m in Member.objects.all())


def test_index_members_replaces_keys(world):
    member = world.members["xian_worker"]
    MemberSearchKey.objects.create(member=member, organisation_id=member.organisation_id, key="stale")
    member.name = "王芳"
    assert search.index_members([member]) == len(search.keys_for(member))
    keys = set(MemberSearchKey.objects.filter(member=member).values_list("key", flat=True))
    assert keys == {"wangfang", "wf", "王芳", "芳"}
    assert search.index_members([]) == 0
    assert search.index_members([member, member]) == len(search.keys_for(member))  # listed twice


def test_common_surname_is_indexed_under_its_surname_reading_only(world, city_admin):
    member = add(world, "王芳")  # pypinyin also reads 王 "yu"
    assert search.keys_for(member) == {"wangfang", "wf", "王芳", "芳"}
    assert names(city_admin, "yufang") == []
    lu = add(world, "陆明")  # not liu
    assert "luming" in search.keys_for(lu) and "liuming" not in search.keys_for(lu)


@pytest.mark.parametrize(
    "name",
    [
        "张伟",
        "单晓燕",
        "尉迟明",
        "王乐乐",
        "长孙无忌",
        "乐乐乐乐乐乐",
        "重重长长",
        "区",
        "John Smith",
        "买买提·艾力",
    ],
)
def test_cached_keys_match_pinyin_name_keys(name):
    from gonghui.members import pinyin

    fulls, initials = pinyin.name_keys(name)
    expected = set(fulls.split()) | set(initials.split())
    compact = "".join(name.split()).lower()
    expected |= {compact, pinyin.split_surname(compact)[1]} - {""}
    assert search.name_search_keys(name) == expected


def test_prefix_end_bounds_exactly_the_strings_with_the_prefix():
    assert search.prefix_end("zw") == "zx"
    assert search.prefix_end("张") == "弡"
    assert search.prefix_end("a\U0010ffff") == "b"
    assert search.prefix_end("\ud7ff") == "\ue000"
    for s in ["zw", "zwa", "zw\U0010ffff", "张伟"]:
        assert s.startswith("zw") == ("zw" <= s < search.prefix_end("zw")) or not s.startswith("z")


def test_surname_table_has_source_and_no_duplicates():
    import json
    from pathlib import Path

    data = json.loads((Path(search.__file__).parent / "data" / "surnames.json").read_text(encoding="utf-8"))
    assert "source" in data
    assert all(len(k) == 1 and v.isalpha() and v.islower() for k, v in data["single"].items())
    assert all(len(k) == 2 and len(v.split()) == 2 for k, v in data["compound"].items())
