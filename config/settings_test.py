"""Test overrides: fast hashing, fixed keys, plain static storage, SQLite in memory unless
DATABASE_URL points at PostgreSQL."""

import os
from pathlib import Path

os.environ.setdefault("GONGHUI_ENV", "test")
os.environ.setdefault("GONGHUI_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("GONGHUI_FIELD_KEYS", "t1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
os.environ.setdefault("GONGHUI_BLIND_INDEX_KEY", "YmxpbmQtaW5kZXgta2V5LWZvci10ZXN0cy0wMTIzNDU=")
os.environ.setdefault("DATABASE_URL", "sqlite:///var/test.sqlite3")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
# The test client's host and the live server's; any other Host header is refused (400).
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
GONGHUI_AUDIT_STRICT = True  # an audit code no app labels raises (gonghui.core.audit)
# Parser slots of this test run only: concurrent runs on one machine must not wait on each other.
GONGHUI_IMPORT_PARSER_LOCK_DIR = os.path.join(
    os.environ.get("TMPDIR", "/tmp"), f"gonghui-test-parsers-{os.getpid()}"
)
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
GONGHUI_SMS_BACKEND = "file"
GONGHUI_OUTBOX_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / f"gonghui-test-outbox-{os.getpid()}"
