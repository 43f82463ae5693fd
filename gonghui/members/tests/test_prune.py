"""Scheduled clean-up: stored roster files of unconfirmed previews and failed imports
(``prune_imports``), and exports whose worker died (``prune_exports``). Files go, the rows stay
and say why, recent work is left alone, a second run changes nothing."""

import datetime
import io
import os
import stat
import time
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.members import exports as writers
from gonghui.members.imports import importer
from gonghui.members.models import ExportJob, ImportBatch
from gonghui.members.services import exporter, exports, retention
from gonghui.members.services import imports as import_services
from gonghui.members.tests.test_imports import person, snapshot, write_csv
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db

GONE = "The uploaded file has been deleted"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"


def _batch(world, tmp_path, name, seq, **kwargs) -> ImportBatch:
    path = write_csv(tmp_path / name, [person(seq)])
    batch = import_services.import_start(actor=world.users["xian"], file=str(path), file_name=name, **kwargs)
    return importer.run(batch.pk)


def _age(batch: ImportBatch, hours: float) -> None:
    when = timezone.now() - datetime.timedelta(hours=hours)
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=when, started_at=when, heartbeat_at=when, finished_at=when
    )
    batch.refresh_from_db()


def _failed(batch: ImportBatch, message="The file could not be read.") -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, message=message)
    batch.refresh_from_db()


def _rows(*batches):
    return {
        b.pk: (b.status, b.file_path, b.message, b.created, b.processed)
        for b in ImportBatch.objects.filter(pk__in=[x.pk for x in batches])
    }


# ---- imports -------------------------------------------------------------------------------


def test_old_previews_and_failures_lose_their_file_recent_ones_keep_it(world, city_admin, tmp_path):
    old_preview = _batch(world, tmp_path, "old.csv", 401, dry_run=True)
    new_preview = _batch(world, tmp_path, "new.csv", 402, dry_run=True)
    old_failed = _batch(world, tmp_path, "oldf.csv", 403, dry_run=True)
    new_failed = _batch(world, tmp_path, "newf.csv", 404, dry_run=True)
    waiting = import_services.import_start(
        actor=city_admin, file=str(write_csv(tmp_path / "w.csv", [person(405)])), file_name="w.csv"
    )
    _failed(old_failed)
    _failed(new_failed)
    for b in (old_preview, old_failed, waiting):
        _age(b, 30)
    _age(new_preview, 23)
    _age(new_failed, 1)
    files = {b.pk: Path(b.file_path) for b in (old_preview, new_preview, old_failed, new_failed, waiting)}
    assert all(p.is_file() for p in files.values())
    kept = _rows(new_preview, new_failed, waiting)
    before = snapshot()

    result = retention.prune_imports(older_than_hours=24)

    assert result == {"batches": 2, "orphans": 0}
    assert not files[old_preview.pk].exists() and not files[old_failed.pk].exists()
    for b in (new_preview, new_failed, waiting):
        assert files[b.pk].is_file()
    assert _rows(new_preview, new_failed, waiting) == kept  # not touched at all
    old_preview.refresh_from_db()
    old_failed.refresh_from_db()
    assert old_preview.file_path == "" and old_preview.status == "done" and GONE in old_preview.message
    assert old_failed.file_path == "" and old_failed.status == "failed"
    # the reason it failed is kept, the deletion is said after it
    assert old_failed.message.startswith("The file could not be read.") and GONE in old_failed.message
    assert snapshot() == before  # no member, event or change touched
    entries = AuditEntry.objects.filter(action="members.import.files_pruned")
    assert entries.count() == 1
    assert entries.get().changes["batches"] == [None, 2]


def test_a_second_run_changes_nothing_and_writes_no_audit(world, tmp_path):
    preview = _batch(world, tmp_path, "p.csv", 410, dry_run=True)
    _age(preview, 48)
    assert retention.prune_imports()["batches"] == 1
    preview.refresh_from_db()
    state = _rows(preview)
    assert retention.prune_imports() == {"batches": 0, "orphans": 0}
    assert _rows(preview) == state
    assert GONE in preview.message and preview.message.count(GONE) == 1
    assert AuditEntry.objects.filter(action="members.import.files_pruned").count() == 1


