"""Small checks shared by every document upload (idea attachments, legal-aid evidence …).

The type of a file is decided by its first bytes (its signature), never by its name or the
browser's Content-Type, which the sender controls.
"""

from pathlib import PurePath

# content type → accepted signatures
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
# the extensions each content type may carry
EXTENSIONS = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def sniff(data: bytes) -> str | None:
    """The content type the bytes start like (PDF, PNG, JPEG), or None."""
    return next((ct for ct, sigs in SIGNATURES.items() if any(data.startswith(sig) for sig in sigs)), None)


def safe_name(name: str) -> str:
    """The base name of an uploaded file, without directories or unprintable characters,
    at most 120 characters (the end kept: it holds the extension)."""
    base = PurePath(str(name or "").replace("\\", "/")).name.strip() or "file"
    return "".join(ch for ch in base if ch.isprintable())[-120:] or "file"


def read_bounded(upload, limit: int) -> bytes | None:
    """The upload's bytes, or None when it is larger than ``limit`` (reads at most limit + 1)."""
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        return None
    data = upload.read(limit + 1)
    return None if len(data) > limit else data
