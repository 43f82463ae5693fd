"""Persona fixtures over a small tree (STYLE.md): national admin, province A admin, the
sibling province B admin, a city officer, a member with a login, and anonymous."""

import pytest

from gonghui.testing import build_world, reset_serials


@pytest.fixture(autouse=True)
def _fresh_serials():
    reset_serials()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def national_admin(world):
    return world.users["national"]


@pytest.fixture
def province_admin(world):
    return world.users["shaanxi"]


@pytest.fixture
def sibling_admin(world):
    """Admin of the sibling province: must see nothing of province A."""
    return world.users["gansu"]


@pytest.fixture
def city_officer(world):
    return world.users["xian_officer"]


@pytest.fixture
def member_user(world):
    return world.users["member"]
