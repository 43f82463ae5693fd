"""Images, covers and attachments: checked by size and first bytes before anything is written,
written only by the author of a draft (or a writer of the union for editor images)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from gonghui.core.models import AuditEntry
from gonghui.news.models import NewsAttachment, NewsImage
from gonghui.news.selectors.files import attachment_or_404, image_or_404
from gonghui.news.services import files, items
from gonghui.news.tests.factories import item_data, published
from gonghui.testing import PNG

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"0" * 64


def _upload(data=PNG, name="图.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def draft(world, city_officer):
    return items.news_create(actor=city_officer, organisation=world.orgs["xian"], data=item_data())


def _nothing_written():
    assert not NewsImage.objects.exists()
    assert not NewsAttachment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="news.image").exists()
    assert not AuditEntry.objects.filter(action__startswith="news.item.attachment").exists()


def test_an_editor_image_is_stored_and_has_an_address(world, city_officer):
    image = files.news_image_upload(actor=city_officer, organisation=world.orgs["xian"], file=_upload())
    assert image.content_type == "image/png"
    assert files.image_url(image) == f"/api/v1/news/images/{image.pk}"
    assert image_or_404(image.pk) == image


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name_and_nothing_is_written(world, city_officer):
    with pytest.raises(ValidationError) as caught:
        files.news_image_upload(
            actor=city_officer, organisation=world.orgs["xian"], file=_upload(b"<svg onload=x>", "a.png")
        )
    assert caught.value.error_dict["file"][0].code == "file_type"
    _nothing_written()


def test_an_oversized_image_is_refused_and_nothing_is_written(world, city_officer, monkeypatch):
    monkeypatch.setattr(files, "IMAGE_MAX_BYTES", 32)
    with pytest.raises(ValidationError) as caught:
        files.news_image_upload(actor=city_officer, organisation=world.orgs["xian"], file=_upload())
    assert caught.value.error_dict["file"][0].code == "file_too_large"
    _nothing_written()


def test_editor_images_are_refused_to_a_sibling_officer_404_and_a_viewer_403(
    world, sibling_city_admin, city_viewer
):
    with pytest.raises(Http404):
        files.news_image_upload(actor=sibling_city_admin, organisation=world.orgs["xian"], file=_upload())
    with pytest.raises(PermissionDenied):
        files.news_image_upload(actor=city_viewer, organisation=world.orgs["xian"], file=_upload())
    _nothing_written()


def test_the_author_sets_and_removes_the_cover_of_a_draft(draft, city_officer):
    item = files.news_cover_set(actor=city_officer, item=draft, file=_upload())
    assert item.cover.content_type == "image/png"
    item = files.news_cover_set(actor=city_officer, item=item, file=None)
    assert item.cover is None


def test_the_author_attaches_a_pdf_and_readers_of_the_published_item_get_it(world, city_officer, member_user):
    item = items.news_create(actor=city_officer, organisation=world.orgs["xian"], data=item_data())
    attachment = files.news_attachment_add(actor=city_officer, item=item, file=_upload(PDF, "通知.pdf"))
    assert attachment.content_type == "application/pdf"
    # Before publication only officers in scope get it.
    with pytest.raises(Http404):
        attachment_or_404(member_user, item.pk, attachment.pk)
    assert attachment_or_404(city_officer, item.pk, attachment.pk) == attachment
    items.news_submit(actor=city_officer, item=item)
    for reviewer in ("xian", "shaanxi"):
        item = items.news_approve(actor=world.users[reviewer], item=item)
    items.news_publish(actor=world.users["national"], item=item)
    assert attachment_or_404(member_user, item.pk, attachment.pk) == attachment
    with pytest.raises(Http404):
        attachment_or_404(world.users["baoji"], item.pk, attachment.pk)


def test_attachments_of_a_wrong_type_or_on_a_published_item_are_refused(world, draft, city_officer):
    with pytest.raises(ValidationError) as caught:
        files.news_attachment_add(actor=city_officer, item=draft, file=_upload(b"PK\x03\x04zip", "a.pdf"))
    assert caught.value.error_dict["file"][0].code == "file_type"
    item = published(world)
    with pytest.raises(ValidationError) as caught:
        files.news_attachment_add(actor=city_officer, item=item, file=_upload(PDF, "a.pdf"))
    assert caught.value.error_dict["status"][0].code == "wrong_stage"
    _nothing_written()


def test_only_the_author_changes_the_files_of_a_draft(draft, city_admin, sibling_city_admin):
    with pytest.raises(PermissionDenied):
        files.news_attachment_add(actor=city_admin, item=draft, file=_upload(PDF, "a.pdf"))
    with pytest.raises(Http404):
        files.news_cover_set(actor=sibling_city_admin, item=draft, file=_upload())
    _nothing_written()


def test_an_attachment_is_removed_by_the_author(draft, city_officer):
    attachment = files.news_attachment_add(actor=city_officer, item=draft, file=_upload(PDF, "a.pdf"))
    files.news_attachment_remove(actor=city_officer, attachment=attachment)
    assert not NewsAttachment.objects.exists()
