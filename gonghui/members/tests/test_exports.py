"""Member exports: masked unless revealed with a reason, scoped (sibling admins get 404, a
viewer 403), formula injection neutralised in CSV and .xlsx, downloads only for the creator
until expiry (then 410), pruning, audit entries, a bounded query count — and nothing else in
the database changes."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.core.spreadsheets import cells
from gonghui.members import exports as writers
from gonghui.members.models import ExportJob, Member, MembershipEvent
from gonghui.members.services import exporter, exports, personal, retention
from gonghui.members.services import members as member_services
from gonghui.organisations.models import Organisation, RoleAssignment
from gonghui.testing import api_for, client_for, make_id_number, make_phone

pytestmark = pytest.mark.django_db

INJECTIONS = ['=HYPERLINK("http://evil","x")', "+SUM(1,2)", "-2+3", "@cmd"]


def _clear(member: Member) -> tuple[str, str]:
    return crypto.decrypt(member.id_number_enc), crypto.decrypt(member.phone_enc)


def _state() -> dict:
    """What an export must not touch."""
    return {
        "members": sorted(
            Member.objects.values_list("pk", "updated_at", "status", "organisation_id", "name")
        ),
        "events": MembershipEvent.objects.count(),
        "organisations": sorted(Organisation.objects.values_list("pk", "path")),
        "roles": RoleAssignment.objects.count(),
    }


def _start(capture, **kwargs) -> ExportJob:
    with capture(execute=True):
        job = exports.export_start(**kwargs)
    job.refresh_from_db()
    return job


def _bytes(job: ExportJob) -> bytes:
    with default_storage.open(job.file_path, "rb") as fh:
        return fh.read()


def _csv_rows(job: ExportJob) -> list[list[str]]:
    data = _bytes(job)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx_rows(job: ExportJob) -> list[list]:
    sheet = load_workbook(io.BytesIO(_bytes(job)), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _xlsx_text(job: ExportJob) -> bytes:
    with zipfile.ZipFile(io.BytesIO(_bytes(job))) as z:
        return b"".join(z.read(name) for name in z.namelist())


@pytest.fixture
def tricky(world):
    """A 西安 member whose free-text fields look like spreadsheet formulas."""
    return member_services.member_create(
        actor=None,
        organisation=world.orgs["yanta_joint"],
        name="王芳",
        id_number=make_id_number("610113", datetime.date(1995, 2, 3), "F", seq=41),
        phone=make_phone(41),
        employer=INJECTIONS[0],
        job=INJECTIONS[1],
        joined_on=datetime.date(2022, 5, 1),
        employment_form="courier",
        is_migrant_worker=True,
    )


# ---- content -------------------------------------------------------------------------------


def test_csv_is_masked_by_default_with_bom_chinese_headers_and_labels(
    world, city_officer, tricky, django_capture_on_commit_callbacks
):
    job = _start(
        django_capture_on_commit_callbacks,
        actor=city_officer,
        organisation=world.orgs["xian"],
        file_format="csv",
    )
    assert job.status == "done" and job.total == job.processed == 2 and not job.unmasked
    assert job.file_path == f"exports/{job.pk}.csv"
    assert job.expires_at > timezone.now() + datetime.timedelta(hours=23)
    rows = _csv_rows(job)
    assert rows[0] == writers.HEADERS and rows[0][:3] == ["姓名", "性别", "出生年月"]
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"张伟", "王芳"}  # not the 宝鸡 or 甘肃 members
    wang = by_name["王芳"]
    assert wang["性别"] == "女" and wang["就业形态"] == "快递员" and wang["是否农民工"] == "是"
    assert wang["会籍状态"] == "会员" and wang["民族"] == "汉族" and wang["出生年月"] == "1995-02"
    assert wang["所属工会代码"] == "XA-0002" and wang["入会日期"] == "2022-05-01"
    data = _bytes(job)
    for member in (world.members["xian_worker"], tricky):
        member.refresh_from_db()
        id_number, phone = _clear(member)
        assert id_number.encode() not in data and phone.encode() not in data
        assert by_name[member.name]["身份证号码"] == member.id_number_masked
        assert by_name[member.name]["手机号码"] == member.phone_masked


def test_xlsx_opens_with_openpyxl_masked_with_chinese_headers(
    world, city_admin, tricky, django_capture_on_commit_callbacks
):
    job = _start(
        django_capture_on_commit_callbacks,
        actor=city_admin,
        organisation=world.orgs["xian"],
        file_format="xlsx",
    )
    rows = _xlsx_rows(job)
    assert rows[0] == writers.HEADERS
    assert sorted(r[0] for r in rows[1:]) == sorted(["张伟", "王芳"])
    text = _xlsx_text(job)
    for member in (world.members["xian_worker"], tricky):
        id_number, phone = _clear(member)
        assert id_number.encode() not in text and phone.encode() not in text
        assert member.id_number_masked.encode() in text


def test_formula_injection_is_neutralised_in_csv(
    world, city_admin, tricky, django_capture_on_commit_callbacks
):
    job = _start(
        django_capture_on_commit_callbacks,
        actor=city_admin,
        organisation=world.orgs["yanta_joint"],
        file_format="csv",
    )
    row = dict(zip(*_csv_rows(job), strict=True))
    assert row["工作单位"] == "'" + INJECTIONS[0]
    assert row["职务"] == "'" + INJECTIONS[1]
    for text in [*INJECTIONS, "\tx", "\rx"]:
        assert cells.neutralise(text) == "'" + text
    assert cells.neutralise("普通文本") == "普通文本" and cells.neutralise("") == ""


def test_formula_injection_is_a_plain_string_in_xlsx(
    world, city_admin, tricky, django_capture_on_commit_callbacks
):
    job = _start(
        django_capture_on_commit_callbacks,
        actor=city_admin,
        organisation=world.orgs["yanta_joint"],
        file_format="xlsx",
    )
    sheet = load_workbook(io.BytesIO(_bytes(job))).worksheets[0]
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}
    assert cells["工作单位"].value == INJECTIONS[0] and cells["工作单位"].data_type == "s"
    assert cells["职务"].value == INJECTIONS[1] and cells["职务"].data_type == "s"
    assert b"<f>" not in _xlsx_text(job) and b"<f " not in _xlsx_text(job)


def test_filters_narrow_the_export_like_the_member_list(
    world, city_admin, province_admin, tricky, django_capture_on_commit_callbacks
):
    job = _start(
        django_capture_on_commit_callbacks,
        actor=city_admin,
        organisation=world.orgs["xian"],
        file_format="csv",
        filters={"employment_form": "courier", "status": "active"},
    )
    assert [r[0] for r in _csv_rows(job)[1:]] == ["王芳"]
    job = _start(
        django_capture_on_commit_callbacks,
        actor=province_admin,
        organisation=world.orgs["shaanxi"],
        file_format="csv",
        filters={"q": "张伟"},
    )
    assert [r[0] for r in _csv_rows(job)[1:]] == ["张伟"]


# ---- unmasking -----------------------------------------------------------------------------


def test_unmasked_needs_the_reveal_right_and_a_reason(
    world, city_admin, city_officer, django_capture_on_commit_callbacks
):
    before = (ExportJob.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):  # an officer exports, but may not reveal
        exports.export_start(
            actor=city_officer,
            organisation=world.orgs["xian"],
            file_format="csv",
            unmasked=True,
            reason="社保核对",
        )
    with pytest.raises(ValidationError) as exc:
        exports.export_start(
            actor=city_admin, organisation=world.orgs["xian"], file_format="csv", unmasked=True
        )
    assert exc.value.error_dict["reason"][0].code == "required"
    assert (ExportJob.objects.count(), AuditEntry.objects.count()) == before

    job = _start(
        django_capture_on_commit_callbacks,
        actor=city_admin,
        organisation=world.orgs["xian"],
        file_format="csv",
        unmasked=True,
        reason="社保核对",
    )
    id_number, phone = _clear(world.members["xian_worker"])
    row = dict(zip(*_csv_rows(job), strict=True))
    assert row["身份证号码"] == id_number and row["手机号码"] == phone
    started = AuditEntry.objects.get(action="members.export.started", object_id=str(job.pk))
    assert started.reason == "社保核对" and started.changes["unmasked"] == [None, True]


# ---- scope ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sibling, code", [("baoji", "610100"), ("gansu", "610000"), ("gansu", "XA-0001")])
def test_sibling_admin_gets_404_for_the_organisation(world, sibling, code):
    client = api_for(sibling)
    before = _state() | {"jobs": ExportJob.objects.count(), "audit": AuditEntry.objects.count()}
    r = client.post(
        "/api/v1/members/exports", {"organisation": code, "format": "csv"}, content_type="application/json"
    )
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    org = Organisation.objects.get(code=code)
    with pytest.raises(Http404):
        exports.export_start(actor=world.users[sibling], organisation=org, file_format="csv")
    after = _state() | {"jobs": ExportJob.objects.count(), "audit": AuditEntry.objects.count()}
    assert after == before


def test_sibling_and_colleague_get_404_for_someone_elses_job(
    world, city_admin, django_capture_on_commit_callbacks
):
    job = _start(
        django_capture_on_commit_callbacks,
        actor=city_admin,
        organisation=world.orgs["xian"],
        file_format="csv",
    )
    downloads = AuditEntry.objects.filter(action="members.export.downloaded").count()
    for username in ("baoji", "gansu", "xian_officer"):
        client = api_for(username)
        for url in (f"/api/v1/members/exports/{job.pk}", f"/api/v1/members/exports/{job.pk}/download"):
            r = client.get(url)
            assert r.status_code == 404 and r.json()["code"] == "not_found", (username, url)
        web = client_for(world.users[username])
        for name in ("members:export_detail", "members:export_download"):
            assert web.get(reverse(name, args=[job.pk])).status_code == 404
    assert api_for("xian").get("/api/v1/members/exports/not-a-uuid").status_code == 404
    assert AuditEntry.objects.filter(action="members.export.downloaded").count() == downloads


def test_viewer_gets_403(world, city_viewer):
    client = api_for("xian_viewer")
    before = _state() | {"jobs": ExportJob.objects.count(), "audit": AuditEntry.objects.count()}
    r = client.post(
        "/api/v1/members/exports",
        {"organisation": "610100", "format": "csv"},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    web = client_for("xian_viewer")
    assert web.get(reverse("members:export_new")).status_code == 403
    assert (
        web.post(reverse("members:export_new"), {"organisation": "610100", "file_format": "csv"}).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        exports.export_start(actor=city_viewer, organisation=world.orgs["xian"], file_format="csv")
    after = _state() | {"jobs": ExportJob.objects.count(), "audit": AuditEntry.objects.count()}
    assert after == before


def test_running_a_finished_job_again_changes_nothing(world, city_admin, django_capture_on_commit_callbacks):
    job = _start(
        django_capture_on_commit_callbacks,
        actor=city_admin,
        organisation=world.orgs["xian"],
        file_format="csv",
    )
    data, audit_count = _bytes(job), AuditEntry.objects.count()
    again = exporter.run(job.pk)
    assert again.status == "done" and again.file_path == job.file_path and again.expires_at == job.expires_at
    assert _bytes(again) == data and AuditEntry.objects.count() == audit_count


def test_withdrawn_rights_fail_the_queued_job_without_a_file(world, city_officer):
    job = exports.export_start(actor=city_officer, organisation=world.orgs["xian"], file_format="csv")
    RoleAssignment.objects.filter(user=city_officer).delete()
    city_officer.refresh_from_db()
    job = exporter.run(job.pk)
    assert job.status == "failed" and job.file_path == "" and job.message
    assert not default_storage.exists(f"exports/{job.pk}.csv")
    assert AuditEntry.objects.filter(action="members.export.failed", object_id=str(job.pk)).exists()


# ---- API and pages -------------------------------------------------------------------------


def test_api_export_is_polled_then_downloaded_and_every_step_is_logged(
    city_admin, django_capture_on_commit_callbacks
):
    client = api_for("xian")
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/api/v1/members/exports",
            {"organisation": "610100", "format": "xlsx", "status": "active"},
            content_type="application/json",
        )
    assert r.status_code == 201, r.content
    job_id = r.json()["id"]
    assert set(r.json()) == {"id", "status"}
    state = client.get(f"/api/v1/members/exports/{job_id}").json()
    assert state["status"] == "done" and state["total"] == state["processed"] == 1
    assert state["download_url"] == f"/api/v1/members/exports/{job_id}/download" and state["expires_at"]
    download = client.get(state["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == writers.HEADERS
    actions = list(
        AuditEntry.objects.filter(object_id=job_id).order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == ["members.export.started", "members.export.finished", "members.export.downloaded"]
    started = AuditEntry.objects.get(object_id=job_id, action="members.export.started")
    assert started.changes["rows"] == [None, 1] and started.changes["unmasked"] == [None, False]
    assert started.changes["filters"] == [None, "status=active"]
    assert started.actor == city_admin
    assert _state() == before


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"organisation": "610100", "format": "pdf"}, "invalid_choice"),
        ({"organisation": "610100", "format": "csv", "status": "nope"}, "invalid_choice"),
        ({"organisation": "610100", "format": "csv", "employment_form": "pilot"}, "invalid_choice"),
        ({"organisation": "610100", "format": "csv", "q": "x" * 61}, "too_long"),
        ({"organisation": "610100", "format": "csv", "q": "a\x00b"}, "control_characters"),
        ({"organisation": "610100", "format": "csv", "unmasked": True}, "required"),
        ({"organisation": "610100", "format": "csv", "unmasked": True, "reason": "x"}, "reason_required"),
        ({"organisation": "610100", "format": "csv", "unmasked": "yes"}, "invalid"),
        ({"format": "csv"}, "invalid"),
    ],
)
def test_bad_api_input_is_a_400_and_writes_nothing(world, payload, code):
    client = api_for("xian")
    before = _state() | {"jobs": ExportJob.objects.count(), "audit": AuditEntry.objects.count()}
    r = client.post("/api/v1/members/exports", payload, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == code and r.json()["detail"]
    after = _state() | {"jobs": ExportJob.objects.count(), "audit": AuditEntry.objects.count()}
    assert after == before


def test_unknown_organisation_is_404(world):
    r = api_for("xian").post(
        "/api/v1/members/exports", {"organisation": "NOPE", "format": "csv"}, content_type="application/json"
    )
    assert r.status_code == 404 and ExportJob.objects.count() == 0


def test_export_pages_from_the_member_list_to_the_download(world, django_capture_on_commit_callbacks):
    web = client_for("xian_officer")
    listing = web.get(reverse("members:list"), {"status": "active"}).content.decode()
    assert reverse("members:export_new") + "?status=active" in listing
    form = web.get(reverse("members:export_new"), {"organisation": "610100", "status": "active"})
    assert form.status_code == 200 and 'value="610100"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = web.post(
            reverse("members:export_new"),
            {
                "organisation": "610100",
                "file_format": "csv",
                "status": "active",
                "q": "",
                "employment_form": "",
            },
        )
    assert r.status_code == 302
    job = ExportJob.objects.get()
    assert r["Location"] == reverse("members:export_detail", args=[job.pk])
    page = web.get(r["Location"]).content.decode()
    assert reverse("members:export_download", args=[job.pk]) in page
    fragment = web.get(
        r["Location"], HTTP_HX_REQUEST="true", HTTP_HX_TARGET="export-progress"
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="export-progress"') and "hx-trigger" not in fragment
    download = web.get(reverse("members:export_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    body = b"".join(download.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and "张伟".encode() in body
    assert AuditEntry.objects.filter(action="members.export.downloaded", object_id=str(job.pk)).count() == 1


def test_web_form_refuses_unmasked_for_an_officer_and_writes_nothing(world):
    web = client_for("xian_officer")
    r = web.post(
        reverse("members:export_new"),
        {"organisation": "610100", "file_format": "csv", "unmasked": "on", "reason": "核对"},
    )
    assert r.status_code == 403 and ExportJob.objects.count() == 0
    r = web.post(reverse("members:export_new"), {"organisation": "620000", "file_format": "csv"})
    assert r.status_code == 200 and ExportJob.objects.count() == 0  # out of reach: a form error


def test_pending_job_polls_and_has_no_link(world, city_admin):
    job = exports.export_start(actor=city_admin, organisation=world.orgs["xian"], file_format="csv")
    state = api_for("xian").get(f"/api/v1/members/exports/{job.pk}").json()
    assert state["status"] == "pending" and state["download_url"] is None
    web = client_for("xian")
    page = web.get(reverse("members:export_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert api_for("xian").get(f"/api/v1/members/exports/{job.pk}/download").status_code == 404


# ---- expiry and pruning --------------------------------------------------------------------


def test_expired_export_is_gone_and_nothing_is_served(world, city_admin, django_capture_on_commit_callbacks):
    job = _start(
        django_capture_on_commit_callbacks,
        actor=city_admin,
        organisation=world.orgs["xian"],
        file_format="csv",
    )
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    downloads = AuditEntry.objects.filter(action="members.export.downloaded").count()
    client = api_for("xian")
    state = client.get(f"/api/v1/members/exports/{job.pk}").json()
    assert state["download_url"] is None
    r = client.get(f"/api/v1/members/exports/{job.pk}/download")
    assert r.status_code == 410 and r.json()["code"] == "gone" and "张伟".encode() not in r.content
    web = client_for("xian")
    r = web.get(reverse("members:export_download", args=[job.pk]))
    assert r.status_code == 410 and "张伟".encode() not in r.content
    assert AuditEntry.objects.filter(action="members.export.downloaded").count() == downloads


def test_prune_removes_expired_files_only(world, city_admin, django_capture_on_commit_callbacks):
    old = _start(
        django_capture_on_commit_callbacks,
        actor=city_admin,
        organisation=world.orgs["xian"],
        file_format="csv",
    )
    fresh = _start(
        django_capture_on_commit_callbacks,
        actor=city_admin,
        organisation=world.orgs["xian"],
        file_format="xlsx",
    )
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    path = old.file_path
    assert default_storage.exists(path)
    out = io.StringIO()
    call_command("prune_exports", stdout=out)
    assert "1" in out.getvalue()
    assert not default_storage.exists(path) and default_storage.exists(fresh.file_path)
    old.refresh_from_db()
    assert old.file_path == "" and AuditEntry.objects.filter(action="members.export.pruned").count() == 1
    r = api_for("xian").get(f"/api/v1/members/exports/{old.pk}/download")
    assert r.status_code == 410
    assert retention.prune_exports() == 0


# ---- scale ---------------------------------------------------------------------------------


def _bulk_members(organisation, n: int) -> None:
    batch = []
    for i in range(n):
        m = Member(
            organisation=organisation,
            name=f"测试{i}",
            member_no=f"T{i:09d}",
            joined_on=datetime.date(2020, 1, 1),
        )
        facts = personal.set_id_number(
            m, make_id_number("610113", datetime.date(1970, 1, 1) + datetime.timedelta(days=i), "M", seq=i)
        )
        personal.set_phone(m, f"137{i:08d}", required=False)
        m.gender, m.birth_date = facts.gender, facts.birth_date
        batch.append(m)
    Member.objects.bulk_create(batch, batch_size=500)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_1000_member_export_keeps_the_query_count_bounded(
    world, city_admin, file_format, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    _bulk_members(world.orgs["xian_factory"], 1000)
    before = _state()
    job = exports.export_start(actor=city_admin, organisation=world.orgs["xian"], file_format=file_format)
    with django_assert_max_num_queries(12):
        exporter.run(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.total == job.processed == 1001
    rows = _csv_rows(job) if file_format == "csv" else _xlsx_rows(job)
    assert len(rows) == 1002
    assert _state() == before


def test_unknown_filters_are_refused_before_anything_is_written(world, city_admin):
    before = (ExportJob.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        exports.export_start(
            actor=city_admin,
            organisation=world.orgs["xian"],
            file_format="csv",
            filters={"path": "/"},
        )
    assert exc.value.code == "filter_unknown"
    assert (ExportJob.objects.count(), AuditEntry.objects.count()) == before
