"""The news pages: officers write, review and publish through them (buttons only for those who
may press them, the whole history shown); readers see what their audience allows."""

import pytest
from django.urls import reverse

from gonghui.core.models import AuditEntry
from gonghui.news.choices import Status
from gonghui.news.models import NewsItem, NewsReceipt, ReviewStep
from gonghui.news.services import items
from gonghui.news.tests.factories import item_data, published
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def _form(**overrides) -> dict:
    data = {
        "organisation": "XA",
        "kind": "notice",
        "title": "关于开展读书月活动的通知",
        "body": "<p>请各基层工会报送安排。</p><script>alert(1)</script>",
        "audience": "members",
        "targets": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(world):
    return items.news_create(
        actor=world.users["xian_officer"], organisation=world.orgs["xian"], data=item_data()
    )


def test_an_officer_writes_a_draft_through_the_page_and_the_body_is_sanitised(world, city_officer):
    response = client_for(city_officer).post(
        reverse("news:create"), _form(organisation=world.orgs["xian"].code)
    )
    item = NewsItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("news:item", args=[item.pk])
    assert item.status == Status.DRAFT and item.author == city_officer
    assert "<script" not in item.body and "请各基层工会" in item.body


def test_a_draft_with_an_empty_body_shows_the_error_next_to_the_field_and_writes_nothing(world, city_officer):
    response = client_for(city_officer).post(
        reverse("news:create"), _form(organisation=world.orgs["xian"].code, body="<script>x</script>")
    )
    assert response.status_code == 400
    assert "body" in response.context["form"].errors
    assert not NewsItem.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="news.").exists()


def test_a_target_outside_the_union_is_refused_next_to_the_targets_field(world, city_officer):
    response = client_for(city_officer).post(
        reverse("news:create"), _form(organisation=world.orgs["xian"].code, targets="甘肃省总工会")
    )
    assert response.status_code == 400
    assert "targets" in response.context["form"].errors
    assert not NewsItem.objects.exists()


