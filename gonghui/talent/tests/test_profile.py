"""The talent profile from real rows: sources from every app, the API's shape, scoping
(sibling branches get 404), a member's own profile, bounded queries, the pages."""

from decimal import Decimal

import pytest
from django.test import Client

from gonghui.talent import selectors
from gonghui.talent.tests import builders
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db
D = Decimal


def url(member) -> str:
    return f"/api/v1/talent/members/{member.pk}"


@pytest.fixture
def worker(world, city_admin):
    """张伟 (西安): a provincial model worker, on a pioneer team, two adopted ideas (one
    implemented), leads a studio with a patent and a saving, a provincial result (place 2)
    and a team result (city, place 5), technician."""
    from gonghui.members.services import members as member_services

    w = world.members["xian_worker"]
    w = member_services.member_update(actor=city_admin, member=w, skill_grade="technician")
    other = world.members["baoji_worker"]
    builders.honour(w, world.orgs["xian"], kind="model_worker", level="provincial", year=2020)
    builders.team_honour([w, other], world.orgs["xian"], level="city")
    builders.adopted_idea(w, kind="invention", implemented=True, benefit="125000")
    builders.adopted_idea(w, kind="suggestion", benefit="0")
    builders.adopted_idea(w, kind="design", removed=True)  # removed: does not count
    builders.studio(w, team=[other], achievements=[("patent", "0"), ("saving", "80000")])
    builders.result(builders.competition(world.orgs["shaanxi"]), [w], rank=2, standardised="745.3")
    city = builders.competition(world.orgs["xian"], stage="city", title="西安市焊工团体赛")
    builders.result(city, [w, other], rank=5, standardised="720", team=True)
    unpublished = builders.competition(world.orgs["shaanxi"], published=False, title="未公布")
    builders.result(unpublished, [w], rank=1, standardised="800")
    return w


def test_profile_gathers_every_source(world, worker):
    p = selectors.profile_for(worker)
    inn = p.dimension("innovation")
    # implemented invention 12 × 1.5 = 18; suggestion 5; patent 15 (the saving counts no innovation)
    assert sorted((c.source.source, c.points) for c in inn.components) == [
        ("achievement", D("15.00")),
        ("idea", D("5.00")),
        ("idea", D("18.00")),
    ]
    assert inn.score == D("38.00")
    quality = p.dimension("quality")
    # (10 + 4.53 + 20) × 1.2 = 41.44; team, city: (10 + 2 + 10) × 1.0 = 22; unpublished ignored
    assert sorted(c.points for c in quality.components) == [D("22.00"), D("41.44")]
    eff = p.dimension("effectiveness")
    # benefit 125,000 → 12.5; savings 80,000 → 8; technician 5 × 5 = 25
    assert sorted(c.points for c in eff.components) == [D("8.00"), D("12.50"), D("25.00")]
    contrib = p.dimension("contribution")
    # provincial model worker 25; city team honour 15 × 0.5 = 7.5; studio lead 15
    assert sorted((c.source.source, c.points) for c in contrib.components) == [
        ("honour", D("7.50")),
        ("honour", D("25.00")),
        ("studio", D("15.00")),
    ]
    assert p.total == D("48.61")  # (38 + 63.44 + 45.5 + 47.5) / 4


def test_team_member_gets_team_honour_and_studio_team_role(world, worker):
    other = world.members["baoji_worker"]
    p = selectors.profile_for(other)
    contrib = p.dimension("contribution")
    assert sorted((c.source.source, c.source.kind, c.points) for c in contrib.components) == [
        ("honour", "pioneer_team", D("7.50")),
        ("studio", "member", D("5.00")),
    ]
    # the studio's patent counts in the team member's innovation too
    assert [c.points for c in p.dimension("innovation").components] == [D("15.00")]
    assert [c.points for c in p.dimension("quality").components] == [D("22.00")]


def test_a_delisted_studio_counts_nothing(world):
    w = world.members["xian_worker"]
    builders.studio(w, status="delisted", achievements=[("patent", "500000")])
    p = selectors.profile_for(w)
    assert all(dim.components == [] for dim in p.dimensions)


# ---- API ------------------------------------------------------------------------------------


