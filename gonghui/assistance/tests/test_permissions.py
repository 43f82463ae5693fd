"""Who may do what with a hardship file (assistance.permissions): the owning union (西安某机械厂,
under 雁塔), its upper union (雁塔, reached by 西安 and 陕西), the head themself; a sibling
branch (宝鸡, 甘肃) does not see the file at all (404), a role that only reads it is refused (403)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gonghui.assistance import permissions
from gonghui.assistance.services import households
from gonghui.assistance.tests.conftest import OPEN
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(world, city_officer, dibao):
    return households.household_open(actor=city_officer, head=world.members["xian_worker"], **OPEN)


@pytest.fixture
def factory_admin(world):
    """An admin of the owning (grassroots) union only."""
    user = make_user("factory_admin")
    org_services.role_assign(actor=None, user=user, organisation=world.orgs["xian_factory"], role=Role.ADMIN)
    return user


def outcome(check, user, obj) -> str:
    try:
        check(user, obj)
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "ok"


def test_the_upper_union_is_the_owning_unions_parent(world, household):
    assert permissions.upper_union(household) == world.orgs["yanta"]
    assert permissions.upper_union(household).contains(household.organisation)


def test_the_head_sees_their_own_file_and_a_sibling_admin_does_not(
    household, member_user, city_viewer, sibling_city_admin, sibling_admin
):
    assert permissions.is_head(member_user, household.head)
    assert not permissions.is_head(city_viewer, household.head)
    assert permissions.can_view(member_user, household) and permissions.can_view(city_viewer, household)
    assert not permissions.can_view(sibling_city_admin, household)
    assert not permissions.can_view(sibling_admin, household)
    assert outcome(permissions.require_read_documents, city_viewer, household) == "ok"
    assert outcome(permissions.require_read_documents, sibling_city_admin, household) == "404"
    # the head follows the file on their own page, which shows no documents
    assert outcome(permissions.require_read_documents, member_user, household) == "404"


# check, its yes/no for the pages (None: none), persona → what the check answers on 张伟's file.
ON_THE_FILE = {
    "manage": (
        permissions.require_manage,
        permissions.can_manage,
        {
            "factory_admin": "ok",
            "city_officer": "ok",
            "city_viewer": "403",
            "member_user": "404",
            "sibling_city_admin": "404",
            "sibling_admin": "404",
        },
    ),
    "upper review": (
        permissions.require_upper_review,
        permissions.can_upper_review,
        {
            "city_officer": "ok",
            "province_admin": "ok",
            "factory_admin": "403",  # the owning union does not approve its own file
            "city_viewer": "403",
            "sibling_city_admin": "404",
            "sibling_admin": "404",
        },
    ),
    "reveal the bank card": (
        permissions.require_reveal_card,
        permissions.can_reveal_card,
        {"city_admin": "ok", "city_officer": "403", "sibling_city_admin": "404", "sibling_admin": "404"},
    ),
    "reopen": (
        permissions.require_reopen,
        None,
        {
            "member_user": "ok",  # the head applies again
            "city_admin": "ok",
            "city_viewer": "403",
            "sibling_city_admin": "404",
            "sibling_admin": "404",
        },
    ),
}


@pytest.mark.parametrize(
    ("step", "persona", "expected"),
    [
        (step, persona, expected)
        for step, (*_, table) in ON_THE_FILE.items()
        for persona, expected in table.items()
    ],
)
def test_who_may_take_each_step_on_a_file(request, household, step, persona, expected):
    require, can, _table = ON_THE_FILE[step]
    user = request.getfixturevalue(persona)
    assert outcome(require, user, household) == expected
    if can is not None:
        assert can(user, household) == (expected == "ok")


@pytest.mark.parametrize(
    ("persona", "head", "expected"),
    [
        ("member_user", "xian_worker", "ok"),  # their own household
        ("city_officer", "xian_worker", "ok"),
        ("city_viewer", "xian_worker", "403"),
        ("member_user", "baoji_worker", "404"),
        ("sibling_city_admin", "xian_worker", "404"),
        ("sibling_admin", "xian_worker", "404"),
    ],
)
def test_who_may_open_a_file(request, world, persona, head, expected):
    user = request.getfixturevalue(persona)
    assert outcome(permissions.require_open, user, world.members[head]) == expected


@pytest.mark.parametrize(
    ("persona", "division", "expected"),
    [
        ("province_admin", "610113", "ok"),
        ("city_admin", "610113", "ok"),
        ("national_admin", "620102", "ok"),  # a national union covers every division
        ("city_officer", "610113", "403"),  # not an admin
        ("sibling_city_admin", "610113", "403"),  # the table is public: 403, not 404
        ("sibling_admin", "610113", "403"),
    ],
)
def test_who_may_set_the_dibao_of_a_division(request, persona, division, expected):
    user = request.getfixturevalue(persona)
    assert outcome(permissions.require_set_dibao, user, division) == expected
    assert permissions.can_set_dibao(user, division) == (expected == "ok")
