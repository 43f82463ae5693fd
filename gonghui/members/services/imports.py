"""Starting, resuming, undoing and rolling back member imports (the importer itself is
``gonghui.members.imports.importer``).

Who may call: a user holding ``manage_members`` somewhere; rows may only name unions inside
that scope (checked per row by the importer). Undo and rollback need ``manage_members`` over
every member the batch touched.
"""

import datetime
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, uploads
from gonghui.members import counters, pinyin, tasks
from gonghui.members.choices import EventKind
from gonghui.members.imports import importer, reader
from gonghui.members.models import DuesRecord, ImportBatch, ImportChange, Member, MembershipEvent, Transfer
from gonghui.members.services import cleanup, hooks
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action
UNDO_CHUNK = 2000
PRUNE_AFTER_HOURS = 24
_COPY_BLOCK = 1024 * 1024


def _receive(file) -> Path:
    """Copy the upload (a path or a file-like object) to a new private file under
    MEDIA_ROOT/imports/ and return its path; raises ``ValidationError`` (``file_too_large``,
    the copy removed) when it is over ``GONGHUI_IMPORT_MAX_BYTES``."""
    limit = reader.max_bytes()
    if getattr(file, "size", None) is not None and file.size > limit:
        raise _refused(reader.too_big_error())
    if isinstance(file, (str, Path)):
        source = open(file, "rb")  # noqa: SIM115 - closed below
        close = True
    else:
        source, close = file, False
        if hasattr(source, "seek"):
            try:
                source.seek(0)
            except (OSError, ValueError):
                pass
    path, out = uploads.private_file(_imports_folder(), prefix=UPLOAD_PREFIX)
    written = 0
    try:
        with out:
            blocks = (
                source.chunks(_COPY_BLOCK)
                if hasattr(source, "chunks")
                else iter(lambda: source.read(_COPY_BLOCK), b"")
            )
            for block in blocks:
                if isinstance(block, str):
                    block = block.encode("utf-8")
                written += len(block)
                if written > limit:
                    raise _refused(reader.too_big_error())
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        if close:
            source.close()
    return path


def _refused(error: reader.FileError) -> ValidationError:
    return ValidationError(error.message, code=error.code)


def _resolve_organisation(actor, organisation) -> Organisation | None:
    if organisation in (None, ""):
        return None
    if isinstance(organisation, Organisation):
        scoping.require(actor, Action.MANAGE_MEMBERS, organisation)
        return organisation
    return scoping.get_organisation_or_404(actor, str(organisation).strip(), Action.MANAGE_MEMBERS)


def _enqueue(batch: ImportBatch) -> None:
    batch_id = str(batch.pk)
    transaction.on_commit(lambda: tasks.run_import.enqueue(batch_id))


def import_start(
    *, actor, file, file_name: str, organisation=None, dry_run: bool = False, duplicates: str = "skip"
) -> ImportBatch:
    """Accept a roster file and queue its import (or its preview when ``dry_run``).

    ``file`` is a path or a file-like object. ``organisation`` (an Organisation or its code)
    is the union for rows that name none; it must be inside the actor's ``manage_members``
    scope (404 otherwise). ``duplicates`` says what to do with ID numbers that are already
    members: ``skip``, ``update`` or ``fill``.

    The file is first copied to a private temporary file and given the checks that need no
    reading through (size, empty, format, encoding, the workbook's zip directory: see
    ``reader.detect``). A file that fails them raises ``ValidationError`` with the reason
    and its code, and nothing is written: no batch, no audit entry, no file. Only then is
    the batch created, the file moved to MEDIA_ROOT/imports/<batch id> (0600, in a 0700
    folder) and the background read queued; problems found while reading end the batch
    ``failed``. Also queues the clean-up of old roster and export files (at most every
    few minutes). Raises ``PermissionDenied`` (no import right anywhere), ``Http404``,
    ``ValidationError``."""
    if not scoping.has_any(actor, Action.MANAGE_MEMBERS):
        raise PermissionDenied
    if duplicates not in ImportBatch.Duplicates.values:
        raise ValidationError(
            {"duplicates": ValidationError(_("Choose skip, update or fill."), code="invalid_choice")}
        )
    org = _resolve_organisation(actor, organisation)
    name = (Path(str(file_name or "")).name or "import")[:255]
    received = _receive(file)
    try:
        try:
            source = reader.detect(str(received))
        except reader.FileError as exc:
            raise _refused(exc) from None
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                organisation=org,
                created_by=actor,
                file_name=name,
                dry_run=bool(dry_run),
                duplicates=duplicates,
                file_format=source.format,
                encoding=source.encoding,
            )
            target = _imports_folder() / str(batch.pk)
            os.replace(received, target)
            received = target  # from here on, a failure removes the file under its new name
            batch.file_path = str(target)
            batch.save(update_fields=["file_path"])
            audit.record(
                actor=actor,
                action="members.import.started",
                obj=batch,
                organisation_id=org.pk if org else None,
                changes={
                    "file": [None, name],
                    "dry_run": [None, batch.dry_run],
                    "duplicates": [None, duplicates],
                    "organisation": [None, org.code if org else None],
                },
            )
            _enqueue(batch)
            cleanup.schedule()
    except BaseException:
        received.unlink(missing_ok=True)
        raise
    return batch


