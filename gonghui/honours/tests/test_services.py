"""Services of the honours app: the registry, nomination lists with level-by-level review,
the public notice and its objections, approval into honours."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.core.models import AuditEntry
from gonghui.honours import selectors
from gonghui.honours.models import Honour, NominationList, Nominee, NomineeReview, Objection
from gonghui.honours.services import lists, nominees, objections, registry
from gonghui.honours.tests.conftest import accept, recommend
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Kind, Ownership

pytestmark = pytest.mark.django_db


def counts():
    return {
        m.__name__: m.objects.count()
        for m in (Honour, NominationList, Nominee, NomineeReview, Objection, AuditEntry)
    }


def grant(world, actor="xian", **kw):
    args = {
        "actor": world.users[actor],
        "member": world.members["xian_worker"],
        "organisation": world.orgs["xian"],
        "kind": "model_worker",
        "level": "provincial",
        "year": 2020,
        "issuing_body": "陕西省人民政府",
    }
    args.update(kw)
    return registry.honour_grant(**args)


# ---- registry ---------------------------------------------------------------------------


def test_granting_an_honour_files_it_under_the_members_union_with_an_audit_entry(world):
    h = grant(
        world, allowance=True, medical_benefit=True, source="第七届全国职工职业技能大赛", source_id="c-1"
    )
    assert h.organisation == world.orgs["xian_factory"]
    assert (h.allowance, h.medical_benefit, h.source_id) == (True, True, "c-1")
    entry = AuditEntry.objects.get(action="honours.honour.granted", object_id=str(h.pk))
    assert entry.organisation_id == world.orgs["xian_factory"].pk
    assert entry.changes["holder"] == [None, "张伟"]


def test_a_duplicate_honour_is_refused_and_nothing_is_written(world):
    grant(world)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        grant(world, actor="shaanxi", organisation=world.orgs["shaanxi"])
    assert exc.value.code == "duplicate_honour"
    assert counts() == before
    # Another level or year is a different honour.
    grant(world, level="city", issuing_body="西安市人民政府")
    grant(world, year=2021)


def test_a_workers_pioneer_honour_goes_to_a_team_of_the_union(world):
    h = grant(
        world,
        member=None,
        kind="pioneer_team",
        organisation=world.orgs["xian_factory"],
        team_name="数控加工班组",
        team_host="西安某机械厂",
        team_members=[world.members["xian_worker"]],
        level="national",
        issuing_body="中华全国总工会",
    )
    assert h.holder == "数控加工班组" and h.organisation == world.orgs["xian_factory"]
    assert list(h.team_members.all()) == [world.members["xian_worker"]]
    with pytest.raises(ValidationError) as exc:
        grant(
            world,
            member=None,
            kind="pioneer_team",
            organisation=world.orgs["xian_factory"],
            team_name="数控加工班组",
            level="national",
            issuing_body="中华全国总工会",
        )
    assert exc.value.code == "duplicate_honour"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"kind": "medal"}, "kind", "invalid_choice"),
        ({"level": "county"}, "level", "invalid_choice"),
        ({"year": 1949}, "year", "number_too_small"),
        ({"year": 2999}, "year", "number_too_large"),
        ({"year": "二〇二〇"}, "year", "number_invalid"),
        ({"issuing_body": "  "}, "issuing_body", "required"),
        ({"member": None}, "member", "required"),
        ({"team_name": "某班组"}, "team_name", "person_only"),
        ({"kind": "pioneer_team"}, "member", "team_only"),
        ({"issuing_body": "x" * 121}, "issuing_body", "too_long"),
    ],
)
def test_bad_honour_input_is_refused_with_nothing_written(world, overrides, field, code):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        grant(world, **overrides)
    assert exc.value.error_dict[field][0].code == code
    assert counts() == before


def test_a_member_outside_the_granting_union_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        grant(world, member=world.members["baoji_worker"], organisation=world.orgs["xian"])
    assert exc.value.error_dict["member"][0].code == "member_outside"


def test_sibling_and_viewer_cannot_grant(world):
    with pytest.raises(Http404):
        grant(world, actor="baoji")
    with pytest.raises(PermissionDenied):
        grant(world, actor="xian_viewer")
    assert Honour.objects.count() == 0


def test_honours_are_invisible_to_the_sibling_city(
    world, sibling_city_admin, city_admin, province_admin, sibling_admin
):
    h = grant(world)
    assert list(selectors.honour_list(city_admin)) == [h]
    assert list(selectors.honour_list(province_admin)) == [h]
    assert list(selectors.honour_list(sibling_city_admin)) == []
    assert list(selectors.honour_list(sibling_admin)) == []
    with pytest.raises(Http404):
        selectors.honour_or_404(sibling_city_admin, h.pk)


# ---- nomination lists: recommend and review ----------------------------------------------


def test_a_list_starts_with_the_default_quotas(plist):
    assert [r["key"] for r in plist.quota_rules] == [
        "industrial",
        "front_line_other",
        "migrant",
        "non_public",
    ]
    assert [r["min_share"] for r in plist.quota_rules] == ["0.35", "0.20", "0.10", "0.35"]


def test_a_city_cannot_run_a_provincial_selection(world, city_admin, today):
    with pytest.raises(ValidationError) as exc:
        lists.nomination_list_create(
            actor=city_admin,
            organiser=world.orgs["xian"],
            title="t",
            kind="model_worker",
            level="provincial",
            year=2026,
        )
    assert exc.value.error_dict["level"][0].code == "level_too_high"
    assert NominationList.objects.count() == 0


def test_bad_quota_rules_on_a_new_list_write_nothing(world, province_admin, today):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        lists.nomination_list_create(
            actor=province_admin,
            organiser=world.orgs["shaanxi"],
            title="t",
            kind="model_worker",
            level="provincial",
            year=2026,
            quota_rules=[{"key": "migrant", "min_share": 2}],
        )
    assert exc.value.error_dict["quota_rules"][0].code == "quota_rules"
    assert counts() == before


def test_a_nominee_is_reviewed_level_by_level_up_to_the_organiser(
    world, city_officer, city_admin, province_admin, plist
):
    n = recommend(world, plist)
    assert (n.status, n.current_org) == ("in_review", world.orgs["yanta"])
    # Not yet Xi'an's turn: the Xi'an officer can see the nominee but may act at 雁塔 only
    # because Xi'an is above it — the step is recorded against 雁塔.
    n = nominees.nominee_approve(actor=city_officer, nominee=n)
    assert n.current_org == world.orgs["xian"]
    n = nominees.nominee_approve(actor=city_admin, nominee=n)
    assert n.current_org == world.orgs["shaanxi"]
    # The province's turn: Xi'an can no longer act.
    with pytest.raises(PermissionDenied):
        nominees.nominee_approve(actor=city_admin, nominee=n)
    n = nominees.nominee_approve(actor=province_admin, nominee=n)
    assert (n.status, n.current_org) == ("accepted", None)
    steps = [(r.organisation.code, r.decision) for r in selectors.nominee_timeline(n)]
    assert steps == [
        ("XA-0001", "recommended"),
        ("610113", "approved"),
        ("610100", "approved"),
        ("610000", "accepted"),
    ]
    assert AuditEntry.objects.filter(action="honours.nominee.approved", object_id=str(n.pk)).count() == 3


def test_a_returned_nominee_goes_back_with_the_reason_and_can_be_resubmitted(world, city_admin, plist):
    n = recommend(world, plist)
    n = nominees.nominee_approve(actor=city_admin, nominee=n)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        nominees.nominee_return(actor=city_admin, nominee=n, reason="  ")
    assert exc.value.error_dict["reason"][0].code == "required"
    assert counts() == before
    n = nominees.nominee_return(actor=city_admin, nominee=n, reason="事迹材料不完整")
    assert (n.status, n.current_org, n.return_reason) == ("returned", None, "事迹材料不完整")
    with pytest.raises(ValidationError) as exc:
        nominees.nominee_approve(actor=city_admin, nominee=n)
    assert exc.value.code == "not_in_review"
    n = nominees.nominee_resubmit(actor=city_admin, nominee=n, deeds="补充获国家专利3项。")
    assert (n.status, n.current_org, n.deeds) == ("in_review", world.orgs["yanta"], "补充获国家专利3项。")


def test_sibling_city_cannot_see_or_review_xians_nominee(world, sibling_city_admin, sibling_admin, plist):
    n = recommend(world, plist)
    baoji = sibling_city_admin
    # The list itself is open to Baoji (it recommends too), its nominees are not.
    assert selectors.nomination_list_or_404(baoji, plist.pk) == plist
    assert list(selectors.nominees_visible_to(baoji, plist)) == []
    with pytest.raises(Http404):
        selectors.nominee_or_404(baoji, n.pk)
    with pytest.raises(Http404):
        selectors.nomination_list_or_404(sibling_admin, plist.pk)
    assert list(selectors.nomination_list_list(sibling_admin)) == []


def test_only_unions_below_the_organiser_recommend_their_own_members(world, plist):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        recommend(world, plist, org_key="shaanxi", user="shaanxi")
    assert exc.value.error_dict["recommending_org"][0].code == "not_below_organiser"
    with pytest.raises(ValidationError) as exc:
        recommend(world, plist, member_key="baoji_worker", org_key="xian")
    assert exc.value.error_dict["member"][0].code == "member_outside"
    with pytest.raises(Http404):
        recommend(world, plist, member_key="baoji_worker", org_key="baoji_factory", user="xian")
    assert counts() == before


def test_a_member_is_on_a_list_once(world, plist):
    recommend(world, plist)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        recommend(world, plist, org_key="xian")
    assert exc.value.error_dict["member"][0].code == "duplicate_nominee"
    assert counts() == before


def test_unknown_quota_facts_must_be_entered(world, plist):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        recommend(world, plist, is_industrial_worker=None)
    assert exc.value.error_dict["is_industrial_worker"][0].code == "industrial_required"
    with pytest.raises(ValidationError) as exc:
        recommend(world, plist, enterprise_ownership=None)
    assert exc.value.error_dict["enterprise_ownership"][0].code == "ownership_required"
    assert counts() == before


def test_quota_facts_are_derived_from_the_host_unit_and_the_member_record(world, city_admin, plist):
    from gonghui.members.services import members as member_services
    from gonghui.testing import make_id_number

    factory = org_services.organisation_create(
        actor=None,
        parent=world.orgs["yanta"],
        kind=Kind.GRASSROOTS,
        code="XA-0003",
        name="西安某汽车零部件厂工会",
        division_code="610113",
        host_name="西安某汽车零部件厂",
        host_industry="汽车制造业",
        host_ownership=Ownership.PRIVATE,
    )
    worker = member_services.member_create(
        actor=None,
        organisation=factory,
        name="王小军",
        id_number=make_id_number(seq=41),
        joined_on=datetime.date(2021, 3, 1),
        is_migrant_worker=True,
        employer="西安某汽车零部件厂",
    )
    n = nominees.nominee_recommend(
        actor=city_admin,
        nomination_list=plist,
        recommending_org=factory,
        member=worker,
        deeds="事迹",
        is_front_line=True,
    )
    assert (n.is_industrial_worker, n.is_migrant_worker, n.enterprise_ownership) == (True, True, "non_public")
    assert (n.display_name, n.employer) == ("王小军", "西安某汽车零部件厂")


def test_the_live_quota_counts_the_list_as_built(world, plist):
    recommend(world, plist)  # industrial, migrant, non-public
    recommend(
        world,
        plist,
        member_key="baoji_worker",
        org_key="baoji_factory",
        user="baoji",
        is_industrial_worker=False,
        is_migrant_worker=False,
        enterprise_ownership="public",
    )
    lines = {x.key: x for x in lists.quota_lines(plist)}
    assert [(k, x.count, x.total, x.met) for k, x in lines.items()] == [
        ("industrial", 1, 2, True),
        ("front_line_other", 1, 2, True),
        ("migrant", 1, 2, True),
        ("non_public", 1, 2, True),
    ]


# ---- 公示, objections, approval ----------------------------------------------------------


def accept_two(world, plist):
    """Two accepted nominees meeting every default quota (1 of 2 = 50 % each)."""
    accept(world, recommend(world, plist))  # industrial, migrant, non-public
    accept(
        world,
        recommend(
            world,
            plist,
            member_key="baoji_worker",
            org_key="baoji_factory",
            user="baoji",
            is_industrial_worker=False,
            is_migrant_worker=False,
            enterprise_ownership="public",
        ),
    )


def test_the_notice_runs_five_working_days_skipping_the_national_day_holiday(
    world, province_admin, plist, today
):
    accept_two(world, plist)
    nl = lists.publicity_start(actor=province_admin, nomination_list=plist)
    # Mon 28, Tue 29, Wed 30 September, then 1–7 October off: Thu 8, Fri 9 October.
    assert (nl.status, nl.publicity_start, nl.publicity_end) == (
        "publicity",
        datetime.date(2026, 9, 28),
        datetime.date(2026, 10, 9),
    )
    assert lists.notice_end(datetime.date(2026, 11, 21), 5) == datetime.date(2026, 11, 27)  # from a Saturday
    assert nl.publicity_open()
    today(datetime.date(2026, 10, 9))
    assert nl.publicity_open()
    today(datetime.date(2026, 10, 10))
    assert not nl.publicity_open()


def test_the_notice_needs_the_quotas_met_or_a_reason(world, province_admin, plist):
    accept(world, recommend(world, plist, is_migrant_worker=False))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        lists.publicity_start(actor=province_admin, nomination_list=plist)
    error = exc.value.error_dict["override_reason"][0]
    assert error.code == "quota_not_met" and "0/1" in error.message
    assert counts() == before
    nl = lists.publicity_start(
        actor=province_admin, nomination_list=plist, override_reason="本批次仅一人名额不足以分配"
    )
    assert nl.quota_override_reason == "本批次仅一人名额不足以分配"
    entry = AuditEntry.objects.get(action="honours.list.publicity_started")
    assert entry.reason == nl.quota_override_reason


def test_the_notice_waits_for_every_review_to_finish(world, province_admin, plist):
    recommend(world, plist)
    with pytest.raises(ValidationError) as exc:
        lists.publicity_start(actor=province_admin, nomination_list=plist)
    assert exc.value.code == "review_pending"
    assert NominationList.objects.get().status == "building"


def test_only_the_organiser_starts_the_notice(world, city_admin, sibling_admin, province_admin, plist):
    """Xi'an sees the provincial list (it recommends to it), so it is refused with 403; Gansu
    does not see it at all: 404."""
    accept(world, recommend(world, plist))
    with pytest.raises(PermissionDenied):
        lists.publicity_start(actor=city_admin, nomination_list=plist)
    with pytest.raises(Http404):
        lists.publicity_start(actor=sibling_admin, nomination_list=plist)
    with pytest.raises(ValidationError) as exc:
        lists.publicity_start(actor=province_admin, nomination_list=plist, days=0)
    assert exc.value.error_dict["days"][0].code == "number_too_small"
    assert NominationList.objects.get().status == "building"


@pytest.fixture
def on_notice(world, province_admin, plist):
    accept_two(world, plist)
    return lists.publicity_start(actor=province_admin, nomination_list=plist)


def test_approval_after_the_notice_grants_the_honours(world, province_admin, on_notice, today):
    with pytest.raises(ValidationError) as exc:
        lists.nomination_list_approve(actor=province_admin, nomination_list=on_notice)
    assert exc.value.code == "notice_running"
    assert Honour.objects.count() == 0
    today(datetime.date(2026, 10, 10))
    honours = lists.nomination_list_approve(actor=province_admin, nomination_list=on_notice)
    assert len(honours) == Honour.objects.count() == 2
    h = Honour.objects.get(member=world.members["xian_worker"])
    assert (h.member, h.kind, h.level, h.year, h.issuing_body) == (
        world.members["xian_worker"],
        "model_worker",
        "provincial",
        2026,
        "陕西省总工会",
    )
    assert h.source_id == str(on_notice.pk) and h.nominee.nomination_list == on_notice
    assert NominationList.objects.get().status == "approved"
    assert AuditEntry.objects.filter(action="honours.honour.granted").count() == 2
    assert (
        Honour.objects.get(member=world.members["baoji_worker"]).organisation == world.orgs["baoji_factory"]
    )


def test_approval_is_refused_whole_when_one_honour_is_a_duplicate(world, province_admin, on_notice, today):
    grant(world, year=2026)  # already a provincial model worker of 2026
    before = counts()
    today(datetime.date(2026, 10, 12))
    with pytest.raises(ValidationError) as exc:
        lists.nomination_list_approve(actor=province_admin, nomination_list=on_notice)
    assert exc.value.code == "duplicate_honour"
    assert counts() == before
    assert NominationList.objects.get().status == "publicity"


def object_to(world, nl, nominee=None, **kw):
    args = {
        "contact": "13912345678",
        "text": "该同志事迹与实际不符。",
        "name": "",
        "nominee_id": nominee.pk if nominee else None,
    }
    args.update(kw)
    return objections.objection_submit(actor=None, nomination_list=nl, **args)


def test_an_objection_is_tracked_and_decided_by_supervision(
    world, province_admin, sibling_admin, on_notice, supervisor, today
):
    nominee = Nominee.objects.get(member=world.members["xian_worker"])
    o = object_to(world, on_notice, nominee)
    assert (o.status, o.contact_masked, o.nominee) == ("received", "139****5678", nominee)
    assert "13912345678" not in o.contact_enc
    # Officers do not decide objections; supervision does.
    with pytest.raises(PermissionDenied):
        objections.objection_decide(actor=province_admin, objection=o, status="dismissed", reply="r")
    with pytest.raises(Http404):
        objections.objection_decide(actor=sibling_admin, objection=o, status="dismissed", reply="r")
    o = objections.objection_decide(actor=supervisor, objection=o, status="investigating")
    with pytest.raises(ValidationError) as exc:
        objections.objection_decide(actor=supervisor, objection=o, status="dismissed", reply="")
    assert exc.value.error_dict["reply"][0].code == "required"
    today(datetime.date(2026, 10, 12))
    with pytest.raises(ValidationError) as exc:
        lists.nomination_list_approve(actor=province_admin, nomination_list=on_notice)
    assert exc.value.code == "objection_open"
    o = objections.objection_decide(
        actor=supervisor, objection=o, status="dismissed", reply="经核实，事迹属实。"
    )
    assert (o.status, o.decided_by) == ("dismissed", supervisor)
    with pytest.raises(ValidationError) as exc:
        objections.objection_decide(actor=supervisor, objection=o, status="upheld", reply="x")
    assert exc.value.code == "already_decided"
    lists.nomination_list_approve(actor=province_admin, nomination_list=on_notice)
    assert Honour.objects.count() == 2
    assert objections.objection_contact(actor=supervisor, objection=o, reason="回复异议人") == "13912345678"
    assert AuditEntry.objects.filter(action="honours.objection.contact_revealed").count() == 1


def test_an_objectors_name_is_optional_but_must_look_like_a_name(world, on_notice):
    assert object_to(world, on_notice).name == ""
    assert object_to(world, on_notice, name=" 欧阳娜娜 ").name == "欧阳娜娜"
    before = Objection.objects.count()
    with pytest.raises(ValidationError) as exc:
        object_to(world, on_notice, name='=HYPERLINK("x")')
    assert exc.value.error_dict["name"][0].code == "name_invalid_character"
    assert Objection.objects.count() == before


def test_an_upheld_objection_stops_the_approval_until_the_nominee_is_struck_off(
    world, province_admin, on_notice, supervisor, today
):
    nominee = Nominee.objects.get(member=world.members["xian_worker"])
    o = object_to(world, on_notice, nominee)
    objections.objection_decide(actor=supervisor, objection=o, status="upheld", reply="经核实,反映情况属实。")
    today(datetime.date(2026, 10, 12))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        lists.nomination_list_approve(actor=province_admin, nomination_list=on_notice)
    assert exc.value.code == "objection_upheld"
    assert counts() == before and Honour.objects.count() == 0
    nominees.nominee_strike(actor=province_admin, nominee=nominee, reason="异议属实")
    honours = lists.nomination_list_approve(actor=province_admin, nomination_list=on_notice)
    assert [h.member for h in honours] == [world.members["baoji_worker"]]
    assert not Honour.objects.filter(member=world.members["xian_worker"]).exists()


def test_objections_are_accepted_only_while_the_notice_runs(world, on_notice, today):
    today(datetime.date(2026, 10, 10))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        object_to(world, on_notice)
    assert exc.value.code == "not_on_notice"
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"contact": " "}, "contact", "required"),
        ({"text": ""}, "text", "required"),
        ({"text": "异" * 2001}, "text", "too_long"),
        ({"nominee_id": "not-a-uuid"}, "nominee", "nominee_unknown"),
        ({"nominee_id": "0195a0e0-0000-7000-8000-000000000000"}, "nominee", "nominee_unknown"),
    ],
)
def test_bad_objections_are_refused_with_nothing_written(world, on_notice, overrides, field, code):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        object_to(world, on_notice, **overrides)
    assert exc.value.error_dict[field][0].code == code
    assert counts() == before


def test_no_objection_to_a_list_still_being_built(world, plist):
    with pytest.raises(ValidationError) as exc:
        object_to(world, plist)
    assert exc.value.code == "not_on_notice"
    assert Objection.objects.count() == 0
