"""属地管理: a request goes to the union where the work happens; the employer's union only
when it is in that territory. The basis is recorded and shown."""

import pytest
from django.test import Client

from gonghui.rights.services import requests as svc
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def file(**kw):
    data = dict(
        actor=None,
        channel="app",
        category="complaint",
        description="加班费未发放",
        work_division="610113",
        name="王强",
        phone="13800001111",
    )
    data.update(kw)
    return svc.request_file(**data)


def test_employer_union_in_another_province_is_not_responsible(world):
    r = file(employer="兰州某石化厂")  # union in Gansu, work in 西安雁塔区
    assert r.organisation == world.orgs["yanta_joint"] and r.routed_by == "territorial"
    arrears = file(
        employer="兰州某石化厂", category="wage_arrears", amount_owed="8000.00", project="雁塔某工地"
    )
    assert arrears.organisation == world.orgs["yanta_joint"] and arrears.routed_by == "territorial"


def test_employer_union_in_the_work_site_territory_keeps_it(world):
    r = file(employer="西安某机械厂")
    assert r.organisation == world.orgs["xian_factory"] and r.routed_by == "employer"


def test_basis_is_shown_to_the_worker_and_the_officer(world):
    r = file(employer="兰州某石化厂")
    page = Client().get(f"/rights/r/{r.pk}/").content.decode()
    assert 'id="routed-by" data-basis="territorial"' in page and "工作地工会" in page
    officer = client_for("xian")
    detail = officer.get(f"/rights/requests/{r.pk}/").content.decode()
    assert 'id="routed-by" data-basis="territorial"' in detail and "工作地工会" in detail
    own = file(employer="西安某机械厂", phone="13800002222")
    page = Client().get(f"/rights/r/{own.pk}/").content.decode()
    assert 'id="routed-by" data-basis="employer"' in page and "所在单位工会" in page