def _require_manage(actor, batch: ImportBatch) -> None:
    """Confirm, resume, undo and roll back are for the batch's creator (it runs with their
    rights) or an operator; anyone else gets 404 like a missing batch."""
    if not (scoping.is_operator(actor) or batch.created_by_id == getattr(actor, "pk", None)):
        raise Http404
    if not scoping.has_any(actor, Action.MANAGE_MEMBERS):
        raise PermissionDenied
    if batch.organisation is not None:
        scoping.require(actor, Action.MANAGE_MEMBERS, batch.organisation)


def import_confirm(*, actor, batch: ImportBatch) -> ImportBatch:
    """Import for real the file of a finished preview, with the same options."""
    _require_manage(actor, batch)
    if not batch.dry_run or batch.status != ImportBatch.Status.DONE:
        raise ValidationError(_("Only a finished preview can be imported."), code="not_a_preview")
    if not _file_exists(batch):
        raise ValidationError(_("The uploaded file is no longer available."), code="file_gone")
    try:
        real = import_start(
            actor=actor,
            file=batch.file_path,
            file_name=batch.file_name,
            organisation=batch.organisation,
            dry_run=False,
            duplicates=batch.duplicates,
        )
    except FileNotFoundError:  # pruned at that very moment
        raise ValidationError(_("The uploaded file is no longer available."), code="file_gone") from None
    importer.discard_file(batch)  # the real batch has its own copy
    return real


def _file_exists(batch: ImportBatch) -> bool:
    return bool(batch.file_path) and Path(batch.file_path).is_file()


def _is_interrupted(batch: ImportBatch) -> bool:
    if batch.status == ImportBatch.Status.RUNNING:
        return importer.is_stale(batch)
    return batch.status == ImportBatch.Status.FAILED


