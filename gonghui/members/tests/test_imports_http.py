"""Member import over the API and the officer pages: shapes, scope (sibling admins get 404),
bad input answered with 4xx and nothing written."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gonghui.members.models import ImportBatch, Member
from gonghui.members.tests.test_imports import HEADER, person, snapshot, write_csv
from gonghui.testing import api_for, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(tmp_path, rows, name="roster.csv"):
    data = write_csv(tmp_path / name, rows).read_bytes()
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_api_upload_runs_and_reports_the_spec_shape(world, tmp_path, django_capture_on_commit_callbacks):
    api = api_for("xian")
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(
            "/api/v1/members/imports",
            {"file": upload(tmp_path, [person(301), person(302, 手机号码="x")]), "duplicates": "skip"},
        )
    assert r.status_code == 201, r.content
    batch_id = r.json()["id"]
    data = api.get(f"/api/v1/members/imports/{batch_id}").json()
    assert {k: data[k] for k in ("status", "processed", "total", "created", "updated", "skipped")} == {
        "status": "done",
        "processed": 2,
        "total": 2,
        "created": 1,
        "updated": 0,
        "skipped": 0,
    }
    assert data["errors"][0]["row"] == 3 and data["errors"][0]["column"] == "手机号码"
    # Sibling admins see nothing: 404 exactly like a missing batch.
    for sibling in ("baoji", "gansu"):
        r = api_for(sibling).get(f"/api/v1/members/imports/{batch_id}")
        assert r.status_code == 404 and r.json()["code"] == "not_found"
        r = api_for(sibling).post(f"/api/v1/members/imports/{batch_id}/undo")
        assert r.status_code == 404
    assert api_for("xian").get("/api/v1/members/imports/not-a-uuid").status_code == 404
    r = api.post(f"/api/v1/members/imports/{batch_id}/undo")
    assert r.status_code == 200 and r.json()["status"] == "undone"
    assert not Member.objects.filter(import_batch_id=batch_id).exists()


def test_api_dry_run_then_commit(world, tmp_path, django_capture_on_commit_callbacks):
    api = api_for("xian")
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post("/api/v1/members/imports", {"file": upload(tmp_path, [person(311)]), "dry_run": "true"})
    preview = api.get(f"/api/v1/members/imports/{r.json()['id']}").json()
    assert preview["status"] == "done" and preview["dry_run"] and preview["created"] == 1
    assert snapshot() == before
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/api/v1/members/imports/{preview['id']}/commit")
    assert r.status_code == 201
    assert api.get(f"/api/v1/members/imports/{r.json()['id']}").json()["created"] == 1


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"duplicates": "merge"}, 400, None),
        ({"organisation": "BJ-0001"}, 404, "not_found"),
        ({"organisation": "NOPE"}, 404, "not_found"),
    ],
)
def test_api_bad_options_are_4xx_and_write_nothing(world, tmp_path, fields, status, code):
    before = snapshot()
    r = api_for("xian").post("/api/v1/members/imports", {"file": upload(tmp_path, [person(320)]), **fields})
    assert r.status_code == status, r.content
    assert "detail" in r.json() and (code is None or r.json()["code"] == code)
    assert snapshot() == before and not ImportBatch.objects.exists()


def test_api_without_file_is_400(world):
    r = api_for("xian").post("/api/v1/members/imports", {"duplicates": "skip"})
    assert r.status_code == 400 and not ImportBatch.objects.exists()


def test_api_refuses_viewers_and_anonymous(world, tmp_path):
    r = api_for("xian_viewer").post("/api/v1/members/imports", {"file": upload(tmp_path, [person(321)])})
    assert r.status_code == 403
    r = Client().post("/api/v1/members/imports", {"file": upload(tmp_path, [person(321)])})
    assert r.status_code == 401
    assert not ImportBatch.objects.exists()


def test_api_template_downloads(world):
    api = api_for("xian")
    r = api.get("/api/v1/members/imports/template")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]][:3] == ["姓名", "身份证号码", "手机号码"]
    r = api.get("/api/v1/members/imports/template?format=csv")
    assert r.content.decode("utf-8-sig").startswith("姓名,身份证号码")


def test_upload_page_preview_progress_and_undo(world, tmp_path, django_capture_on_commit_callbacks):
    c = client_for("xian")
    page = c.get("/members/imports/")
    assert page.status_code == 200 and "template.xlsx" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            "/members/imports/",
            {
                "file": upload(tmp_path, [person(331), person(332, 学历="幼儿园")]),
                "duplicates": "skip",
                "dry_run": "1",
            },
        )
    assert r.status_code == 302
    preview = ImportBatch.objects.get()
    detail = c.get(r["Location"])
    html = detail.content.decode()
    assert detail.status_code == 200 and "import-progress" in html and "幼儿园" in html
    fragment = c.get(r["Location"], headers={"HX-Request": "true", "HX-Target": "import-progress"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/members/imports/{preview.pk}/commit/")
    batch = ImportBatch.objects.exclude(pk=preview.pk).get()
    assert r.status_code == 302 and batch.created == 1 and batch.error_count == 1
    assert c.get("/members/imports/").content.decode().count("roster.csv") == 2
    # The sibling city admin can neither see nor undo it.
    sibling = client_for("baoji")
    assert sibling.get(f"/members/imports/{batch.pk}/").status_code == 404
    assert sibling.post(f"/members/imports/{batch.pk}/undo/").status_code == 404
    assert "roster.csv" not in sibling.get("/members/imports/").content.decode()
    assert Member.objects.filter(import_batch=batch).count() == 1
    r = c.post(f"/members/imports/{batch.pk}/undo/")
    batch.refresh_from_db()
    assert r.status_code == 302 and batch.status == "undone"
    assert not Member.objects.filter(import_batch=batch).exists()


def test_page_templates_download_and_viewer_is_refused(world):
    c = client_for("xian")
    assert c.get("/members/imports/template.csv").content.decode("utf-8-sig").startswith(",".join(HEADER[:3]))
    assert c.get("/members/imports/template.xlsx").status_code == 200
    assert client_for("xian_viewer").get("/members/imports/").status_code == 403


def _stored(settings):
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (bytes(range(256)) * 40, "not_a_table"),
        ("姓名,身份证号码\n".encode("utf-16"), "encoding"),
        (b"PK\x03\x04" + b"\x00" * 100, "damaged"),
    ],
)
def test_api_refuses_a_bad_file_with_400_and_writes_nothing(world, settings, data, code):
    from gonghui.core.models import AuditEntry

    api = api_for("xian")
    before, audits = snapshot(), AuditEntry.objects.count()
    r = api.post(
        "/api/v1/members/imports", {"file": SimpleUploadedFile("roster.csv", data, content_type="text/csv")}
    )
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == code and body["detail"]
    assert not ImportBatch.objects.exists() and AuditEntry.objects.count() == audits
    assert _stored(settings) == [] and snapshot() == before


def test_api_refuses_a_file_over_the_limit_with_400_naming_it(world, settings, tmp_path):
    from gonghui.core.models import AuditEntry

    settings.GONGHUI_IMPORT_MAX_BYTES = 1024
    api = api_for("xian")
    audits = AuditEntry.objects.count()
    r = api.post(
        "/api/v1/members/imports",
        {"file": upload(tmp_path, [person(340 + i) for i in range(40)])},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert r.status_code == 400 and r.json()["code"] == "file_too_large"
    assert "0.0009765625 MB" not in r.json()["detail"] and "MB" in r.json()["detail"]
    assert not ImportBatch.objects.exists() and AuditEntry.objects.count() == audits
    assert _stored(settings) == []


def test_upload_page_shows_a_refused_file_on_the_form_and_writes_nothing(world, settings):
    from gonghui.core.models import AuditEntry

    c = client_for("xian")
    audits = AuditEntry.objects.count()
    r = c.post(
        "/members/imports/",
        {
            "file": SimpleUploadedFile("roster.csv", bytes(range(256)) * 40),
            "duplicates": "skip",
            "dry_run": "1",
        },
    )
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert "file" in errors and "CSV" in errors["file"][0]
    assert errors["file"][0] in r.content.decode()
    assert not ImportBatch.objects.exists() and AuditEntry.objects.count() == audits
    assert _stored(settings) == []