def test_api_shape(world, worker):
    body = client_for("xian").get(url(worker), HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["member"] == {"id": str(worker.pk), "name": "张伟"}
    assert [d["key"] for d in body["dimensions"]] == [
        "innovation",
        "quality",
        "effectiveness",
        "contribution",
    ]
    assert body["total"] == "48.61"
    quality = body["dimensions"][1]
    assert quality["score"] == "63.44" and quality["label"] == "Quality"
    c = next(c for c in quality["components"] if c["kind"] == "provincial")
    assert set(c) == {"source", "kind", "id", "title", "date", "link", "points", "detail"}
    assert c["source"] == "result" and c["points"] == "41.44"
    assert c["link"].startswith("/competitions/") and c["title"].startswith("焊工技能竞赛")
    assert "place 2: +20" in c["detail"]
    honour = next(c for c in body["dimensions"][3]["components"] if c["kind"] == "model_worker")
    assert honour["date"] == "2020" and honour["link"] == f"/honours/{honour['id']}/"


def test_api_empty_profile(world):
    body = client_for("xian").get(url(world.members["xian_worker"])).json()
    assert body["total"] == "0.00"
    assert all(d["score"] == "0.00" and d["components"] == [] for d in body["dimensions"])


@pytest.mark.parametrize("username", ["baoji", "gansu"])
def test_sibling_branch_admins_get_404(world, worker, username):
    r = client_for(username).get(url(worker))
    assert r.status_code == 404
    assert r.json()["code"] and "张伟" not in r.content.decode()


def test_missing_and_malformed_member_ids_are_404(world):
    c = client_for("xian")
    assert c.get("/api/v1/talent/members/0192f0b4-0000-7000-8000-000000000000").status_code == 404
    assert c.get("/api/v1/talent/members/not-a-uuid").status_code == 404


def test_anonymous_is_401(world, worker):
    assert Client().get(url(worker)).status_code == 401


def test_upper_levels_read_it(world, worker):
    for username in ("shaanxi", "national", "xian_viewer", "operator"):
        assert client_for(username).get(url(worker)).status_code == 200, username


def test_a_member_reads_their_own_profile_only(world, worker):
    c = client_for("member")  # 张伟's login
    assert c.get(url(worker)).json()["total"] == "48.61"
    assert c.get(url(world.members["baoji_worker"])).status_code == 404
    assert c.get(url(world.members["gansu_worker"])).status_code == 404


def test_query_count_does_not_grow_with_the_data(world, worker, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for("xian")
    c.get("/")  # the session's first request records its sign-in time (session lifetime)
    with CaptureQueriesContext(connection) as small:
        assert c.get(url(worker)).status_code == 200
    for n in range(5):
        builders.adopted_idea(worker, kind="creation", benefit="1000")
        builders.honour(worker, world.orgs["xian"], kind="advanced_worker", level="city", year=2000 + n)
        builders.studio(worker, achievements=[("method", "0"), ("standard", "10")])
        comp = builders.competition(world.orgs["xian"], stage="city", title=f"赛{n}")
        builders.result(comp, [worker], rank=n + 1, standardised="710")
    with CaptureQueriesContext(connection) as large:
        assert c.get(url(worker)).status_code == 200
    assert len(large) == len(small)
    with django_assert_max_num_queries(16):
        c.get(url(worker))


# ---- pages ----------------------------------------------------------------------------------


def test_officer_page_lists_components_with_links(world, worker):
    r = client_for("xian").get(f"/talent/members/{worker.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "张伟" in html and 'id="dim-quality"' in html and "48.61" in html
    assert "/honours/" in html and "/innovation/studios/" in html and "/competitions/" in html
    assert "width: 63%" in html  # the quality bar


@pytest.mark.parametrize("username", ["baoji", "gansu"])
def test_officer_page_is_404_for_siblings(world, worker, username):
    assert client_for(username).get(f"/talent/members/{worker.pk}/").status_code == 404


def test_officer_page_needs_an_officer(world, worker):
    assert Client().get(f"/talent/members/{worker.pk}/").status_code == 302
    assert client_for("member").get(f"/talent/members/{worker.pk}/").status_code == 403


def test_my_profile_page(world, worker):
    r = client_for("member").get("/talent/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    html = r.content.decode()
    assert "My talent profile" in html and "48.61" in html
    assert "/innovation/ideas/" in html and "/competitions/" in html
    assert "/honours/" not in html and f"/members/{worker.pk}/" not in html  # officers' pages are not linked


def test_my_profile_page_without_a_member_record_is_404(world):
    assert client_for("xian").get("/talent/me/").status_code == 404
    assert Client().get("/talent/me/").status_code == 302