def import_resume(*, actor, batch: ImportBatch) -> ImportBatch:
    """Carry on an import that was killed or stopped half way, from its checkpoint: rows
    already committed are skipped, so nothing is imported twice."""
    _require_manage(actor, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not _is_interrupted(locked):
            raise ValidationError(_("Only an interrupted import can be resumed."), code="not_interrupted")
        if not _file_exists(locked):
            raise ValidationError(_("The uploaded file is no longer available."), code="file_gone")
        locked.status = ImportBatch.Status.PENDING
        locked.message = ""
        locked.finished_at = None
        if locked.errors and locked.errors[0].get("row") == 0:
            locked.errors = locked.errors[1:]
            locked.error_count = max(0, locked.error_count - 1)
        locked.save(update_fields=["status", "message", "finished_at", "errors", "error_count"])
        audit.record(
            actor=actor,
            action="members.import.resumed",
            obj=locked,
            organisation_id=locked.organisation_id,
            changes={"checkpoint_row": [None, locked.checkpoint_row]},
        )
        _enqueue(locked)
    return locked


def _label(member: Member) -> str:
    return f"{member.member_no} {member.name}"


def _blockers(batch: ImportBatch, since) -> list[str]:
    """Members whose later changes an undo would lose, with the reason."""
    changes = ImportChange.objects.filter(batch=batch)
    created_ids = changes.filter(created=True).values("member_id")
    touched_ids = changes.values("member_id")
    reasons: dict = {}

    def add(member_ids, reason):
        for member in Member.objects.filter(pk__in=member_ids).only("member_no", "name")[:10]:
            reasons.setdefault(member.pk, f"{_label(member)}: {reason}")

    add(
        MembershipEvent.objects.filter(member_id__in=created_ids)
        .exclude(kind=EventKind.JOINED)
        .values("member_id"),
        _("its membership changed after the import (status change or transfer)"),
    )
    add(Transfer.objects.filter(member_id__in=created_ids).values("member_id"), _("it has a transfer"))
    add(DuesRecord.objects.filter(member_id__in=created_ids).values("member_id"), _("it has dues records"))
    add(
        Member.objects.filter(pk__in=created_ids, user__isnull=False).values("pk"),
        _("it is linked to a login"),
    )
    if since is not None:
        add(
            Member.objects.filter(pk__in=touched_ids, updated_at__gt=since).values("pk"),
            _("it was edited after the import"),
        )
    add(
        Member.objects.filter(pk__in=touched_ids).exclude(import_batch=batch).values("pk"),
        _("a later import changed it"),
    )
    return list(reasons.values())


def _undo(*, actor, batch: ImportBatch, allowed, action: str) -> ImportBatch:
    _require_manage(actor, batch)
    with transaction.atomic():
        locked = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=batch.pk)
        )
        if locked.dry_run or not allowed(locked):
            raise ValidationError(_("This import cannot be undone now."), code="not_undoable")
        touched = Member.objects.filter(pk__in=ImportChange.objects.filter(batch=locked).values("member_id"))
        if touched.count() != scoping.restrict(touched, actor, Action.MANAGE_MEMBERS).count():
            raise PermissionDenied
        since = locked.finished_at or locked.heartbeat_at
        blockers = _blockers(locked, since)
        if blockers:
            raise ValidationError(
                _("The import cannot be undone without losing later changes to: %(members)s.")
                % {"members": "; ".join(blockers)},
                code="changed_since",
            )
        created_ids = list(
            ImportChange.objects.filter(batch=locked, created=True).values_list("member_id", flat=True)
        )
        removed = 0
        for start in range(0, len(created_ids), UNDO_CHUNK):
            ids = created_ids[start : start + UNDO_CHUNK]
            members = list(Member.objects.filter(pk__in=ids).select_related("organisation"))
            hooks.members_bulk_removed(members)
            Member.objects.filter(pk__in=ids).delete()
            removed += len(members)
        restored = 0
        for change in ImportChange.objects.filter(batch=locked, created=False).select_related("member"):
            member = change.member
            counted = counters.snapshot(member)
            before = dict(change.before)
            previous_batch = before.pop("import_batch", None)
            for name, value in before.items():
                setattr(member, name, value)
            if "name" in before:
                member.name_pinyin, member.name_initials = pinyin.name_keys(member.name)
            member.import_batch_id = previous_batch
            member.save()
            hooks.member_changed(counted, member)
            restored += 1
        status_before = locked.status
        locked.status = ImportBatch.Status.UNDONE
        locked.finished_at = locked.finished_at or timezone.now()
        locked.save(update_fields=["status", "finished_at"])
        importer.discard_file(locked)
        audit.record(
            actor=actor,
            action=action,
            obj=locked,
            organisation_id=locked.organisation_id,
            changes={
                "status": [status_before, locked.status],
                "removed": [None, removed],
                "restored": [None, restored],
            },
        )
    return locked


def import_undo(*, actor, batch: ImportBatch) -> ImportBatch:
    """Undo a finished import: delete the members it created and restore the fields of the
    members it updated. Refused (``changed_since``, naming the members) when a member has
    changed since in a way the undo would lose — a status change, a transfer, an edit."""
    return _undo(
        actor=actor,
        batch=batch,
        allowed=lambda b: b.status == ImportBatch.Status.DONE,
        action="members.import.undone",
    )


def import_rollback(*, actor, batch: ImportBatch) -> ImportBatch:
    """Roll back an import that was killed or failed half way (or a finished one): the same
    as undo for the chunks it committed."""
    return _undo(
        actor=actor,
        batch=batch,
        allowed=lambda b: b.status == ImportBatch.Status.DONE or _is_interrupted(b),
        action="members.import.undone",
    )


