"""route(territory=True): for rights requests the union where the work happens is responsible
(属地管理); the employer's union only when it lies in the work site's territory. Enrolment
keeps routing to the employer's union wherever it is."""

import pytest

from gonghui.members.services.enrolment import route
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Kind

pytestmark = pytest.mark.django_db


def test_employer_union_elsewhere_is_bypassed_for_the_work_site(world):
    # 兰州某石化厂's union is in Gansu; the work happens in 西安雁塔区.
    org, basis = route(employer="兰州某石化厂", work_division="610113", territory=True)
    assert org == world.orgs["yanta_joint"] and basis == "territorial"
    # no joint union in 碑林区 (610103): up to the city federation of Xi'an
    org, basis = route(employer="兰州某石化厂", work_division="610103", territory=True)
    assert org == world.orgs["xian"] and basis == "territorial"


def test_employer_union_in_the_work_site_territory_is_kept(world):
    org, basis = route(employer="西安某机械厂", work_division="610113", territory=True)
    assert org == world.orgs["xian_factory"] and basis == "employer"
    # same city, another district: still the employer's union (same city before province)
    org, basis = route(employer="西安某机械厂", work_division="610103", territory=True)
    assert org == world.orgs["xian_factory"] and basis == "employer"
    # same province, another city (宝鸡): same province is enough
    org, basis = route(employer="西安某机械厂", work_division="610302", territory=True)
    assert org == world.orgs["xian_factory"] and basis == "employer"


def test_same_county_beats_same_city_among_employer_unions(world):
    # The employer has a union in 雁塔区 (xian_factory) and one in 碑林区: work in 碑林 → 碑林's.
    beilin = org_services.organisation_create(
        actor=None,
        parent=world.orgs["xian"],
        kind=Kind.GRASSROOTS,
        code="XA-0009",
        name="西安某机械厂碑林分厂工会",
        division_code="610103",
        host_name="西安某机械厂",
    )
    org, basis = route(employer="西安某机械厂", work_division="610103", territory=True)
    assert org == beilin and basis == "employer"
    org, basis = route(employer="西安某机械厂", work_division="610113", territory=True)
    assert org == world.orgs["xian_factory"] and basis == "employer"


def test_enrolment_routing_is_unchanged(world):
    # Joining: your employer's union wherever it is.
    org, basis = route(employer="兰州某石化厂", work_division="610113")
    assert org == world.orgs["lanzhou_factory"] and basis == "employer"
    org, basis = route(employer="某快递站点", work_division="610113")
    assert org == world.orgs["yanta_joint"] and basis == "territorial"
