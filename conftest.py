"""Persona fixtures over a small tree (docs/dev/architecture.md): national admin, province A admin (陕西), the
sibling province B admin (甘肃), the city admin (西安) and the sibling city admin (宝鸡), a city
officer and a city viewer, a member with a login. Each fixture is the user; for a signed-in
client use ``gonghui.testing.client_for(user)`` (a session) or ``api_for(user)`` (a bearer
token). The anonymous persona is pytest-django's ``client`` (``en_client`` in English), or
``client_for(None)``."""

import pytest

from gonghui.testing import build_world, client_for, reset_serials


@pytest.fixture(autouse=True)
def _fresh_serials():
    reset_serials()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def national_admin(world):
    """Admin of 中华全国总工会: sees every union."""
    return world.users["national"]


@pytest.fixture
def province_admin(world):
    """Admin of 陕西省总工会 (province A): sees 西安, 宝鸡 and everything below them."""
    return world.users["shaanxi"]


@pytest.fixture
def sibling_admin(world):
    """Admin of the sibling province 甘肃: must see nothing of province A."""
    return world.users["gansu"]


@pytest.fixture
def city_admin(world):
    """Admin of 西安市总工会, whose objects most tests make and most guards protect."""
    return world.users["xian"]


@pytest.fixture
def sibling_city_admin(world):
    """Admin of 宝鸡市总工会, the sibling city in the same province: must see nothing of 西安."""
    return world.users["baoji"]


@pytest.fixture
def city_officer(world):
    """Officer (not admin) of 西安市总工会."""
    return world.users["xian_officer"]


@pytest.fixture
def city_viewer(world):
    """Viewer of 西安市总工会: sees its data, may change nothing (403 on every action)."""
    return world.users["xian_viewer"]


@pytest.fixture
def member_user(world):
    """The login of 张伟, a member of 西安某机械厂's union, with no officer role."""
    return world.users["member"]


@pytest.fixture
def en_client(db):
    """An anonymous browser asking for English (the msgids), for asserting messages."""
    return client_for(None, language="en")


@pytest.fixture
def xian(world):
    """Every app's 西安 objects for the URL walk, each built by the app's ``tests/walk.py``:
    {URL parameter: value} (see gonghui/tests/urlwalk.py)."""
    from gonghui.tests import urlwalk

    return urlwalk.xian_objects(world)
