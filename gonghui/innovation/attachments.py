"""Checks for files attached to ideas: size, count and type.

The type is decided by the file's first bytes (its signature), not by the name or the
browser's Content-Type, which the sender controls; the name's extension must agree. Limits
come from settings with defaults: ``GONGHUI_IDEA_ATTACHMENT_MAX_BYTES`` (5 MB per file) and
``GONGHUI_IDEA_ATTACHMENTS_MAX`` (5 files per idea).
"""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core import uploads
from gonghui.core.inputs import field_error

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_FILES = 5


def max_bytes() -> int:
    return int(getattr(settings, "GONGHUI_IDEA_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(getattr(settings, "GONGHUI_IDEA_ATTACHMENTS_MAX", DEFAULT_MAX_FILES))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def check(files) -> list[CheckedFile]:
    """Read and check uploads (objects with ``name`` and ``read()``/``chunks()``). Raises
    ValidationError keyed ``attachments`` (codes ``too_many_files``, ``file_too_large``,
    ``file_empty``, ``file_type``) before anything is written."""
    files = list(files or [])
    limit = max_bytes()
    if len(files) > max_files():
        raise field_error(
            "attachments",
            _("At most %(max)d files can be attached.") % {"max": max_files()},
            "too_many_files",
        )
    checked = []
    for upload in files:
        name = uploads.safe_name(getattr(upload, "name", ""))
        data = uploads.read_bounded(upload, limit)
        if data is None:
            raise _too_large(name, limit)
        if not data:
            raise field_error("attachments", _("%(name)s is empty.") % {"name": name}, "file_empty")
        content_type = uploads.sniff(data)
        if content_type is None or uploads.EXTENSIONS.get(PurePath(name).suffix.lower()) != content_type:
            raise field_error(
                "attachments", _("%(name)s is not a PDF, PNG or JPEG file.") % {"name": name}, "file_type"
            )
        checked.append(CheckedFile(name, content_type, data, hashlib.sha256(data).hexdigest()))
    return checked


def _too_large(name: str, limit: int) -> ValidationError:
    return field_error(
        "attachments",
        _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": f"{limit / 1024 / 1024:g}"},
        "file_too_large",
    )
