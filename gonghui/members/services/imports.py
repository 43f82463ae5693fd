"""Starting, resuming, undoing and rolling back member imports (the importer itself is
``gonghui.members.imports.importer``).

Who may call: a user holding ``manage_members`` somewhere; rows may only name unions inside
that scope (checked per row by the importer). Undo and rollback need ``manage_members`` over
every member the batch touched.
"""

import os
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs, uploads
from gonghui.core.spreadsheets import reader
from gonghui.members import counters, permissions, tasks
from gonghui.members.choices import EventKind
from gonghui.members.imports import importer
from gonghui.members.models import DuesRecord, ImportBatch, ImportChange, Member, MembershipEvent, Transfer
from gonghui.members.services import cleanup, hooks, retention
from gonghui.members.services import members as member_services
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action
UNDO_CHUNK = 2000
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
    path, out = uploads.private_file(retention.imports_folder(), prefix=retention.UPLOAD_PREFIX)
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
    permissions.require_roster_keeper(actor)
    duplicates = inputs.choice(duplicates, "duplicates", ImportBatch.Duplicates)
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
            target = retention.imports_folder() / str(batch.pk)
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


def import_confirm(*, actor, batch: ImportBatch) -> ImportBatch:
    """Import for real the file of a finished preview, with the same options."""
    permissions.require_manage_batch(actor, batch)
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
    permissions.require_manage_batch(actor, batch)
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
    permissions.require_manage_batch(actor, batch)
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
                member_services.set_name_keys(member)
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
