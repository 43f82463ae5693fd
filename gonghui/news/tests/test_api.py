"""The news API (docs/modules/news.md, "API"): reading as anyone, writing and reviewing as officers,
acknowledging as a member, the receipt table; sibling officers and anonymous callers."""

import pytest

from gonghui.core.models import AuditEntry
from gonghui.news.models import NewsItem, NewsReceipt
from gonghui.news.tests.factories import published, published_by_province
from gonghui.testing import PNG, api_for, make_id_number

pytestmark = pytest.mark.django_db

JSON = "application/json"
DRAFT = {
    "kind": "notice",
    "title": "关于开展职工书屋读书月活动的通知",
    "body": "<p>各基层工会：请于本月底前报送活动安排。</p>",
    "audience": "members",
    "requires_ack": True,
}


@pytest.fixture
def notice(world):
    return published(world, requires_ack=True, title="西安会员通知")


@pytest.fixture
def public_news(world):
    return published_by_province(world, kind="news", audience="public", title="陕西公开资讯")


def test_anonymous_callers_list_public_items_only_with_the_contract_keys(world, notice, public_news):
    response = api_for(None).get("/api/v1/news")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert {"id", "kind", "title", "organisation", "published_at", "audience", "requires_ack"} <= set(item)
    assert item["organisation"] == {"code": "610000", "name": "陕西省总工会"}
    assert item["audience"] == "public"


def test_the_list_filters_by_organisation_code_and_kind(world, notice, public_news):
    client = api_for("member")
    assert {i["title"] for i in client.get("/api/v1/news").json()["items"]} == {
        "西安会员通知",
        "陕西公开资讯",
    }
    assert [i["title"] for i in client.get("/api/v1/news?organisation=610100").json()["items"]] == [
        "西安会员通知"
    ]
    assert [i["title"] for i in client.get("/api/v1/news?kind=news").json()["items"]] == ["陕西公开资讯"]
    assert client.get("/api/v1/news?kind=poem").status_code == 400
    assert client.get("/api/v1/news?organisation=nope").status_code == 404


