"""The rights of permissions.py, each with the sibling-branch admins (甘肃 for a Shaanxi
competition, 宝鸡 for a 西安 one) and the 403/404 rule: 404 when the competition is not
visible at all, 403 when it is but the user may not do this."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.competitions import permissions, selectors
from gonghui.competitions.models import Competition
from gonghui.competitions.services import assignments, marking, registration, results, setup
from gonghui.competitions.tests import helpers
from gonghui.competitions.tests.test_services import PLAN
from gonghui.organisations.choices import Role

pytestmark = pytest.mark.django_db


def _code(exc) -> str:
    return next(iter(exc.value.error_dict.values()))[0].code


def _answer(require, user, *args) -> int:
    """The status ``require(user, *args)`` gives: 200 when it passes, else 403 or 404."""
    try:
        require(user, *args)
    except PermissionDenied:
        return 403
    except Http404:
        return 404
    return 200


@pytest.fixture
def provincial(world):
    """A Shaanxi competition in registration: 选手一 of the 西安 factory, 选手二 of the 宝鸡
    factory; judges j1 (both sections), j2 and j3 (the judgement section)."""
    return helpers.build(world, n=2)


def test_who_sees_a_competition(world, provincial, province_admin, city_admin, sibling_admin, member_user):
    c = provincial.competition
    outsider = helpers.make_user_with_role(world, "outsider", "shaanxi", Role.JUDGE)
    seen = {
        "the organiser": permissions.can_see(province_admin, c),
        "a union inside": permissions.can_see(city_admin, c),
        "a member below": permissions.can_see(member_user, c),
        "its judge": permissions.can_see(provincial.judges[0], c),
        "another judge": permissions.can_see(outsider, c),
        "the sibling province": permissions.can_see(sibling_admin, c),
        "anonymous": permissions.can_see(AnonymousUser(), c),
    }
    assert seen == {
        "the organiser": True,
        "a union inside": True,
        "a member below": True,
        "its judge": True,
        "another judge": False,
        "the sibling province": False,
        "anonymous": False,
    }
    # the one-object check and the list's Q agree
    for user in (
        province_admin,
        city_admin,
        member_user,
        provincial.judges[0],
        outsider,
        sibling_admin,
    ):
        listed = Competition.objects.filter(permissions.visible_q(user), pk=c.pk).exists()
        assert listed == permissions.can_see(user, c), user
    with pytest.raises(Http404):
        permissions.require(sibling_admin, c)


def test_a_city_competition_is_invisible_to_the_sibling_city(world, sibling_city_admin, city_admin):
    s = helpers.build(world, organiser="xian", n=0, judges=False)
    assert permissions.can_see(city_admin, s.competition)
    assert not permissions.can_see(sibling_city_admin, s.competition)
    with pytest.raises(Http404):
        permissions.require_manage(sibling_city_admin, s.competition)


def test_managing_is_403_for_who_sees_and_404_for_the_sibling(
    world, provincial, province_admin, city_admin, sibling_admin
):
    c = provincial.competition
    assert permissions.can_manage(province_admin, c) and not permissions.can_manage(city_admin, c)
    permissions.require_manage(province_admin, c)
    assert _answer(permissions.require_manage, city_admin, c) == 403
    assert _answer(permissions.require_manage, sibling_admin, c) == 404


def test_creating_needs_managing_the_organiser(world, province_admin, city_viewer, sibling_admin):
    permissions.require_create(province_admin, world.orgs["shaanxi"])
    assert _answer(permissions.require_create, city_viewer, world.orgs["xian"]) == 403
    assert _answer(permissions.require_create, sibling_admin, world.orgs["shaanxi"]) == 404


def test_the_officer_page_is_for_who_covers_the_organiser(
    provincial, province_admin, city_admin, member_user
):
    c = provincial.competition
    assert permissions.can_view_details(province_admin, c)
    assert not permissions.can_view_details(city_admin, c)
    assert not permissions.can_view_details(member_user, c)


def test_a_union_registers_its_own_members_only(world, provincial, city_admin, sibling_admin):
    c = provincial.competition
    xian_worker, baoji_worker = world.members["xian_worker"], world.members["baoji_worker"]
    assert permissions.can_register(city_admin, c, [xian_worker])
    assert not permissions.can_register(city_admin, c, [xian_worker, baoji_worker])
    assert not permissions.can_register(city_admin, c, [])
    permissions.require_register(city_admin, c, [xian_worker])
    assert _answer(permissions.require_register, city_admin, c, [baoji_worker]) == 403
    assert _answer(permissions.require_register, sibling_admin, c, [world.members["gansu_worker"]]) == 404


def test_who_may_mark_a_sheet(world, provincial, province_admin):
    s = provincial
    helpers.start_marking(world, s)
    measured, judged = helpers.sheet(s, s.entries[0], 0), helpers.sheet(s, s.entries[0], 1)
    j1, j2 = s.judges[0], s.judges[1]
    assert permissions.can_mark(j1, measured) and permissions.can_mark(j2, judged)
    assert not permissions.can_mark(j2, measured)  # not assigned to that section
    assert not permissions.can_mark(province_admin, measured)  # managers correct, they do not mark
    assert not permissions.can_mark(AnonymousUser(), measured)
    # j2 stood down for this competitor; j3's place taken by the substitute
    substitute = helpers.make_judge(world, "sub")
    assignments.judge_substitute(
        actor=province_admin,
        entry=s.entries[0],
        section=s.sections[1],
        conflicted_judge=j2,
        substitute=substitute,
        reason="与选手同一班组",
    )
    assert not permissions.can_mark(j2, judged)
    assert permissions.can_mark(substitute, judged)
    assert not permissions.can_mark(substitute, helpers.sheet(s, s.entries[1], 1))


def test_editing_a_sheet_is_for_its_judges_and_managers(
    world, provincial, province_admin, city_admin, sibling_admin
):
    s = provincial
    helpers.start_marking(world, s)
    sheet = helpers.sheet(s, s.entries[0], 0)
    assert permissions.can_edit_sheet(s.judges[0], sheet)
    assert permissions.can_edit_sheet(province_admin, sheet)
    assert _answer(permissions.require_edit_sheet, s.judges[0], sheet) == 200
    # j2 judges the competition (so sees it) but not this section
    assert _answer(permissions.require_edit_sheet, s.judges[1], sheet) == 403
    assert _answer(permissions.require_edit_sheet, city_admin, sheet) == 403
    assert _answer(permissions.require_edit_sheet, sibling_admin, sheet) == 404
    with pytest.raises(Http404):
        marking.sheet_sign_off(actor=sibling_admin, sheet=sheet)


def test_results_are_verified_by_someone_else(
    world, provincial, province_admin, national_admin, city_admin, sibling_admin
):
    s = provincial
    helpers.start_marking(world, s)
    helpers.mark_all(world, s, PLAN)
    helpers.theory_all(world, s, [90, 60])
    c = setup.competition_advance_status(actor=province_admin, competition=s.competition)
    results.results_compute(actor=province_admin, competition=c)
    c.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        permissions.require_verify_results(province_admin, c)
    assert _code(exc) == "same_person"
    permissions.require_verify_results(national_admin, c)
    assert _answer(permissions.require_verify_results, city_admin, c) == 403
    assert _answer(permissions.require_verify_results, sibling_admin, c) == 404


def test_draft_results_are_the_managers_published_ones_everyones(
    world, provincial, province_admin, city_admin
):
    c = provincial.competition
    assert permissions.can_see_results(province_admin, c)
    assert not permissions.can_see_results(city_admin, c)
    helpers.publish(world, provincial, PLAN, [90, 60])
    provincial.competition.refresh_from_db()
    assert permissions.can_see_results(city_admin, provincial.competition)


def test_a_correction_is_decided_by_a_second_manager(
    world, provincial, province_admin, national_admin, city_viewer, sibling_admin
):
    s = provincial
    helpers.start_marking(world, s)
    helpers.mark_all(world, s)
    correction = marking.correction_request(
        actor=province_admin,
        sheet=helpers.sheet(s, s.entries[0], 0),
        aspect=helpers.aspect(s, "A1"),
        new_value=0,
        reason="复检发现焊缝有裂纹",
    )
    correction = selectors.correction_or_404(national_admin, correction.pk)
    for require in (permissions.require_approve_correction, permissions.require_reject_correction):
        with pytest.raises(ValidationError) as exc:
            require(province_admin, correction)
        assert _code(exc) == "same_person"
        require(national_admin, correction)
        assert _answer(require, city_viewer, correction) == 403
        assert _answer(require, sibling_admin, correction) == 404


def test_appeals_are_decided_by_the_supervisors_only(world, provincial, province_admin, sibling_admin):
    c = provincial.competition
    supervisor = helpers.make_user_with_role(world, "sup", "shaanxi", Role.SUPERVISOR)
    assert permissions.can_supervise(supervisor, c) and not permissions.can_supervise(province_admin, c)
    permissions.require_supervise(supervisor, c)
    assert _answer(permissions.require_supervise, province_admin, c) == 403
    assert _answer(permissions.require_supervise, sibling_admin, c) == 404


def test_the_competitor_or_their_union_appeals(
    world, city_admin, sibling_city_admin, sibling_admin, member_user
):
    s = helpers.build(world, n=1, judges=False)
    own = registration.entry_register(
        actor=city_admin, competition=s.competition, members=[world.members["xian_worker"]]
    )
    assert permissions.can_appeal(member_user, own)  # 张伟 is the competitor
    assert permissions.can_appeal(city_admin, own)  # manages 西安's members
    assert not permissions.can_appeal(sibling_city_admin, own)
    # 宝鸡 sees the provincial competition, 甘肃 does not
    assert _answer(permissions.require_appeal, sibling_city_admin, own) == 403
    assert _answer(permissions.require_appeal, sibling_admin, own) == 404


def test_only_a_manager_of_the_members_union_promotes(world, province_admin, sibling_admin):
    member = world.members["xian_worker"]
    assert _answer(permissions.require_promote, province_admin, member) == 200
    assert _answer(permissions.require_promote, sibling_admin, member) == 403


def test_a_login_without_a_member_record_has_none(world, provincial, province_admin, member_user):
    assert permissions.member_of(AnonymousUser()) is None
    assert permissions.member_of(province_admin) is None
    assert permissions.member_of(member_user) == world.members["xian_worker"]
    assert permissions.is_judge(provincial.judges[0], provincial.competition)
    assert not permissions.is_judge(province_admin, provincial.competition)
    assert not permissions.is_judge(AnonymousUser(), provincial.competition)
