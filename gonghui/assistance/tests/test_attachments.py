"""Documents of a hardship file: type and size checked by core.uploads, listed and downloaded
in scope only, audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from gonghui.assistance.models import HouseholdAttachment, HouseholdEvent
from gonghui.assistance.services import attachments, households, workflow
from gonghui.assistance.tests.conftest import OPEN
from gonghui.core.models import AuditEntry
from gonghui.testing import PNG, api_for, client_for

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% proof of income\n"


@pytest.fixture
def household(world, city_admin, dibao):
    return households.household_open(actor=city_admin, head=world.members["xian_worker"], **OPEN)


def upload(name="收入证明.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def nothing_written():
    return (
        not HouseholdAttachment.objects.exists()
        and not AuditEntry.objects.filter(action="assistance.attachment.added").exists()
        and not HouseholdEvent.objects.filter(kind="attachment").exists()
    )


def test_officer_attaches_a_document_on_the_page_and_downloads_it(world, household):
    c = client_for("xian_officer")
    r = c.post(f"/assistance/{household.pk}/attachments/", {"kind": "income_proof", "file": upload()})
    assert r.status_code == 302
    a = HouseholdAttachment.objects.get()
    assert (a.kind, a.name, a.content_type, a.size) == (
        "income_proof",
        "收入证明.pdf",
        "application/pdf",
        len(PDF),
    )
    assert household.events.filter(kind="attachment").exists()
    assert AuditEntry.objects.filter(action="assistance.attachment.added", object_id=str(a.pk)).exists()
    body = c.get(f"/assistance/{household.pk}/").content.decode()
    assert "收入证明.pdf" in body
    r = c.get(f"/assistance/{household.pk}/attachments/{a.pk}/")
    assert r.status_code == 200 and r.content == PDF and r["Content-Type"] == "application/pdf"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert (
        AuditEntry.objects.filter(action="assistance.attachment.downloaded", object_id=str(a.pk)).count() == 1
    )


def test_api_upload_list_and_download(world, household):
    c = api_for("xian")
    url = f"/api/v1/assistance/households/{household.pk}/attachments"
    r = c.post(url, {"kind": "disability_certificate", "file": upload("残疾证.png", PNG)})
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["content_type"] == "image/png" and data["kind"] == "disability_certificate"
    listed = c.get(url).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == data["id"]
    assert c.get(f"/api/v1/assistance/households/{household.pk}").json()["attachments"][0]["id"] == data["id"]
    r = c.get(data["url"])
    assert r.status_code == 200 and r.content == PNG


@pytest.mark.parametrize(
    ("post", "field", "code"),
    [
        ({"kind": "income_proof", "file": upload("x.pdf", b"hello, not a pdf")}, "file", "file_type"),
        ({"kind": "passport", "file": upload()}, "kind", "invalid_choice"),
    ],
)
def test_bad_uploads_are_refused_with_nothing_written(world, household, post, field, code):
    r = api_for("xian").post(f"/api/v1/assistance/households/{household.pk}/attachments", post)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == field and r.json()["code"] == code
    r = client_for("xian").post(f"/assistance/{household.pk}/attachments/", post)
    assert r.status_code == 400
    assert nothing_written()


def test_missing_file_is_refused(world, household):
    r = api_for("xian").post(f"/api/v1/assistance/households/{household.pk}/attachments", {"kind": "other"})
    assert r.status_code == 400
    r = client_for("xian").post(f"/assistance/{household.pk}/attachments/", {"kind": "other"})
    assert r.status_code == 400
    assert nothing_written()


@override_settings(GONGHUI_ASSISTANCE_ATTACHMENT_MAX_BYTES=16)
def test_a_file_over_the_limit_is_refused(world, household):
    r = api_for("xian").post(
        f"/api/v1/assistance/households/{household.pk}/attachments",
        {"kind": "medical_bills", "file": upload("bills.pdf", PDF + b"x" * 100)},
    )
    assert r.status_code == 400 and r.json()["code"] == "file_too_large"
    assert nothing_written()


def test_anonymous_is_sent_to_sign_in(city_admin, household):
    a = attachments.attachment_add(actor=city_admin, household=household, kind="other", upload=upload())
    r = Client().post(f"/assistance/{household.pk}/attachments/", {"kind": "other", "file": upload()})
    assert r.status_code == 302 and "/login" in r["Location"]
    r = Client().get(f"/assistance/{household.pk}/attachments/{a.pk}/")
    assert r.status_code == 302 and "/login" in r["Location"]
    url = f"/api/v1/assistance/households/{household.pk}/attachments"
    assert Client().get(url).status_code == 401
    assert Client().get(f"{url}/{a.pk}").status_code == 401
    assert Client().post(url, {"kind": "other", "file": upload()}).status_code == 401
    assert HouseholdAttachment.objects.count() == 1


@pytest.mark.parametrize("username", ["baoji", "gansu"])
def test_sibling_admins_get_404_and_write_nothing(city_admin, household, username):
    a = attachments.attachment_add(actor=city_admin, household=household, kind="other", upload=upload())
    c = client_for(username)
    assert (
        c.post(f"/assistance/{household.pk}/attachments/", {"kind": "other", "file": upload()}).status_code
        == 404
    )
    assert c.get(f"/assistance/{household.pk}/attachments/{a.pk}/").status_code == 404
    url = f"/api/v1/assistance/households/{household.pk}/attachments"
    c = api_for(username)
    assert c.get(url).status_code == 404
    assert c.get(f"{url}/{a.pk}").status_code == 404
    assert c.post(url, {"kind": "other", "file": upload()}).status_code == 404
    assert HouseholdAttachment.objects.count() == 1
    assert not AuditEntry.objects.filter(action="assistance.attachment.downloaded").exists()


def test_a_document_is_only_found_under_its_own_file(world, city_admin, province_admin, household):
    a = attachments.attachment_add(actor=city_admin, household=household, kind="other", upload=upload())
    other = households.household_open(
        actor=province_admin, head=world.members["baoji_worker"], **{**OPEN, "family": []}
    )
    assert client_for("shaanxi").get(f"/assistance/{other.pk}/attachments/{a.pk}/").status_code == 404


def test_a_viewer_downloads_but_may_not_attach(city_admin, household):
    a = attachments.attachment_add(actor=city_admin, household=household, kind="other", upload=upload())
    c = client_for("xian_viewer")
    assert c.get(f"/assistance/{household.pk}/attachments/{a.pk}/").status_code == 200
    assert (
        c.post(f"/assistance/{household.pk}/attachments/", {"kind": "other", "file": upload()}).status_code
        == 403
    )
    assert HouseholdAttachment.objects.count() == 1


def test_attachments_are_allowed_in_any_state(city_admin, household):
    workflow.household_close(actor=city_admin, household=household, reason="迁出")
    a = attachments.attachment_add(actor=city_admin, household=household, kind="other", upload=upload())
    assert a.household_id == household.pk and a.uploaded_by == city_admin
