"""GET /api/v1/competitions…: shapes, scope (sibling 404), results visibility; POST marks:
bad input answers 4xx with the field named and writes nothing."""

import pytest
from django.test import Client

from gonghui.competitions.models import Mark, Section
from gonghui.competitions.services import scheme, setup
from gonghui.competitions.tests import helpers
from gonghui.core.models import AuditEntry
from gonghui.testing import api_for, client_for

pytestmark = pytest.mark.django_db


def test_list_is_scoped_with_items_and_count(world):
    s = helpers.build(world, organiser="xian", n=0, judges=False)
    for username, expected in [("xian", 1), ("shaanxi", 1), ("national", 1), ("baoji", 0), ("gansu", 0)]:
        data = api_for(username).get("/api/v1/competitions").json()
        assert data["count"] == expected, username
        assert len(data["items"]) == expected
    item = api_for("xian").get("/api/v1/competitions").json()["items"][0]
    assert item["id"] == str(s.competition.pk)
    assert item["organisation"] == {"code": "610100", "name": "西安市总工会"}
    assert item["occupation"] == "焊工" and item["status"] == "registration"


def test_a_city_union_sees_the_provincial_competition_but_not_the_siblings(world):
    s = helpers.build(world, n=0, judges=False)
    assert api_for("xian").get(f"/api/v1/competitions/{s.competition.pk}").status_code == 200
    r = api_for("gansu").get(f"/api/v1/competitions/{s.competition.pk}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert api_for("gansu").get(f"/api/v1/competitions/{s.competition.pk}/results").status_code == 404
    assert api_for("gansu").get("/api/v1/competitions/not-a-uuid").status_code == 404


def test_detail_shape(world):
    s = helpers.build(world, n=2, judges=False)
    data = api_for("shaanxi").get(f"/api/v1/competitions/{s.competition.pk}").json()
    assert data["theory_weight"] == "0.300"
    assert data["entries"] == 2
    assert data["sections"] == [
        {"name": "试件焊接", "weight": "0.6000"},
        {"name": "工艺与安全", "weight": "0.4000"},
    ]


def test_results_shape_and_visibility(world, province_admin, national_admin):
    from gonghui.competitions.tests.test_services import PLAN

    s = helpers.build(world, n=3)
    helpers.start_marking(world, s)
    helpers.mark_all(world, s, PLAN)
    helpers.theory_all(world, s, [90, 60, 70])
    c = setup.competition_advance_status(actor=province_admin, competition=s.competition)
    from gonghui.competitions.services import results

    results.results_compute(actor=province_admin, competition=c)
    url = f"/api/v1/competitions/{c.pk}/results"
    assert api_for("xian").get(url).json() == {"items": []}  # draft: managers only
    assert len(api_for("shaanxi").get(url).json()["items"]) == 3
    c.refresh_from_db()
    results.results_verify(actor=national_admin, competition=c)
    results.results_publish(actor=national_admin, competition=c)
    items = api_for("xian").get(url).json()["items"]
    assert [i["rank"] for i in items] == [1, 2, 3]
    first = items[0]
    assert set(first) == {
        "entry",
        "name",
        "raw_total",
        "rank",
        "standardised",
        "meets_standard",
        "recommendations",
    }
    assert first["entry"] == str(s.entries[0].pk)
    assert first["raw_total"] == "97.00"
    assert items[1]["raw_total"] == "67.67" and items[1]["standardised"] == "700.00"
    assert items[2]["raw_total"] == "48.18" and items[2]["meets_standard"] is False
    assert {"kind": "title", "detail": "全国技术能手"} in first["recommendations"]
    assert set(first["recommendations"][0]) == {"kind", "detail"}
    # the competitor themself (a member login) sees the published results
    member_view = api_for("member").get(url)
    assert member_view.status_code == 200


@pytest.fixture
def marking_api(world):
    s = helpers.build(world, n=2)
    helpers.start_marking(world, s)
    return s


def _post(username, s, **body):
    c = username if isinstance(username, Client) else api_for(username)
    return c.post(f"/api/v1/competitions/{s.competition.pk}/marks", body, content_type="application/json")


def test_a_judge_records_a_mark(world, marking_api):
    s = marking_api
    r = _post("j2", s, entry=str(s.entries[0].pk), aspect="B1", score=2)
    assert r.status_code == 201, r.content
    assert r.json()["score"] == "2" and r.json()["sheet_status"] == "open"
    assert Mark.objects.get().value == 2
    sheets = api_for("j2").get(f"/api/v1/competitions/{s.competition.pk}/sheets").json()
    assert sheets["count"] == 2 and {i["section"] for i in sheets["items"]} == {"工艺与安全"}


@pytest.mark.parametrize(
    "body,status,field,code",
    [
        ({"aspect": "B1", "score": 4}, 400, "score", "number_too_large"),
        ({"aspect": "ZZ", "score": 1}, 400, "aspect", "aspect_unknown"),
        ({"aspect": "A1", "score": 1, "as": "j2"}, 400, "aspect", "not_assigned"),
        (
            {"aspect": "B1", "score": 1, "entry": "0190a0a0-0000-7000-8000-000000000000"},
            400,
            "entry",
            "entry_unknown",
        ),
        ({"aspect": "B1", "score": "x"}, 400, "score", "number_invalid"),
    ],
)
def test_bad_marks_answer_4xx_with_the_field_and_write_nothing(world, marking_api, body, status, field, code):
    s = marking_api
    judge = api_for(body.pop("as", "j1"))
    body.setdefault("entry", str(s.entries[0].pk))
    audits = AuditEntry.objects.count()
    r = _post(judge, s, **body)
    assert r.status_code == status, r.content
    data = r.json()
    assert data["code"] == code
    assert data["errors"][0]["field"] == field
    assert data["detail"].startswith(field + ":")
    assert not Mark.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_a_sheet_locked_and_late_marks_are_refused(world, province_admin, marking_api):
    s = marking_api
    helpers.mark_all(world, s)
    r = _post("j1", s, entry=str(s.entries[0].pk), aspect="A1", score=0)
    assert r.status_code == 400 and r.json()["code"] == "sheet_locked"
    assert r.json()["errors"][0]["field"] == "entry"
    helpers.theory_all(world, s, [50, 60])
    setup.competition_advance_status(actor=province_admin, competition=s.competition)
    before = list(Mark.objects.values_list("pk", "value"))
    r = _post("j1", s, entry=str(s.entries[0].pk), aspect="A1", score=0)
    assert r.status_code == 400 and r.json()["code"] == "marking_closed"
    assert r.json()["errors"][0]["field"] == "competition"
    assert list(Mark.objects.values_list("pk", "value")) == before


def test_a_user_who_is_not_a_judge_and_out_of_scope_gets_404(world, marking_api):
    r = _post("gansu", marking_api, entry=str(marking_api.entries[0].pk), aspect="A1", score=1)
    assert r.status_code == 404
    assert not Mark.objects.exists()


def test_sign_off_endpoint_reports_a_wide_spread(world, marking_api):
    s = marking_api
    for username, score in [("j1", 0), ("j2", 2), ("j3", 3)]:
        assert _post(username, s, entry=str(s.entries[0].pk), aspect="B1", score=score).status_code == 201
    sheet = helpers.sheet(s, s.entries[0], 1)
    r = api_for("j1").post(f"/api/v1/competitions/{s.competition.pk}/sheets/{sheet.pk}/sign-off")
    assert r.status_code == 400 and r.json()["code"] == "spread_too_wide"


def test_scheme_import_over_the_api_refuses_a_bad_scheme(world):
    s = helpers.build(world, n=0, judges=False)
    url = f"/api/v1/competitions/{s.competition.pk}/scheme"
    r = api_for("shaanxi").post(
        url, {"sections": [{"name": "x", "weight": "0.5", "aspects": []}]}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "scheme", r.json()
    assert Section.objects.filter(competition=s.competition).count() == 2
    assert api_for("shaanxi").get(url).json() == scheme.scheme_export(s.competition)
    assert api_for("gansu").post(url, helpers.SCHEME, content_type="application/json").status_code == 404
    assert api_for("xian").post(url, helpers.SCHEME, content_type="application/json").status_code == 403


def _queries(c, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx)


def test_list_and_results_cost_a_fixed_number_of_queries(world):
    from gonghui.competitions.tests.test_services import PLAN

    small = helpers.build(world, n=3)
    helpers.publish(world, small, PLAN, [90, 60, 70])
    c = api_for("xian")
    c.get("/api/v1/competitions")  # warm: the token's first use is recorded once
    list_small = _queries(c, "/api/v1/competitions")
    results_small = _queries(c, f"/api/v1/competitions/{small.competition.pk}/results")
    # a second, bigger competition: same number of queries
    from gonghui.competitions.models import JudgeAssignment

    JudgeAssignment.objects.all().delete()
    for username in ("j1", "j2", "j3"):
        from django.contrib.auth import get_user_model

        get_user_model().objects.filter(username=username).update(username=username + "_old")
    big = helpers.build(world, n=7)
    plan = {i: PLAN[i % 3] for i in range(7)}
    helpers.publish(world, big, plan, [50 + i for i in range(7)])
    assert _queries(c, "/api/v1/competitions") == list_small
    assert _queries(c, f"/api/v1/competitions/{big.competition.pk}/results") == results_small
    assert results_small <= 12


def test_the_results_workflow_and_recommendations_over_the_api(world, province_admin):
    from gonghui.competitions.models import Competition, Recommendation
    from gonghui.competitions.tests.test_services import PLAN
    from gonghui.members.models import Member

    s = helpers.build(world, n=3)
    helpers.start_marking(world, s)
    helpers.mark_all(world, s, PLAN)
    helpers.theory_all(world, s, [90, 60, 70])
    c = setup.competition_advance_status(actor=province_admin, competition=s.competition)
    base = f"/api/v1/competitions/{c.pk}"
    # a sibling province sees nothing; nothing is computed
    assert api_for("gansu").post(f"{base}/results/compute").status_code == 404
    assert Competition.objects.get(pk=c.pk).results_state == ""
    r = api_for("shaanxi").post(f"{base}/results/compute")
    assert r.status_code == 200 and r.json()["results_state"] == "draft" and r.json()["results"] == 3
    same = api_for("shaanxi").post(f"{base}/results/verify")  # the one who computed cannot verify
    assert same.status_code == 400 and same.json()["code"] == "same_person"
    assert api_for("national").post(f"{base}/results/verify").json()["results_state"] == "verified"
    assert api_for("national").post(f"{base}/results/publish").json()["results_state"] == "published"
    rec = Recommendation.objects.get(entry=s.entries[0], kind="grade")
    assert api_for("baoji").post(f"{base}/recommendations/{rec.pk}/accept").status_code in {403, 404}
    refused = api_for("shaanxi").post(
        f"{base}/recommendations/{rec.pk}/decline", {}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "required"
    ok = api_for("shaanxi").post(f"{base}/recommendations/{rec.pk}/accept")
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert Member.objects.get(pk=rec.member_id).skill_grade == rec.detail


def test_the_results_workflow_is_403_for_a_union_that_sees_the_competition_and_404_for_a_sibling(
    world, province_admin
):
    from gonghui.competitions.models import Competition

    s = helpers.build(world, n=3)
    helpers.start_marking(world, s)
    helpers.mark_all(world, s)
    helpers.theory_all(world, s, [90, 60, 70])
    c = setup.competition_advance_status(actor=province_admin, competition=s.competition)
    for step in ("compute", "verify", "publish"):
        # 西安 sees the provincial competition (the page answers 403 too), 甘肃 does not
        assert api_for("xian").post(f"/api/v1/competitions/{c.pk}/results/{step}").status_code == 403
        assert api_for("gansu").post(f"/api/v1/competitions/{c.pk}/results/{step}").status_code == 404
    assert client_for("xian").post(f"/competitions/{c.pk}/do/compute/").status_code == 403
    assert Competition.objects.get(pk=c.pk).results_state == ""