def test_a_pruned_preview_cannot_be_confirmed_nor_a_pruned_failure_resumed(world, city_admin, tmp_path):
    preview = _batch(world, tmp_path, "p.csv", 420, dry_run=True)
    real = _batch(world, tmp_path, "r.csv", 421)
    _failed(real, "The import stopped unexpectedly after row 0; resume it or roll it back.")
    _age(preview, 25)
    _age(real, 25)
    retention.prune_imports()
    preview.refresh_from_db()
    real.refresh_from_db()
    batches = ImportBatch.objects.count()
    with pytest.raises(ValidationError) as confirm:
        import_services.import_confirm(actor=city_admin, batch=preview)
    assert confirm.value.code == "file_gone"
    with pytest.raises(ValidationError) as resume:
        import_services.import_resume(actor=city_admin, batch=real)
    assert resume.value.code == "file_gone"
    assert ImportBatch.objects.count() == batches


def web_page(world, batch) -> str:
    web = client_for("xian")
    return web.get(
        reverse("members:import_detail", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()


def test_the_import_page_and_api_say_the_file_is_gone(world, tmp_path):
    preview = _batch(world, tmp_path, "p.csv", 425, dry_run=True)
    _age(preview, 25)
    retention.prune_imports()
    web = client_for("xian")
    fresh = _batch(world, tmp_path, "q.csv", 426, dry_run=True)
    assert "Import for real" in web_page(world, fresh)
    page = web.get(reverse("members:import_detail", args=[preview.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert GONE in page.content.decode()
    # The page no longer offers what cannot work without the file.
    assert "Import for real" not in page.content.decode()
    response = web.post(reverse("members:import_commit", args=[preview.pk]), follow=True)
    assert response.status_code == 200
    assert ImportBatch.objects.filter(dry_run=False).count() == 0


def test_undone_and_interrupted_batches_lose_their_file(world, tmp_path, django_capture_on_commit_callbacks):
    undone = _batch(world, tmp_path, "u.csv", 430)
    stale = _batch(world, tmp_path, "s.csv", 431, dry_run=True)
    recent_stale = _batch(world, tmp_path, "rs.csv", 432, dry_run=True)
    # An undone batch whose file survived (the worker died before the on-commit delete).
    ImportBatch.objects.filter(pk=undone.pk).update(status=ImportBatch.Status.UNDONE)
    Path(undone.file_path).write_bytes(b"left behind")
    # Runners killed 30 hours and 1 hour ago.
    ImportBatch.objects.filter(pk__in=[stale.pk, recent_stale.pk]).update(status=ImportBatch.Status.RUNNING)
    _age(stale, 30)
    _age(recent_stale, 1)
    result = retention.prune_imports()
    assert result["batches"] == 2
    undone.refresh_from_db()
    stale.refresh_from_db()
    recent_stale.refresh_from_db()
    assert undone.file_path == "" and undone.message == "" and undone.status == "undone"
    assert stale.file_path == "" and GONE in stale.message and stale.status == "running"
    assert Path(recent_stale.file_path).is_file() and recent_stale.message == ""


def test_a_real_import_keeps_nothing_to_prune(world, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        done = _batch(world, tmp_path, "d.csv", 440)
    assert done.status == "done" and done.created == 1
    _age(done, 100)
    retention.prune_imports()
    done.refresh_from_db()
    assert done.file_path == "" and done.message == "" and done.created == 1


def test_orphan_files_are_removed_when_old_and_other_files_left_alone(world, tmp_path):
    preview = _batch(world, tmp_path, "p.csv", 450, dry_run=True)
    folder = Path(preview.file_path).parent
    old_orphan = folder / str(uuid.uuid4())
    new_orphan = folder / str(uuid.uuid4())
    not_ours = folder / "README"
    for p in (old_orphan, new_orphan, not_ours):
        p.write_bytes(b"x")
    past = time.time() - 30 * 3600
    for p in (old_orphan, not_ours, Path(preview.file_path)):
        os.utime(p, (past, past))
    result = retention.prune_imports()
    assert result == {"batches": 0, "orphans": 1}
    assert not old_orphan.exists()
    assert new_orphan.exists() and not_ours.exists()
    assert Path(preview.file_path).is_file()  # its batch is recent and refers to it


def test_prune_imports_command(world, tmp_path):
    preview = _batch(world, tmp_path, "p.csv", 460, dry_run=True)
    _age(preview, 5)
    out = io.StringIO()
    call_command("prune_imports", stdout=out)
    assert out.getvalue().startswith("0 import file(s)")
    assert Path(preview.file_path).is_file()
    out = io.StringIO()
    call_command("prune_imports", "--hours", "4", stdout=out)
    assert out.getvalue().startswith("1 import file(s)")
    assert not Path(preview.file_path).exists()


# ---- exports whose worker died ------------------------------------------------------------


def _queued(world, **kwargs) -> ExportJob:
    """An export whose task never ran (its on-commit callback is not executed here)."""
    return exports.export_start(
        actor=world.users["xian"], organisation=world.orgs["xian"], file_format="csv", **kwargs
    )


def _started_ago(job: ExportJob, minutes: float) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    job.refresh_from_db()


def test_stuck_exports_are_marked_failed_with_a_message(world, django_capture_on_commit_callbacks):
    lost_pending = _queued(world)
    lost_running = _queued(world)
    recent = _queued(world)
    with django_capture_on_commit_callbacks(execute=True):
        done = _queued(world)
    done.refresh_from_db()
    assert done.status == "done"
    ExportJob.objects.filter(pk=lost_running.pk).update(status=ExportJob.Status.RUNNING, processed=2000)
    for job in (lost_pending, lost_running, done):
        _started_ago(job, 121)
    _started_ago(recent, 60)

    out = io.StringIO()
    call_command("prune_exports", stdout=out)
    assert "2 stuck export(s) marked failed." in out.getvalue()

    for job in (lost_pending, lost_running, recent, done):
        job.refresh_from_db()
    assert lost_pending.status == lost_running.status == "failed"
    assert "did not finish within 120 minutes" in lost_running.message
    assert lost_running.file_path == "" and lost_running.expires_at is None
    assert recent.status == "pending" and recent.message == ""
    assert done.status == "done" and default_storage.exists(done.file_path)
    audits = AuditEntry.objects.filter(action="members.export.failed")
    assert sorted(audits.values_list("object_id", flat=True)) == sorted(
        [str(lost_pending.pk), str(lost_running.pk)]
    )
    assert retention.fail_stuck_exports() == 0  # idempotent


def test_the_timeout_is_a_setting(world, settings):
    job = _queued(world)
    _started_ago(job, 20)
    assert retention.fail_stuck_exports() == 0
    settings.GONGHUI_EXPORT_TIMEOUT_MINUTES = 15
    assert retention.fail_stuck_exports() == 1


def test_the_progress_page_reports_a_lost_export_without_waiting_for_cron(world):
    job = _queued(world)
    _started_ago(job, 180)
    web = client_for("xian")
    page = web.get(reverse("members:export_detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "did not finish within" in page.content.decode()
    job.refresh_from_db()
    assert job.status == "failed"
    # a late worker does nothing with it
    assert exporter.run(job.pk).status == "failed"


def test_a_worker_that_finishes_after_being_given_up_on_keeps_no_file(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    job = _queued(world)
    real_writer = writers.WRITERS["csv"]

    def slow_writer(members, out, **kwargs):
        rows = real_writer(members, out, **kwargs)
        _started_ago(job, 500)  # meanwhile cron decided the worker was dead
        assert retention.fail_stuck_exports() == 1
        return rows

    monkeypatch.setitem(writers.WRITERS, "csv", slow_writer)
    with django_capture_on_commit_callbacks(execute=True):
        result = exporter.run(job.pk)
    assert result.status == "failed" and result.file_path == ""
    assert not default_storage.exists(f"exports/{job.pk}.csv")
    assert not AuditEntry.objects.filter(action="members.export.finished", object_id=str(job.pk)).exists()


# ---- files with personal data are private ----------------------------------------------------


@pytest.fixture
def open_umask():
    """The widest umask a process could run with: the modes must not depend on it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_stored_roster_is_readable_by_the_app_user_only(city_admin, tmp_path, settings, open_umask):
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)  # as an earlier version left it
    path = write_csv(tmp_path / "p.csv", [person(440)])
    batch = import_services.import_start(actor=city_admin, file=str(path), file_name="p.csv", dry_run=True)
    assert _mode(batch.file_path) == 0o600
    assert _mode(folder) == 0o700


def test_an_unmasked_export_file_is_readable_by_the_app_user_only(
    world, city_admin, tmp_path, settings, open_umask, django_capture_on_commit_callbacks
):
    media = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    (media / "exports").mkdir(parents=True)
    os.chmod(media / "exports", 0o755)
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_start(
            actor=city_admin,
            organisation=world.orgs["xian"],
            file_format="csv",
            unmasked=True,
            reason="核对",
        )
    job.refresh_from_db()
    assert job.status == "done" and (media / job.file_path).is_file()
    assert _mode(media / job.file_path) == 0o600
    assert _mode(media / "exports") == 0o700


# ---- clean-up runs by itself ---------------------------------------------------------------------


def test_an_import_start_prunes_old_files_by_itself_at_most_every_few_minutes(
    world, city_admin, tmp_path, django_capture_on_commit_callbacks
):
    from gonghui.members.services import cleanup

    old = _batch(world, tmp_path, "old.csv", 450, dry_run=True)
    _age(old, 30)
    cleanup.forget()
    with django_capture_on_commit_callbacks(execute=True):
        _batch(world, tmp_path, "a.csv", 451, dry_run=True)
    assert not Path(old.file_path).exists()
    old.refresh_from_db()
    assert old.file_path == "" and GONE in old.message
    # Within the next few minutes another start does not queue it again.
    later = _batch(world, tmp_path, "later.csv", 452, dry_run=True)
    _age(later, 30)
    with django_capture_on_commit_callbacks(execute=True):
        _batch(world, tmp_path, "b.csv", 453, dry_run=True)
    assert Path(later.file_path).exists()
    # Once the interval has passed (forgotten here), an export start queues it too.
    cleanup.forget()
    with django_capture_on_commit_callbacks(execute=True):
        exports.export_start(actor=city_admin, organisation=world.orgs["xian"], file_format="csv")
    assert not Path(later.file_path).exists()


def test_an_export_start_deletes_expired_exports_by_itself(
    world, city_admin, django_capture_on_commit_callbacks
):
    from gonghui.members.services import cleanup

    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_start(actor=city_admin, organisation=world.orgs["xian"], file_format="csv")
    job.refresh_from_db()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    assert default_storage.exists(job.file_path)
    cleanup.forget()
    with django_capture_on_commit_callbacks(execute=True):
        exports.export_start(actor=city_admin, organisation=world.orgs["xian"], file_format="csv")
    assert not default_storage.exists(job.file_path)
    assert ExportJob.objects.get(pk=job.pk).file_path == ""


def test_uploads_left_under_their_temporary_name_are_deleted_after_an_hour(world, settings):
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True)
    stale, fresh = folder / ".upload-stale", folder / ".upload-fresh"
    stale.write_bytes(b"id numbers")
    fresh.write_bytes(b"id numbers")
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    result = retention.prune_imports()
    assert result["orphans"] == 1 and not stale.exists() and fresh.exists()
