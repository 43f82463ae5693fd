"""The core's part of the URL walk (gonghui/tests/urlwalk.py): the audit log, which every
service writes to, must not grow while a sibling walks."""

from gonghui.core.models import AuditEntry

COUNTED = [AuditEntry]