def _imports_folder() -> Path:
    """MEDIA_ROOT/imports, private (0700): stored rosters hold clear ID and phone numbers."""
    return uploads.private_folder(Path(settings.MEDIA_ROOT) / "imports")


def prune_imports(*, older_than_hours: int = PRUNE_AFTER_HOURS, now: datetime.datetime | None = None) -> dict:
    """Delete stored roster files (clear ID and phone numbers) that nothing needs any more —
    the ``prune_imports`` command, run from cron, and the clean-up every import and export
    start queues (``services.cleanup``). Returns ``{"batches": n, "orphans": m}``.

    - previews never confirmed, finished more than ``older_than_hours`` ago;
    - failed imports and imports whose runner stopped reporting, more than ``older_than_hours``
      ago (they can no longer be resumed, but can still be rolled back);
    - undone (rolled back) and finished real imports, whatever their age (their file is
      normally deleted at once; this catches a worker that died before it could);
    - files in ``imports/`` that no batch refers to, older than ``older_than_hours``.

    Waiting batches, recent previews and recent failures are left alone. The batch keeps its
    row; ``file_path`` is cleared and, where the user could still want the file, ``message``
    says it is gone. Running it again changes nothing. One audit entry per run that removed
    something."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=older_than_hours)
    status = ImportBatch.Status
    candidates = (
        ImportBatch.objects.exclude(file_path="")
        .annotate(last_seen=Coalesce("finished_at", "heartbeat_at", "started_at", "created_at"))
        .filter(
            Q(status=status.UNDONE)
            | Q(status=status.DONE, dry_run=False)
            | Q(status__in=[status.DONE, status.FAILED, status.RUNNING], last_seen__lt=cutoff)
        )
        .only("pk", "status", "dry_run", "file_path", "message", "heartbeat_at")
    )
    gone = _("The uploaded file has been deleted; upload it again to import it.")
    paths = []
    for batch in candidates.iterator():
        tell = batch.status in (status.FAILED, status.RUNNING) or (
            batch.status == status.DONE and batch.dry_run
        )
        message = f"{batch.message} {gone}".strip() if tell else batch.message
        # Only if nothing changed it meanwhile (a resume, a confirm, a runner reporting back).
        cleared = ImportBatch.objects.filter(
            pk=batch.pk, status=batch.status, file_path=batch.file_path, heartbeat_at=batch.heartbeat_at
        ).update(file_path="", message=message)
        if cleared:
            paths.append(Path(batch.file_path))
    for path in paths:
        path.unlink(missing_ok=True)
    orphans = _prune_orphans(cutoff)
    if paths or orphans:
        audit.record(
            actor=None,
            action="members.import.files_pruned",
            object_type="members.importbatch",
            object_repr=f"{len(paths)} batch file(s), {orphans} orphan file(s)",
            changes={
                "batches": [None, len(paths)],
                "orphans": [None, orphans],
                "older_than_hours": [None, older_than_hours],
            },
        )
    return {"batches": len(paths), "orphans": orphans}


UPLOAD_PREFIX = ".upload-"
UPLOAD_STALE_SECONDS = 3600


def _prune_orphans(cutoff: datetime.datetime) -> int:
    """Files under imports/ named after a batch id that no batch (still) refers to (a file
    that outlived its batch's pruning), and uploads still under their temporary name an hour
    after they arrived (the process checking them died). Other names are not ours and are
    left alone."""
    folder = _imports_folder()
    limit = cutoff.timestamp()
    stale = timezone.now().timestamp() - UPLOAD_STALE_SECONDS  # whatever --hours says
    old = {}
    removed = 0
    for path in folder.iterdir():
        if path.name.startswith(UPLOAD_PREFIX):
            if path.is_file() and path.stat().st_mtime < stale:
                path.unlink(missing_ok=True)
                removed += 1
            continue
        try:
            batch_id = uuid.UUID(path.name)
        except ValueError:
            continue
        if path.is_file() and path.stat().st_mtime < limit:
            old[batch_id] = path
    if not old:
        return removed
    kept = set(
        ImportBatch.objects.filter(pk__in=list(old)).exclude(file_path="").values_list("pk", flat=True)
    )
    for batch_id, path in old.items():
        if batch_id not in kept:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
