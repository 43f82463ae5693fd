"""Small checks shared by every document upload (idea attachments, legal-aid evidence …), and
the way files holding personal data are written to disk.

The type of a file is decided by its first bytes (its signature), never by its name or the
browser's Content-Type, which the sender controls.
"""

import os
import secrets
from pathlib import Path, PurePath
from typing import BinaryIO

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


# ---- files that hold personal data ----------------------------------------------------------
#
# Rosters, exports and other uploads kept on disk hold ID numbers and phones in clear: they
# are written readable by the app's own user only (0600) in folders only it can enter (0700),
# whatever the process umask, so that another account on the machine (a backup agent, a
# shell user, the web server) cannot read them.

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(path) -> Path:
    """``path`` as a folder only this user may enter: created (with its parents) if missing,
    and its mode set to 0700 even when it already existed with a wider one."""
    folder = Path(path)
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    os.chmod(folder, PRIVATE_FOLDER)
    return folder


def private_file(folder, prefix: str = ".upload-") -> tuple[Path, BinaryIO]:
    """A new file in the private ``folder`` (created 0600, never an existing file or link),
    open for writing; the caller closes it and renames or removes it."""
    folder = private_folder(folder)
    while True:
        path = folder / f"{prefix}{secrets.token_hex(16)}"
        try:
            fd = os.open(
                path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, PRIVATE_FILE
            )
        except FileExistsError:
            continue
        os.fchmod(fd, PRIVATE_FILE)  # exactly 0600, whatever the umask took away
        return path, os.fdopen(fd, "wb")


def private_storage(folder: str = ""):
    """The storage for files with personal data (exports): the default storage, with the
    private modes above when it is the file system (``folder``, relative to it, is made
    private too, in case it was created with a wider mode); other backends have their own
    access control."""
    from django.core.files.storage import FileSystemStorage, storages

    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        return storage
    private = FileSystemStorage(
        location=storage.location,
        base_url=storage.base_url,
        file_permissions_mode=PRIVATE_FILE,
        directory_permissions_mode=PRIVATE_FOLDER,
    )
    if folder:
        private_folder(private.path(folder))
    return private
