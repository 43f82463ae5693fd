"""Settings for benchmark runs: the application's settings, with fixed synthetic keys (the
data are synthetic), DEBUG off, plain static storage (no collectstatic needed), tasks left to
the benchmark to run, and ``bench.urls`` (the application plus a bare "hello" view)."""

import os

os.environ.setdefault("GONGHUI_ENV", "development")
os.environ.setdefault("GONGHUI_DEBUG", "false")
os.environ.setdefault("GONGHUI_SECRET_KEY", "bench-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("GONGHUI_FIELD_KEYS", "b1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
os.environ.setdefault("GONGHUI_BLIND_INDEX_KEY", "YmxpbmQtaW5kZXgta2V5LWZvci1iZW5jaC0wMTIzNDU=")
os.environ.setdefault("GONGHUI_TASKS_BACKEND", "django.tasks.backends.dummy.DummyBackend")

from config.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = os.environ.get("GONGHUI_MEDIA_ROOT", str(BASE_DIR / "var" / "bench-media"))  # noqa: F405
# The nearest-station API stays throttled (its cache hit is part of the measured work) at a
# limit the load generator on one address cannot reach.
GONGHUI_STATIONS_NEAREST_RATE = 1_000_000_000
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