def test_a_sibling_officer_and_anonymous_callers_get_404_for_a_members_notice(notice):
    for persona in (None, "baoji"):
        response = api_for(persona).get(f"/api/v1/news/{notice.pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert api_for("baoji").get("/api/v1/news").json()["count"] == 0


def test_the_detail_adds_the_body_and_marks_it_read_for_a_member(notice, member_user):
    response = api_for("member").get(f"/api/v1/news/{notice.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["body"].startswith("<p>")
    assert data["read_at"] is not None
    assert NewsReceipt.objects.filter(item=notice, user=member_user).count() == 1


def test_an_officer_writes_a_draft_with_the_default_union_and_takes_it_through_review(world, member_user):
    response = api_for("xian_officer").post("/api/v1/news", DRAFT, content_type=JSON)
    assert response.status_code == 201
    created = response.json()
    assert set(created) == {"id", "state"} and created["state"] == "draft"
    item = NewsItem.objects.get(pk=created["id"])
    assert item.organisation.code == "610100"
    base = f"/api/v1/news/{item.pk}"
    assert api_for("xian_officer").post(f"{base}/submit").json()["state"] == "first_review"
    assert api_for("xian").post(f"{base}/approve", {}, content_type=JSON).json()["state"] == "second_review"
    assert api_for("shaanxi").post(f"{base}/approve", {"comment": "可"}, content_type=JSON).json()[
        "state"
    ] == ("final_review")
    assert api_for("national").post(f"{base}/publish", {}, content_type=JSON).json()["state"] == "published"
    # The member acknowledges once; a second time is 409.
    first = api_for("member").post(f"{base}/ack")
    assert first.status_code == 201
    again = api_for("member").post(f"{base}/ack")
    assert again.status_code == 409
    assert again.json()["code"] == "already_acknowledged"
    table = api_for("xian").get(f"{base}/receipts").json()
    assert table["items"] == [
        {
            "organisation": {"code": "610113", "name": "雁塔区总工会"},
            "members": 1,
            "read": 1,
            "acknowledged": 1,
        }
    ]
    export = api_for("xian").get(f"{base}/receipts/export")
    assert export.status_code == 200
    assert "雁塔区总工会" in export.content.decode("utf-8-sig")


def test_submitting_a_body_with_an_id_number_is_400_personal_data_in_body_and_nothing_changes(world):
    body = dict(DRAFT, body=f"<p>身份证 {make_id_number()}</p>")
    created = api_for("xian_officer").post("/api/v1/news", body, content_type=JSON).json()
    response = api_for("xian_officer").post(f"/api/v1/news/{created['id']}/submit")
    assert response.status_code == 400
    assert response.json()["code"] == "personal_data_in_body"
    assert NewsItem.objects.get(pk=created["id"]).status == "draft"
    assert not AuditEntry.objects.filter(object_id=created["id"], action="news.item.submitted").exists()


def test_writing_is_refused_to_anonymous_401_members_403_and_sibling_unions_404(world):
    assert api_for(None).post("/api/v1/news", DRAFT, content_type=JSON).status_code == 401
    assert api_for("member").post("/api/v1/news", DRAFT, content_type=JSON).status_code == 403
    assert api_for("xian_viewer").post("/api/v1/news", DRAFT, content_type=JSON).status_code == 403
    other = dict(DRAFT, organisation="610100")
    assert api_for("baoji").post("/api/v1/news", other, content_type=JSON).status_code == 404
    assert not NewsItem.objects.exists()


def test_review_and_receipts_are_404_for_a_sibling_officer_and_403_for_a_viewer(world, notice):
    base = f"/api/v1/news/{notice.pk}"
    assert api_for("baoji").get(f"{base}/receipts").status_code == 404
    assert api_for("baoji").post(f"{base}/withdraw", {"reason": "x"}, content_type=JSON).status_code == 404
    assert (
        api_for("xian_viewer").post(f"{base}/withdraw", {"reason": "x"}, content_type=JSON).status_code == 403
    )
    assert api_for("xian_viewer").get(f"{base}/receipts/export").status_code == 403
    assert api_for("member").get(f"{base}/receipts").status_code == 404
    assert api_for(None).get(f"{base}/receipts").status_code == 401


def test_an_officer_acknowledging_is_403_and_a_news_item_is_400(world, notice, public_news):
    assert api_for("xian").post(f"/api/v1/news/{notice.pk}/ack").status_code == 403
    response = api_for("member").post(f"/api/v1/news/{public_news.pk}/ack")
    assert response.status_code == 400
    assert response.json()["code"] == "ack_not_required"


def test_a_correction_is_written_through_the_api(world, public_news):
    response = api_for("shaanxi").post(
        f"/api/v1/news/{public_news.pk}/correct",
        {"title": "更正标题", "body": "<p>更正</p>"},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert response.json()["state"] == "draft"
    assert NewsItem.objects.get(pk=response.json()["id"]).corrects == public_news


def test_the_second_reminder_within_an_hour_is_refused(world, notice):
    client = api_for("xian")
    assert client.post(f"/api/v1/news/{notice.pk}/remind").json() == {"reminded": 1}
    response = client.post(f"/api/v1/news/{notice.pk}/remind")
    assert response.status_code == 400
    assert response.json()["code"] == "reminded_too_soon"


def test_an_editor_image_is_uploaded_and_served_to_anyone(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_for("xian_officer").post(
        "/api/v1/news/images", {"file": SimpleUploadedFile("a.png", PNG, content_type="image/png")}
    )
    assert response.status_code == 201
    served = api_for(None).get(response.json()["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    bad = api_for("xian_officer").post(
        "/api/v1/news/images", {"file": SimpleUploadedFile("a.png", b"GIF89a", content_type="image/png")}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "file_type"


def test_malformed_ids_are_404_in_the_json_error_shape():
    for path in ("/api/v1/news/not-an-id", "/api/v1/news/images/x", "/api/v1/news/x/attachments/y"):
        response = api_for(None).get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_someone_elses_draft_is_refused_by_the_api_as_on_the_pages(world, city_viewer):
    from gonghui.news.services import items
    from gonghui.news.tests.factories import item_data

    draft = items.news_create(
        actor=world.users["xian_officer"], organisation=world.orgs["xian"], data=item_data()
    )
    assert api_for(city_viewer).get(f"/api/v1/news/{draft.pk}").status_code == 403
    assert api_for(world.users["xian"]).get(f"/api/v1/news/{draft.pk}").status_code == 403
    assert api_for(world.users["xian_officer"]).get(f"/api/v1/news/{draft.pk}").status_code == 200
    assert api_for(world.users["baoji"]).get(f"/api/v1/news/{draft.pk}").status_code == 404
