"""Services of the competitions app: setup, eligibility, conflict of interest, marking,
spread rule, lock and correction, results lifecycle, recomputation, appeals,
recommendations. Bad input leaves nothing written."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from gonghui.competitions import selectors
from gonghui.competitions.choices import (
    AppealStatus,
    CorrectionStatus,
    RecommendationStatus,
    ResultsState,
    SheetStatus,
)
from gonghui.competitions.models import (
    Aspect,
    Competition,
    Correction,
    Entry,
    Mark,
    Recommendation,
    Result,
    Section,
    Substitution,
)
from gonghui.competitions.services import assignments, marking, registration, results, scheme, setup
from gonghui.competitions.tests import helpers
from gonghui.core.models import AuditEntry
from gonghui.members.choices import MembershipStatus, SkillGrade
from gonghui.members.models import Member
from gonghui.organisations.choices import Role


def _code(exc) -> str:
    err = exc.value
    if hasattr(err, "error_dict"):
        return next(iter(err.error_dict.values()))[0].code
    return err.error_list[0].code


def _field(exc) -> str:
    return next(iter(exc.value.error_dict))


# ---- setup ---------------------------------------------------------------------------


def test_competition_created_with_defaults_and_audited(world):
    s = helpers.build(world, n=0, judges=False)
    c = s.competition
    assert c.theory_weight == D("0.300")
    assert c.appeal_window_hours == 2
    assert AuditEntry.objects.filter(action="competitions.competition.created", object_id=str(c.pk)).exists()


def test_theory_weight_above_30_percent_is_refused_unless_allowed(world, province_admin):
    now = timezone.now()
    kwargs = dict(
        actor=province_admin,
        organisation=world.orgs["shaanxi"],
        title="t",
        occupation="焊工",
        registration_opens=now,
        registration_closes=now,
        theory_weight="0.35",
    )
    with pytest.raises(ValidationError) as exc:
        setup.competition_create(**kwargs)
    assert _code(exc) == "theory_weight_too_high"
    assert not Competition.objects.exists()
    c = setup.competition_create(**kwargs, allow_high_theory_weight=True)
    assert c.theory_weight == D("0.35")


@pytest.mark.parametrize(
    "change,field,code",
    [
        ({"registration_opens": None}, "registration_opens", "required"),
        ({"registration_closes": None}, "registration_closes", "required"),
        ({"registration_closes": "earlier"}, "registration_closes", "end_before_start"),
        ({"theory_weight": "0.2555"}, "theory_weight", "number_precision"),
        ({"theory_weight": ""}, "theory_weight", "required"),
    ],
)
def test_a_bad_competition_setting_gets_the_code_of_the_mistake(world, province_admin, change, field, code):
    now = timezone.now()
    kwargs = dict(
        actor=province_admin,
        organisation=world.orgs["shaanxi"],
        title="t",
        occupation="焊工",
        registration_opens=now,
        registration_closes=now + datetime.timedelta(days=7),
    )
    kwargs.update(change)
    if kwargs["registration_closes"] == "earlier":
        kwargs["registration_closes"] = now - datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError) as exc:
        setup.competition_create(**kwargs)
    assert (_field(exc), _code(exc)) == (field, code)
    assert not Competition.objects.exists()


def test_sibling_admin_cannot_create_in_another_province(world, sibling_admin):
    now = timezone.now()
    with pytest.raises(Http404):
        setup.competition_create(
            actor=sibling_admin,
            organisation=world.orgs["shaanxi"],
            title="t",
            occupation="焊工",
            registration_opens=now,
            registration_closes=now,
        )


def test_viewer_gets_403_on_creating(world, city_viewer):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        setup.competition_create(
            actor=city_viewer,
            organisation=world.orgs["xian"],
            title="t",
            occupation="焊工",
            registration_opens=now,
            registration_closes=now,
        )


def test_scheme_round_trips_through_json(world, province_admin):
    s = helpers.build(world, n=0, judges=False)
    exported = scheme.scheme_export(s.competition)
    assert exported["sections"][0]["weight"] == "0.6000"
    assert exported["sections"][0]["aspects"][1]["bands"] == [
        {"within": "0.5", "mark": "5"},
        {"within": "1", "mark": "3"},
    ]
    scheme.scheme_import(actor=province_admin, competition=s.competition, data=exported)
    assert scheme.scheme_export(s.competition) == exported


@pytest.mark.parametrize(
    "mutate,code",
    [
        (lambda d: d["sections"][0].update(weight="0.5"), "weights_sum"),
        (lambda d: d["sections"][1]["aspects"][0].update(code="A1"), "duplicate_aspect"),
        (lambda d: d["sections"][1]["aspects"][0]["descriptors"].pop("3"), "bad_descriptors"),
        (lambda d: d["sections"][0]["aspects"][1].update(bands=[{"within": "1", "mark": "99"}]), "bad_bands"),
        (lambda d: d["sections"][0]["aspects"][0].update(max_mark="-1"), "number_too_small"),
        (lambda d: d["sections"][0]["aspects"][0].update(max_mark="0"), "number_too_small"),
        (lambda d: d["sections"][0]["aspects"][0].update(max_mark="1001"), "number_too_large"),
        (lambda d: d["sections"][0]["aspects"][0].update(max_mark="2.555"), "number_precision"),
        (lambda d: d["sections"][0]["aspects"][0].update(max_mark="ten"), "number_invalid"),
        (lambda d: d["sections"][0]["aspects"][0].pop("max_mark"), "required"),
        (lambda d: d["sections"][0]["aspects"][0].update(kind="vibes"), "invalid_choice"),
        (lambda d: d["sections"][0]["aspects"][1].update(mode="roughly"), "invalid_choice"),
        (lambda d: d["sections"][0]["aspects"][0].update(code="A" * 21), "too_long"),
        (lambda d: d["sections"][0]["aspects"][0].update(description=" "), "required"),
        (lambda d: d["sections"][0].update(weight="0.60001"), "number_precision"),
        (lambda d: d["sections"][0].update(weight="heavy"), "number_invalid"),
        (lambda d: d["sections"][0].update(weight="0"), "number_too_small"),
        (lambda d: d["sections"][0].update(weight="1.5"), "number_too_large"),
        (lambda d: d["sections"][0].pop("weight"), "required"),
        (lambda d: d["sections"][0].update(name="模" * 101), "too_long"),
        (lambda d: d["sections"][0].update(name=""), "required"),
        (lambda d: d.update(sections=[]), "bad_scheme"),
    ],
)
def test_a_bad_scheme_writes_nothing(world, province_admin, mutate, code):
    import copy

    s = helpers.build(world, n=0, judges=False)
    before = scheme.scheme_export(s.competition)
    data = copy.deepcopy(helpers.SCHEME)
    mutate(data)
    with pytest.raises(ValidationError) as exc:
        scheme.scheme_import(actor=province_admin, competition=s.competition, data=data)
    assert _code(exc) == code
    assert _field(exc) == "scheme"
    assert scheme.scheme_export(s.competition) == before
    assert Section.objects.filter(competition=s.competition).count() == 2
    assert Aspect.objects.filter(competition=s.competition).count() == 3


# ---- entries ---------------------------------------------------------------------------


def test_eligibility_scope_membership_age_and_grade(world, province_admin):
    s = helpers.build(
        world, n=0, judges=False, min_age=20, max_age=40, min_skill_grade=SkillGrade.INTERMEDIATE
    )
    admin = province_admin
    c = s.competition
    gansu_worker = world.members["gansu_worker"]
    young = helpers.make_member(
        world.orgs["xian_factory"], "年轻", birth=datetime.date(2010, 1, 1), skill_grade="senior"
    )
    ungraded = helpers.make_member(world.orgs["xian_factory"], "无等级")
    ok = helpers.make_member(world.orgs["xian_factory"], "合格", skill_grade=SkillGrade.SENIOR)
    lapsed = helpers.make_member(world.orgs["xian_factory"], "退会", skill_grade=SkillGrade.SENIOR)
    Member.objects.filter(pk=lapsed.pk).update(status=MembershipStatus.WITHDRAWN)
    lapsed.refresh_from_db()
    for member, code in [
        (gansu_worker, "member_outside"),
        (lapsed, "not_member"),
        (young, "too_young"),
        (ungraded, "grade_too_low"),
    ]:
        with pytest.raises(ValidationError) as exc:
            registration.entry_register(actor=admin, competition=c, members=[member])
        assert _code(exc) == code
    assert not Entry.objects.filter(competition=c).exists()
    entry = registration.entry_register(actor=admin, competition=c, members=[ok])
    assert entry.number == 1 and entry.name == "合格"
    with pytest.raises(ValidationError) as exc:
        registration.entry_register(actor=admin, competition=c, members=[])
    assert (_field(exc), _code(exc)) == ("members", "required")
    assert Entry.objects.filter(competition=c).count() == 1


def test_a_member_enters_once_and_teams_need_a_name(world, province_admin):
    s = helpers.build(world, n=1, judges=False)
    admin = province_admin
    other = helpers.make_member(world.orgs["xian_factory"], "队友")
    with pytest.raises(ValidationError) as exc:
        registration.entry_register(actor=admin, competition=s.competition, members=[s.members[0]])
    assert _code(exc) == "already_entered"
    with pytest.raises(ValidationError) as exc:
        registration.entry_register(
            actor=admin, competition=s.competition, members=[other, world.members["xian_worker"]]
        )
    assert (_field(exc), _code(exc)) == ("team_name", "required")
    team = registration.entry_register(
        actor=admin,
        competition=s.competition,
        members=[other, world.members["xian_worker"]],
        team_name="焊花队",
    )
    assert team.kind == "team" and team.competitors.count() == 2
    assert Entry.objects.filter(competition=s.competition).count() == 2


def test_registration_window_is_enforced(world, province_admin):
    s = helpers.build(world, n=0, judges=False)
    late = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        registration.entry_register(
            actor=province_admin,
            competition=s.competition,
            members=[world.members["xian_worker"]],
            now=late,
        )
    assert _code(exc) == "registration_closed"


def test_a_city_union_registers_its_own_members_into_the_provincial_competition(world, city_admin):
    s = helpers.build(world, n=0, judges=False)
    entry = registration.entry_register(
        actor=city_admin, competition=s.competition, members=[world.members["xian_worker"]]
    )
    assert entry.pk
    with pytest.raises(PermissionDenied):
        registration.entry_register(
            actor=city_admin, competition=s.competition, members=[world.members["baoji_worker"]]
        )


def test_a_sibling_province_registering_its_own_member_learns_nothing_404(world, sibling_admin):
    s = helpers.build(world, n=0, judges=False)
    audits = AuditEntry.objects.count()
    with pytest.raises(Http404):
        registration.entry_register(
            actor=sibling_admin, competition=s.competition, members=[world.members["gansu_worker"]]
        )
    assert not Entry.objects.exists() and AuditEntry.objects.count() == audits


# ---- conflict of interest ----------------------------------------------------------------


def test_a_judge_from_the_same_union_cannot_mark_and_a_substitution_is_logged(world, province_admin):
    s = helpers.build(world, n=1, judges=False)
    admin = province_admin
    competitor = s.members[0]  # xian_factory
    conflicted = helpers.make_judge(world, "jx", member_org=world.orgs["xian_factory"])
    other = helpers.make_judge(world, "jb", member_org=world.orgs["baoji_factory"])
    assignments.judge_assign(actor=admin, section=s.sections[0], judge=conflicted)
    helpers.start_marking(world, s)
    sheet = helpers.sheet(s, s.entries[0], 0)
    a1 = helpers.aspect(s, "A1")
    with pytest.raises(ValidationError) as exc:
        marking.mark_record(actor=conflicted, sheet=sheet, aspect=a1, value=1)
    assert _code(exc) == "conflict_of_interest" and _field(exc) == "entry"
    assert not Mark.objects.exists()
    table = assignments.conflict_table(s.competition)
    assert [(row["judge"], row["reasons"], row["substitution"]) for row in table] == [
        (conflicted, ["union"], None)
    ]
    sub = assignments.judge_substitute(
        actor=admin, entry=s.entries[0], section=s.sections[0], conflicted_judge=conflicted, substitute=other
    )
    assert sub.reason == "union"
    assert AuditEntry.objects.filter(action="competitions.judge.substituted", object_id=str(sub.pk)).exists()
    marking.mark_record(actor=other, sheet=sheet, aspect=a1, value=1)
    with pytest.raises(ValidationError) as exc:
        marking.mark_record(actor=conflicted, sheet=sheet, aspect=a1, value=0)
    assert _code(exc) == "not_assigned"
    assert Mark.objects.get().value == 1
    assert competitor.pk


def test_same_employer_is_a_conflict_after_normalising_the_text(world):
    s = helpers.build(world, n=2, judges=False)
    # entry 2 is at baoji_factory with employer 某单位1
    judge = helpers.make_judge(world, "je", member_org=world.orgs["xian_factory"], employer=" 某单位１ ")
    assert selectors.conflicts(judge, [s.members[1]]) == [f"employer:{s.members[1].pk}"]
    assert selectors.conflicts(judge, [world.members["gansu_worker"]]) == []


def test_substitute_with_a_conflict_is_refused(world, province_admin):
    s = helpers.build(world, n=1, judges=False)
    admin = province_admin
    c1 = helpers.make_judge(world, "c1", member_org=world.orgs["xian_factory"])
    c2 = helpers.make_judge(world, "c2", member_org=world.orgs["xian_factory"])
    assignments.judge_assign(actor=admin, section=s.sections[0], judge=c1)
    with pytest.raises(ValidationError) as exc:
        assignments.judge_substitute(
            actor=admin, entry=s.entries[0], section=s.sections[0], conflicted_judge=c1, substitute=c2
        )
    assert _code(exc) == "substitute_conflict"
    assert not Substitution.objects.exists()


# ---- marking -------------------------------------------------------------------------------


@pytest.fixture
def marking_setup(world):
    s = helpers.build(world, n=3)
    helpers.start_marking(world, s)
    return s


@pytest.mark.parametrize(
    "code_aspect,value,code",
    [
        ("B1", 4, "number_too_large"),
        ("B1", -1, "number_too_small"),
        ("B1", "1.5", "number_invalid"),
        ("A1", 2, "number_too_large"),
        ("A2", "abc", "number_invalid"),
        ("A2", "1e7", "number_too_large"),
    ],
)
def test_bad_marks_are_refused_and_nothing_is_written(world, marking_setup, code_aspect, value, code):
    s = marking_setup
    aspect = helpers.aspect(s, code_aspect)
    sheet = helpers.sheet(s, s.entries[0], 0 if code_aspect.startswith("A") else 1)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        marking.mark_record(actor=s.judges[0], sheet=sheet, aspect=aspect, value=value)
    assert _code(exc) == code and _field(exc) == "score"
    assert not Mark.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_aspect_of_another_section_and_unassigned_judge_are_refused(world, marking_setup):
    s = marking_setup
    sheet_a = helpers.sheet(s, s.entries[0], 0)
    with pytest.raises(ValidationError) as exc:
        marking.mark_record(actor=s.judges[0], sheet=sheet_a, aspect=helpers.aspect(s, "B1"), value=2)
    assert _code(exc) == "aspect_unknown"
    with pytest.raises(ValidationError) as exc:
        marking.mark_record(actor=s.judges[1], sheet=sheet_a, aspect=helpers.aspect(s, "A1"), value=1)
    assert _code(exc) == "not_assigned"
    assert not Mark.objects.exists()


def test_marks_are_stored_raw_and_audited(world, marking_setup):
    s = marking_setup
    sheet = helpers.sheet(s, s.entries[0], 0)
    mark = marking.mark_record(actor=s.judges[0], sheet=sheet, aspect=helpers.aspect(s, "A2"), value="0.3333")
    assert mark.value == D("0.3333")
    marking.mark_record(actor=s.judges[0], sheet=sheet, aspect=helpers.aspect(s, "A2"), value="0.7")
    assert Mark.objects.get().value == D("0.7")
    entries = AuditEntry.objects.filter(action="competitions.mark.recorded").order_by("at")
    assert [e.changes["A2"] for e in entries] == [[None, "0.3333"], ["0.3333", "0.7"]]


def test_a_spread_above_one_blocks_sign_off_until_rescored_or_justified(world, marking_setup):
    s = marking_setup
    b1 = helpers.aspect(s, "B1")
    sheet = helpers.sheet(s, s.entries[0], 1)
    for judge, score in zip(s.judges, (1, 2, 3), strict=True):
        marking.mark_record(actor=judge, sheet=sheet, aspect=b1, value=score)
    with pytest.raises(ValidationError) as exc:
        marking.sheet_sign_off(actor=s.judges[0], sheet=sheet)
    assert _code(exc) == "spread_too_wide"
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN
    # re-scored: 2, 2, 3 → spread 1 → fine
    marking.mark_record(actor=s.judges[0], sheet=sheet, aspect=b1, value=2)
    assert marking.sheet_sign_off(actor=s.judges[0], sheet=sheet).status == SheetStatus.SIGNED_OFF
    # another sheet: justified in writing instead
    other = helpers.sheet(s, s.entries[1], 1)
    for judge, score in zip(s.judges, (0, 2, 3), strict=True):
        marking.mark_record(actor=judge, sheet=other, aspect=b1, value=score)
    with pytest.raises(ValidationError) as exc:
        marking.sheet_justify(actor=s.judges[0], sheet=other, aspect=b1, text="")
    assert (_field(exc), _code(exc)) == ("justification", "required")
    with pytest.raises(ValidationError) as exc:
        marking.sheet_justify(actor=s.judges[0], sheet=other, aspect=b1, text="视角不同")
    assert (_field(exc), _code(exc)) == ("justification", "justification_required")
    other.refresh_from_db()
    assert other.justifications == {}
    marking.sheet_justify(actor=s.judges[0], sheet=other, aspect=b1, text="选手焊缝一侧咬边，裁判视角不同")
    assert marking.sheet_sign_off(actor=s.judges[0], sheet=other).locked


def test_sign_off_needs_three_judgement_scores(world, marking_setup):
    s = marking_setup
    sheet = helpers.sheet(s, s.entries[0], 1)
    marking.mark_record(actor=s.judges[0], sheet=sheet, aspect=helpers.aspect(s, "B1"), value=2)
    with pytest.raises(ValidationError) as exc:
        marking.sheet_sign_off(actor=s.judges[0], sheet=sheet)
    assert _code(exc) == "marks_missing"


def test_a_locked_sheet_needs_a_correction_approved_by_a_second_person(
    world, province_admin, national_admin, sibling_admin, marking_setup
):
    s = marking_setup
    a1 = helpers.aspect(s, "A1")
    sheet = helpers.sheet(s, s.entries[0], 0)
    marking.mark_record(actor=s.judges[0], sheet=sheet, aspect=a1, value=1)
    marking.mark_record(actor=s.judges[0], sheet=sheet, aspect=helpers.aspect(s, "A2"), value="0.2")
    marking.sheet_sign_off(actor=s.judges[0], sheet=sheet)
    sheet.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        marking.mark_record(actor=s.judges[0], sheet=sheet, aspect=a1, value=0)
    assert _code(exc) == "sheet_locked"
    with pytest.raises(ValidationError) as exc:
        marking.correction_request(actor=province_admin, sheet=sheet, aspect=a1, new_value=0, reason="")
    assert (_field(exc), _code(exc)) == ("reason", "required")
    with pytest.raises(ValidationError) as exc:
        marking.correction_request(actor=province_admin, sheet=sheet, aspect=a1, new_value=0, reason="有误")
    assert (_field(exc), _code(exc)) == ("reason", "reason_required")
    assert not Correction.objects.exists()
    correction = marking.correction_request(
        actor=province_admin, sheet=sheet, aspect=a1, new_value=0, reason="复检发现焊缝有裂纹"
    )
    assert Mark.objects.get(aspect=a1).value == 1  # pending: not applied
    with pytest.raises(ValidationError) as exc:
        marking.correction_approve(actor=province_admin, correction=correction)
    assert _code(exc) == "same_person"
    viewer = helpers.make_user_with_role(world, "sxv", "shaanxi", Role.VIEWER)
    with pytest.raises(PermissionDenied):
        marking.correction_approve(actor=viewer, correction=correction)
    with pytest.raises(Http404):
        marking.correction_approve(actor=sibling_admin, correction=correction)
    assert Mark.objects.get(aspect=a1).value == 1
    marking.correction_approve(actor=national_admin, correction=correction)
    assert Mark.objects.get(aspect=a1).value == 0
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED and correction.decided_by == national_admin
    with pytest.raises(ValidationError) as exc:
        marking.correction_approve(actor=national_admin, correction=correction)
    assert (_field(exc), _code(exc)) == ("status", "already_decided")
    audit = AuditEntry.objects.get(action="competitions.mark.corrected")
    assert audit.changes == {"A1": ["1", "0"]} and audit.reason == "复检发现焊缝有裂纹"


def test_marks_after_marking_closed_are_refused(world, province_admin, marking_setup):
    s = marking_setup
    helpers.mark_all(world, s)
    helpers.theory_all(world, s, [80, 80, 80])
    setup.competition_advance_status(actor=province_admin, competition=s.competition)
    s.competition.refresh_from_db()
    sheet = helpers.sheet(s, s.entries[0], 0)
    with pytest.raises(ValidationError) as exc:
        marking.mark_record(actor=s.judges[0], sheet=sheet, aspect=helpers.aspect(s, "A1"), value=1)
    assert _code(exc) == "marking_closed" and _field(exc) == "competition"


def test_closing_marking_needs_every_sheet_signed_off(province_admin, marking_setup):
    with pytest.raises(ValidationError) as exc:
        setup.competition_advance_status(actor=province_admin, competition=marking_setup.competition)
    assert _code(exc) == "sheets_open"


def test_theory_score_range(province_admin, marking_setup):
    entry = marking_setup.entries[0]
    for bad, code in (
        ("101", "number_too_large"),
        ("-1", "number_too_small"),
        ("x", "number_invalid"),
        ("50.00000000001", "number_precision"),
        ("", "required"),
    ):
        with pytest.raises(ValidationError) as exc:
            marking.theory_record(actor=province_admin, entry=entry, score=bad)
        assert (_field(exc), _code(exc)) == ("theory_score", code)
    entry.refresh_from_db()
    assert entry.theory_score is None


# ---- results -------------------------------------------------------------------------------


PLAN = {
    # entry 0: A1 full (10), deviation 0.2 → 5, B1 3,3,3 → 6: practical 0.6×15/15×100 + 0.4×6/6×100 = 100
    0: (1, "0.2", (3, 3, 3)),
    # entry 1: A1 0, deviation 0.7 → 3, B1 2,2,3 → 14/3: 0.6×3/15×100 + 0.4×(14/3)/6×100 = 12 + 31.111… = 43.111…
    1: (0, "0.7", (2, 2, 3)),
    # entry 2: A1 full, deviation 2 → 0, B1 2,2,2 → 4: 0.6×10/15×100 + 0.4×4/6×100 = 40 + 26.666… = 66.666…
    2: (1, "2", (2, 2, 2)),
}


def test_results_lifecycle_draft_verified_published_with_hand_worked_totals(
    world, province_admin, city_admin, national_admin
):
    s = helpers.build(world, n=3)
    helpers.start_marking(world, s)
    helpers.mark_all(world, s, PLAN)
    helpers.theory_all(world, s, [90, 60, 70])
    c = setup.competition_advance_status(actor=province_admin, competition=s.competition)
    rows = results.results_compute(actor=province_admin, competition=c)
    # totals: 0.3×90 + 0.7×100 = 97; 0.3×60 + 0.7×43.111… = 48.1777…; 0.3×70 + 0.7×66.666… = 67.666…
    by_number = {r["entry"].number: r for r in rows}
    assert by_number[1]["raw_total"] == D("97.0000000000")
    assert by_number[2]["raw_total"] == D("48.1777777778")
    assert by_number[3]["raw_total"] == D("67.6666666667")
    assert [by_number[n]["rank"] for n in (1, 2, 3)] == [1, 3, 2]
    # median 67.666…; MAD median(29.333…, 19.488…, 0) = 19.4888888889; s = 28.89…
    assert by_number[3]["standardised"] == D("700.0000000000")
    assert by_number[1]["meets_standard"] and not by_number[2]["meets_standard"]
    c.refresh_from_db()
    assert c.results_state == ResultsState.DRAFT
    # draft: only managers see them
    assert selectors.results(city_admin, c) == []
    assert len(selectors.results(province_admin, c)) == 3
    with pytest.raises(ValidationError) as exc:
        results.results_verify(actor=province_admin, competition=c)
    assert _code(exc) == "same_person"
    with pytest.raises(ValidationError) as exc:
        results.results_publish(actor=province_admin, competition=c)
    assert _code(exc) == "not_verified"
    results.results_verify(actor=national_admin, competition=c)
    results.results_publish(actor=province_admin, competition=c)
    c.refresh_from_db()
    assert c.results_state == ResultsState.PUBLISHED
    assert len(selectors.results(city_admin, c)) == 3


def test_recomputation_shows_a_diff_and_needs_confirmation(world, province_admin, national_admin):
    s = helpers.build(world, n=3)
    c = helpers.publish(world, s, PLAN, [90, 60, 70])
    # correct entry 2's A1 from 0 to 1 (+10 marks → practical +40×0.7 → total +28)
    sheet = helpers.sheet(s, s.entries[1], 0)
    corr = marking.correction_request(
        actor=province_admin,
        sheet=sheet,
        aspect=helpers.aspect(s, "A1"),
        new_value=1,
        reason="申诉复核成立",
    )
    marking.correction_approve(actor=national_admin, correction=corr)
    with pytest.raises(ValidationError) as exc:
        results.results_compute(actor=province_admin, competition=c)
    assert _code(exc) == "results_published"
    preview = results.results_recompute_preview(actor=province_admin, competition=c)
    changed = {ch["entry"].number: ch for ch in preview["changes"]}
    assert changed[2]["before"]["raw_total"] == "48.1777777778"
    assert changed[2]["after"]["raw_total"] == "76.1777777778"
    assert changed[2]["after"]["rank"] == 2 and changed[3]["after"]["rank"] == 3
    # nothing replaced yet
    assert Result.objects.get(entry=s.entries[1]).rank == 3
    with pytest.raises(ValidationError) as exc:
        results.results_recompute_apply(actor=province_admin, competition=c, fingerprint="nope")
    assert _code(exc) == "stale_preview"
    assert Result.objects.get(entry=s.entries[1]).rank == 3
    results.results_recompute_apply(actor=province_admin, competition=c, fingerprint=preview["fingerprint"])
    assert Result.objects.get(entry=s.entries[1]).rank == 2
    assert AuditEntry.objects.filter(action="competitions.results.recomputed").exists()


def test_publication_produces_default_recommendations_with_reasons(world):
    s = helpers.build(world, n=3)
    s.members[0].skill_grade = ""
    helpers.publish(world, s, PLAN, [90, 60, 70])
    recs = Recommendation.objects.filter(entry=s.entries[0]).order_by("kind")
    # place 1 without a grade: 技师 promotion, 全国技术能手, 五一劳动奖章
    assert sorted((r.kind, r.detail) for r in recs) == [
        ("grade", SkillGrade.TECHNICIAN),
        ("honour", "全国五一劳动奖章"),
        ("title", "全国技术能手"),
    ]
    assert all(r.status == RecommendationStatus.PENDING and r.reason for r in recs)
    reason = recs.get(kind="grade").reason
    assert "Place 1" in reason or "第 1 名" in reason


def test_accepting_a_grade_recommendation_changes_the_grade_through_members(
    world, province_admin, sibling_admin
):
    s = helpers.build(world, n=3)
    helpers.publish(world, s, PLAN, [90, 60, 70])
    rec = Recommendation.objects.get(entry=s.entries[0], kind="grade")
    member = rec.member
    assert member.skill_grade == ""
    with pytest.raises(Http404):
        results.recommendation_accept(actor=sibling_admin, recommendation=rec)
    results.recommendation_accept(actor=province_admin, recommendation=rec)
    member.refresh_from_db()
    assert member.skill_grade == SkillGrade.TECHNICIAN
    assert AuditEntry.objects.filter(action="members.member.updated", object_id=str(member.pk)).exists()
    honour = Recommendation.objects.get(entry=s.entries[0], kind="honour")
    with pytest.raises(ValidationError) as exc:
        results.recommendation_decline(actor=province_admin, recommendation=honour, reason="")
    assert _code(exc) == "required"
    results.recommendation_decline(actor=province_admin, recommendation=honour, reason="名额已满")
    honour.refresh_from_db()
    assert honour.status == RecommendationStatus.DECLINED


def test_accepting_a_technical_expert_title_records_the_honour(world, province_admin):
    from gonghui.honours.models import Honour

    s = helpers.build(world, n=3)
    c = helpers.publish(world, s, PLAN, [90, 60, 70])
    rec = Recommendation.objects.get(entry=s.entries[0], kind="title")
    assert not Honour.objects.filter(member=rec.member).exists()
    results.recommendation_accept(actor=province_admin, recommendation=rec)
    honour = Honour.objects.get(member=rec.member)
    assert (honour.kind, honour.level, honour.year) == (
        "technical_expert",
        "national",
        c.results_published_at.year,
    )
    assert honour.source_id == str(rec.pk) and honour.organisation_id == rec.member.organisation_id
    assert AuditEntry.objects.filter(action="honours.honour.granted").count() == 1
    # the honours registry refuses the same honour twice: nothing is accepted twice either
    with pytest.raises(ValidationError):
        results.recommendation_accept(actor=province_admin, recommendation=rec)
    assert Honour.objects.filter(member=rec.member).count() == 1


def test_appeals_within_the_window_decided_by_a_supervisor(
    world, sibling_city_admin, city_admin, province_admin
):
    s = helpers.build(world, n=3)
    c = helpers.publish(world, s, PLAN, [90, 60, 70])
    entry = s.entries[1]  # baoji_factory member
    with pytest.raises(PermissionDenied):
        results.appeal_file(actor=city_admin, entry=entry, reason="评分有误，请复核")
    late = c.results_published_at + datetime.timedelta(hours=2, minutes=1)
    with pytest.raises(ValidationError) as exc:
        results.appeal_file(actor=sibling_city_admin, entry=entry, reason="评分有误，请复核", now=late)
    assert _code(exc) == "appeal_late"
    appeal = results.appeal_file(actor=sibling_city_admin, entry=entry, reason="评分有误，请复核")
    supervisor = helpers.make_user_with_role(world, "sup", "shaanxi", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        results.appeal_decide(actor=province_admin, appeal=appeal, upheld=False, reason="x")
    with pytest.raises(ValidationError) as exc:
        results.appeal_decide(actor=supervisor, appeal=appeal, upheld=False, reason="")
    assert _code(exc) == "required"
    decided = results.appeal_decide(actor=supervisor, appeal=appeal, upheld=False, reason="复核无误")
    assert decided.status == AppealStatus.REJECTED
    with pytest.raises(ValidationError) as exc:
        results.appeal_decide(actor=supervisor, appeal=appeal, upheld=True, reason="")
    assert (_field(exc), _code(exc)) == ("status", "already_decided")
    decided.refresh_from_db()
    assert decided.status == AppealStatus.REJECTED


def test_advancing_registers_the_top_places_of_the_previous_stage(world, national_admin):
    s = helpers.build(world, n=3)
    helpers.publish(world, s, PLAN, [90, 60, 70])
    final = helpers.final_stage(world, s, advance_count=2)
    created = registration.competition_advance(actor=national_admin, competition=final)
    assert [e.name for e in created] == [s.entries[0].name, s.entries[2].name]
    assert registration.competition_advance(actor=national_admin, competition=final) == []
