"""Member imports over HTTP: upload a roster (multipart), follow its progress, undo it.
Thin: parse → service → shape."""

from django.http import HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.core.api import fresh
from gonghui.members.imports import queries
from gonghui.members.imports import template as import_template
from gonghui.members.models import ImportBatch
from gonghui.members.services import imports as import_services

router = Router(tags=["imports"])


class ImportCreated(Schema):
    id: str


class ImportRowError(Schema):
    row: int
    column: str
    message: str


class ImportBatchOut(Schema):
    id: str
    status: str
    dry_run: bool
    duplicates: str
    file_name: str
    processed: int
    total: int
    created: int
    updated: int
    skipped: int
    error_count: int
    errors: list[ImportRowError]
    message: str


def _shape(batch: ImportBatch) -> dict:
    return {
        "id": str(batch.pk),
        "status": batch.status,
        "dry_run": batch.dry_run,
        "duplicates": batch.duplicates,
        "file_name": batch.file_name,
        "processed": batch.processed,
        "total": batch.total,
        "created": batch.created,
        "updated": batch.updated,
        "skipped": batch.skipped,
        "error_count": batch.error_count,
        "errors": batch.errors,
        "message": batch.message,
    }


@router.post("", response={201: ImportCreated})
def import_create(
    request,
    file: File[UploadedFile],
    organisation: Form[str] = "",
    dry_run: Form[bool] = False,
    duplicates: Form[str] = "skip",
):
    """Upload a roster (.xlsx or .csv in UTF-8, UTF-8 with BOM or GB18030). ``organisation``
    is the union code for rows without a 所属工会代码; ``duplicates`` is skip, update or fill.
    Follow the import at GET /members/imports/{id}. A file refused at upload (empty, not a
    table, an unknown encoding, over a size or workbook limit) is answered 400 with ``detail``
    and ``code``, and nothing is stored; problems found while reading end the import
    ``failed``."""
    batch = import_services.import_start(
        actor=request.user,
        file=file,
        file_name=file.name or "",
        organisation=organisation or None,
        dry_run=dry_run,
        duplicates=duplicates,
    )
    return Status(201, {"id": str(batch.pk)})


@router.get("/template")
def import_template_download(request, format: str = "xlsx"):
    """The roster template with Chinese headers and an example row (``format`` xlsx or csv)."""
    if format == "csv":
        response = HttpResponse(import_template.as_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="members-template.csv"'
        return response
    response = HttpResponse(
        import_template.as_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="members-template.xlsx"'
    return response


@router.get("/{batch_id}", response=ImportBatchOut)
def import_detail(request, batch_id: str):
    """Progress and outcome: status ends as done or failed (undone after an undo)."""
    return _shape(queries.batch_or_404(request.user, batch_id))


@router.post("/{batch_id}/commit", response={201: ImportCreated})
def import_commit(request, batch_id: str):
    """Import for real the file of a finished preview (dry run)."""
    batch = import_services.import_confirm(
        actor=request.user, batch=queries.batch_or_404(request.user, batch_id)
    )
    return Status(201, {"id": str(batch.pk)})


@router.post("/{batch_id}/undo", response=ImportBatchOut)
def import_undo(request, batch_id: str):
    """Undo a finished import (refused when members changed since, naming them)."""
    batch = queries.batch_or_404(request.user, batch_id)
    return _shape(import_services.import_undo(actor=request.user, batch=batch))


@router.post("/{batch_id}/resume", response=ImportBatchOut)
def import_resume(request, batch_id: str):
    """Carry on an interrupted import from its checkpoint."""
    batch = queries.batch_or_404(request.user, batch_id)
    import_services.import_resume(actor=request.user, batch=batch)
    return fresh(_shape, queries.batch_or_404, request, batch.pk)


@router.post("/{batch_id}/rollback", response=ImportBatchOut)
def import_rollback(request, batch_id: str):
    """Roll back an interrupted import (what it committed is removed)."""
    batch = queries.batch_or_404(request.user, batch_id)
    return _shape(import_services.import_rollback(actor=request.user, batch=batch))