def test_the_author_submits_and_reviewers_see_only_the_buttons_they_may_press(world, draft, city_officer):
    author = client_for(city_officer)
    page = author.get(reverse("news:item", args=[draft.pk]))
    assert page.context["buttons"]["submit"] and not page.context["buttons"]["approve"]
    author.post(reverse("news:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Status.FIRST_REVIEW
    # The author may not review their own item: no decision buttons.
    buttons = author.get(reverse("news:item", args=[draft.pk])).context["buttons"]
    assert not (buttons["approve"] or buttons["reject"] or buttons["publish"])
    reviewer = client_for(world.users["xian"])
    manage = reviewer.get(reverse("news:manage"))
    assert [i.pk for i in manage.context["awaiting"]] == [draft.pk]
    assert reviewer.get(reverse("news:item", args=[draft.pk])).context["buttons"]["approve"]


def test_three_reviewers_take_an_item_to_publication_through_the_pages_with_comments_kept(world, draft):
    items.news_submit(actor=world.users["xian_officer"], item=draft)
    for user, action in (("xian", "approve"), ("shaanxi", "approve"), ("national", "publish")):
        client_for(world.users[user]).post(
            reverse(f"news:{action}", args=[draft.pk]), {"comment": f"{user} 意见"}
        )
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    page = client_for(world.users["national"]).get(reverse("news:item", args=[draft.pk]))
    history = list(page.context["history"])
    assert [(s.stage, s.comment) for s in history] == [
        ("first_review", "xian 意见"),
        ("second_review", "shaanxi 意见"),
        ("final_review", "national 意见"),
    ]
    assert "shaanxi 意见" in page.content.decode()


def test_a_rejection_without_a_comment_is_refused_and_nothing_changes(world, draft):
    items.news_submit(actor=world.users["xian_officer"], item=draft)
    response = client_for(world.users["xian"], language="en").post(
        reverse("news:reject", args=[draft.pk]), {"comment": ""}, follow=True
    )
    draft.refresh_from_db()
    assert draft.status == Status.FIRST_REVIEW
    assert not ReviewStep.objects.exists()
    assert "required" in response.content.decode().lower()


def test_a_rejection_with_a_comment_sends_the_item_back_and_the_history_shows_it(world, draft):
    items.news_submit(actor=world.users["xian_officer"], item=draft)
    client_for(world.users["xian"]).post(reverse("news:reject", args=[draft.pk]), {"comment": "标题有误"})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    page = client_for(world.users["xian_officer"]).get(reverse("news:item", args=[draft.pk]))
    assert "标题有误" in page.content.decode() and page.context["buttons"]["edit"]


def test_a_sibling_city_officer_gets_404_for_a_xian_item_and_a_viewer_gets_403_on_a_decision(
    world, draft, sibling_city_admin, city_viewer
):
    items.news_submit(actor=world.users["xian_officer"], item=draft)
    assert client_for(sibling_city_admin).get(reverse("news:item", args=[draft.pk])).status_code == 404
    assert client_for(sibling_city_admin).post(reverse("news:approve", args=[draft.pk])).status_code == 404
    assert client_for(city_viewer).post(reverse("news:approve", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.FIRST_REVIEW and not ReviewStep.objects.exists()


def test_someone_elses_draft_is_not_shown_to_another_officer(world, draft):
    assert client_for(world.users["xian"]).get(reverse("news:item", args=[draft.pk])).status_code == 403
    assert draft not in client_for(world.users["xian"]).get(reverse("news:manage")).context["page"].items


def test_anonymous_visitors_are_sent_to_sign_in_from_the_officer_pages(client, draft):
    response = client.get(reverse("news:manage"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.post(reverse("news:submit", args=[draft.pk])).status_code == 302


def test_flagged_words_are_highlighted_for_reviewers_in_text_only():
    from gonghui.news.views.marks import highlight

    body = '<p>讨论<a href="/x?q=敏感">敏感</a>话题 &amp; 敏感</p>'
    out = highlight(body, ["敏感"])
    assert out == '<p>讨论<a href="/x?q=敏感"><mark>敏感</mark></a>话题 &amp; <mark>敏感</mark></p>'


# ---- readers ---------------------------------------------------------------------------


def test_anonymous_readers_see_public_items_and_never_a_members_notice(world, client):
    notice = published(world, title="西安会员通知")
    news = published(world, kind="news", audience="public", title="西安公开资讯")
    page = client.get(reverse("news:list"))
    assert [i.pk for i in page.context["page"].items] == [news.pk]
    assert client.get(reverse("news:detail", args=[news.pk])).status_code == 200
    assert client.get(reverse("news:detail", args=[notice.pk])).status_code == 404


def test_a_xian_member_reads_the_members_notice_and_a_baoji_officer_gets_404(
    world, member_user, sibling_city_admin
):
    notice = published(world, title="西安会员通知")
    page = client_for(member_user).get(reverse("news:detail", args=[notice.pk]))
    assert page.status_code == 200 and "西安会员通知" in page.content.decode()
    assert client_for(sibling_city_admin).get(reverse("news:detail", args=[notice.pk])).status_code == 404


def test_the_reader_list_puts_pinned_items_first_and_filters_by_kind(world, client):
    older_pinned = published(world, kind="news", audience="public", title="置顶", pinned=True)
    newer = published(world, kind="news", audience="public", title="最新")
    notice = published(world, kind="notice", audience="public", title="公开通知")
    assert [i.pk for i in client.get(reverse("news:list")).context["page"].items] == [
        older_pinned.pk,
        notice.pk,
        newer.pk,
    ]
    assert [i.pk for i in client.get(reverse("news:list") + "?kind=notice").context["page"].items] == [
        notice.pk
    ]


# ---- receipts --------------------------------------------------------------------------


def test_a_member_opens_a_notice_and_acknowledges_it_once_and_the_receipt_table_counts_it(world, member_user):
    notice = published(world, title="需确认的通知", requires_ack=True)
    reader = client_for(member_user)
    page = reader.get(reverse("news:detail", args=[notice.pk]))
    assert page.context["can_ack"]
    officer = client_for(world.users["xian"])
    totals = officer.get(reverse("news:item", args=[notice.pk])).context["receipt_totals"]
    assert (totals.read, totals.acknowledged) == (1, 0)
    reader.post(reverse("news:ack", args=[notice.pk]))
    page = reader.get(reverse("news:detail", args=[notice.pk]))
    assert not page.context["can_ack"] and 'id="ack-done"' in page.content.decode()
    totals = officer.get(reverse("news:item", args=[notice.pk])).context["receipt_totals"]
    assert (totals.read, totals.acknowledged) == (1, 1)
    again = reader.post(reverse("news:ack", args=[notice.pk]), follow=True)
    assert again.status_code == 200
    assert NewsReceipt.objects.get(item=notice).acked_at is not None


def test_a_sibling_city_member_cannot_acknowledge_a_xian_notice(world, sibling_city_admin):
    notice = published(world, title="需确认的通知", requires_ack=True)
    assert client_for(sibling_city_admin).post(reverse("news:ack", args=[notice.pk])).status_code == 404
    assert not NewsReceipt.objects.exists()


def test_the_officer_exports_the_receipt_table_and_reminds_once_an_hour(world, member_user):
    notice = published(world, title="需确认的通知", requires_ack=True)
    officer = client_for(world.users["xian"], language="en")
    export = officer.get(reverse("news:receipts_export", args=[notice.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert "西安某机械厂" in export.content.decode("utf-8-sig") or "Total" in export.content.decode(
        "utf-8-sig"
    )
    officer.post(reverse("news:remind", args=[notice.pk]))
    notice.refresh_from_db()
    first = notice.reminded_at
    assert first is not None
    response = officer.post(reverse("news:remind", args=[notice.pk]), follow=True)
    assert "less than an hour" in response.content.decode()
    notice.refresh_from_db()
    assert notice.reminded_at == first


def test_the_landing_page_lists_the_latest_public_news_and_the_hall_the_members_notice(
    world, client, member_user
):
    public = published(world, kind="news", audience="public", title="西安公开资讯")
    notice = published(world, title="西安会员通知")
    landing = client.get("/").content.decode()
    assert public.title in landing and notice.title not in landing
    hall = client_for(member_user).get("/").content.decode()
    assert public.title in hall and notice.title in hall


# ---- corrections, files ----------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n" + b"0" * 64


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_correction_is_written_from_the_published_items_page_as_a_new_draft(world, city_officer):
    item = published(world, kind="news", audience="public", title="原标题")
    officer = client_for(city_officer)
    assert officer.get(reverse("news:item", args=[item.pk])).context["buttons"]["correct"]
    response = officer.post(
        reverse("news:correct", args=[item.pk]), {"title": "更正后的标题", "body": "<p>新</p>"}
    )
    correction = NewsItem.objects.get(corrects=item)
    assert response["Location"] == reverse("news:item", args=[correction.pk])
    assert correction.status == Status.DRAFT and correction.title == "更正后的标题"
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.title == "原标题"


def test_a_viewer_may_not_open_the_correction_page_and_a_sibling_gets_404(
    world, city_viewer, sibling_city_admin
):
    item = published(world, kind="news", audience="public", title="原标题")
    assert client_for(city_viewer).get(reverse("news:correct", args=[item.pk])).status_code == 403
    assert client_for(sibling_city_admin).get(reverse("news:correct", args=[item.pk])).status_code == 404


def test_the_author_attaches_a_pdf_and_readers_of_the_item_download_it(world, draft, city_officer, client):
    officer = client_for(city_officer)
    officer.post(reverse("news:attachment_add", args=[draft.pk]), {"file": _upload("安排.pdf", PDF)})
    attachment = draft.attachments.get()
    assert attachment.content_type == "application/pdf"
    items.news_update(
        actor=city_officer, item=draft, data={**item_data(), "audience": "public", "kind": "news"}
    )
    items.news_submit(actor=city_officer, item=draft)
    for user in ("xian", "shaanxi"):
        items.news_approve(actor=world.users[user], item=draft)
    items.news_publish(actor=world.users["national"], item=draft)
    response = client.get(reverse("news:attachment", args=[draft.pk, attachment.pk]))
    assert response.status_code == 200 and bytes(response.content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_attached(world, draft, city_officer):
    response = client_for(city_officer, language="en").post(
        reverse("news:attachment_add", args=[draft.pk]),
        {"file": _upload("x.pdf", b"MZ\x90\x00 not a pdf")},
        follow=True,
    )
    assert "PDF" in response.content.decode()
    assert not draft.attachments.exists()


def test_a_members_notices_attachment_is_404_for_anonymous_visitors(world, city_officer, client):
    draft = items.news_create(actor=city_officer, organisation=world.orgs["xian"], data=item_data())
    client_for(city_officer).post(
        reverse("news:attachment_add", args=[draft.pk]), {"file": _upload("a.pdf", PDF)}
    )
    attachment = draft.attachments.get()
    assert client.get(reverse("news:attachment", args=[draft.pk, attachment.pk])).status_code == 404


def test_the_editor_uploads_an_image_and_gets_its_address(world, city_officer):
    response = client_for(city_officer).post(
        reverse("news:image_upload"), {"organisation": world.orgs["xian"].code, "file": _upload("p.png", PNG)}
    )
    assert response.status_code == 201 and response.json()["url"].startswith("/api/v1/news/images/")


def test_an_image_upload_for_a_union_out_of_reach_is_refused_and_nothing_is_stored(world, sibling_city_admin):
    from gonghui.news.models import NewsImage

    response = client_for(sibling_city_admin).post(
        reverse("news:image_upload"), {"organisation": world.orgs["xian"].code, "file": _upload("p.png", PNG)}
    )
    assert response.status_code == 400 and "organisation" in response.json()["errors"]
    assert not NewsImage.objects.exists()


def test_a_viewer_sees_the_receipt_counts_but_may_not_export_them(world, city_viewer):
    # The CSV is an export like any other: the ``export`` right, on the page as in the API.
    notice = published(world, title="需确认的通知", requires_ack=True)
    viewer = client_for(city_viewer)
    page = viewer.get(reverse("news:item", args=[notice.pk]))
    assert page.status_code == 200
    assert reverse("news:receipts_export", args=[notice.pk]) not in page.content.decode()
    assert viewer.get(reverse("news:receipts_export", args=[notice.pk])).status_code == 403
