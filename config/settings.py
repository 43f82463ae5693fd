"""Gonghui settings: one environment-driven base. See ``.env.example`` for every variable."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import dev_secrets, env, security

BASE_DIR = Path(__file__).resolve().parent.parent

GONGHUI_ENV = env.get("GONGHUI_ENV", "development")
if GONGHUI_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("GONGHUI_ENV must be development, production or test")
PRODUCTION = GONGHUI_ENV == "production"

_SECRET_NAMES = ("GONGHUI_SECRET_KEY", "GONGHUI_FIELD_KEYS", "GONGHUI_BLIND_INDEX_KEY")
_dev = {} if PRODUCTION or all(env.get(n) for n in _SECRET_NAMES) else dev_secrets.load(BASE_DIR)


def _required(name: str, dev_value: str | None) -> str:
    value = env.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when GONGHUI_ENV=production")
    return dev_value or ""


SECRET_KEY = _required("GONGHUI_SECRET_KEY", _dev.get("secret_key"))
DEBUG = env.get_bool("GONGHUI_DEBUG", default=not PRODUCTION)
# Host names the site answers to; any other Host header gets 400 (a forged Host would otherwise
# reach absolute URLs and links). Development: this machine's loopback names (`make run` adds
# its HOST and the machine's own names); production: required.
ALLOWED_HOSTS = env.get_list("GONGHUI_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("GONGHUI_ALLOWED_HOSTS must be set when GONGHUI_ENV=production")
CSRF_TRUSTED_ORIGINS = env.get_list("GONGHUI_CSRF_TRUSTED_ORIGINS")

# Personal data encryption (see gonghui/core/crypto.py and docs/adr/0006-personal-data.md).
# GONGHUI_FIELD_KEYS: comma-separated "keyid:base64-32-bytes"; the first encrypts, all decrypt.
GONGHUI_FIELD_KEYS = _required("GONGHUI_FIELD_KEYS", _dev.get("field_keys"))
GONGHUI_BLIND_INDEX_KEY = _required("GONGHUI_BLIND_INDEX_KEY", _dev.get("blind_index_key"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "treebeard",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.notifications",
    "gonghui.organisations",
    "gonghui.members",
    "gonghui.honours",
    "gonghui.innovation",
    "gonghui.competitions",
    "gonghui.talent",
    "gonghui.assistance",
    "gonghui.rights",
    "gonghui.stations",
    "gonghui.news",
    "gonghui.activities",
    "gonghui.portal",
    "gonghui.search",
    "gonghui.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # outside CommonMiddleware, so the 400 it answers for a bad Host header on an /api/ path
    # is reshaped too; inside the security and CSP middleware, so the reshaped answer keeps
    # their headers
    "gonghui.core.middleware.ApiErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gonghui.organisations.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gonghui.core.api.ApiBodyLimitMiddleware",
    "gonghui.core.middleware.RejectNulMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gonghui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "gonghui.organisations.context_processors.navigation",
                "gonghui.notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": env.database_from_url(
        env.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'gonghui.sqlite3'}"), BASE_DIR
    )
}
# Read replicas (docs/ops/deploy.md "Read replicas"): comma-separated database URLs, parsed like
# DATABASE_URL, become the aliases replica1..N; reads of web requests go to them through
# gonghui.core.dbrouter, with read-your-writes for GONGHUI_REPLICA_STICKY_SECONDS after a write.
# Unset (the default): one database, no router, no middleware.
_replicas = env.replica_databases(env.get_list("GONGHUI_REPLICA_URLS"), BASE_DIR)
DATABASES.update(_replicas)
GONGHUI_REPLICA_DATABASES = list(_replicas)
GONGHUI_REPLICA_STICKY_SECONDS = int(env.get("GONGHUI_REPLICA_STICKY_SECONDS", "5"))
DATABASE_ROUTERS = ["gonghui.core.dbrouter.ReplicaRouter"] if _replicas else []
if _replicas:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "gonghui.core.middleware.ReplicaRoutingMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gonghui.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in limits (docs/adr/0013-throttles-and-lockout.md), counted on the shared cache and shared
# by the login page and POST /api/v1/auth/token: this many failed passwords for one user name
# from one client address within GONGHUI_LOGIN_LOCK_MINUTES lock that address out of that user
# name for GONGHUI_LOGIN_LOCK_MINUTES (other addresses are not affected); and one address may
# fail this many times in GONGHUI_LOGIN_ADDRESS_WINDOW_MINUTES, whatever the user names, before
# all its sign-ins wait for the next window.
GONGHUI_LOGIN_MAX_FAILURES = int(env.get("GONGHUI_LOGIN_MAX_FAILURES", "5"))
GONGHUI_LOGIN_LOCK_MINUTES = int(env.get("GONGHUI_LOGIN_LOCK_MINUTES", "15"))
GONGHUI_LOGIN_ADDRESS_MAX_FAILURES = int(env.get("GONGHUI_LOGIN_ADDRESS_MAX_FAILURES", "30"))
GONGHUI_LOGIN_ADDRESS_WINDOW_MINUTES = int(env.get("GONGHUI_LOGIN_ADDRESS_WINDOW_MINUTES", "10"))
# The client address behind reverse proxies (docs/ops/deploy.md "Reverse proxy, client addresses
# and the shared cache"): either the number of proxies that append to X-Forwarded-For (the
# client is the Nth address from the right), or a header one trusted proxy sets (X-Real-IP).
# Neither by default: the peer address. Checked by `manage.py check` (core.E001-E003).
GONGHUI_TRUSTED_PROXY_COUNT = env.get("GONGHUI_TRUSTED_PROXY_COUNT", "0")
GONGHUI_CLIENT_IP_HEADER = env.get("GONGHUI_CLIENT_IP_HEADER", "")

# Sessions in the database so app servers stay stateless.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# Session lifetime (gonghui/organisations/middleware.py): a member stays signed in
# GONGHUI_SESSION_HOURS after their last sign-in or change; anyone holding an officer-type
# role (they see other people's records) is signed out after GONGHUI_OFFICER_IDLE_MINUTES
# without a request and GONGHUI_OFFICER_SESSION_MINUTES after signing in, whatever they do.
GONGHUI_SESSION_HOURS = int(env.get("GONGHUI_SESSION_HOURS", "168"))
GONGHUI_OFFICER_IDLE_MINUTES = int(env.get("GONGHUI_OFFICER_IDLE_MINUTES", "30"))
GONGHUI_OFFICER_SESSION_MINUTES = int(env.get("GONGHUI_OFFICER_SESSION_MINUTES", "480"))
if min(GONGHUI_SESSION_HOURS, GONGHUI_OFFICER_IDLE_MINUTES, GONGHUI_OFFICER_SESSION_MINUTES) < 1:
    raise ImproperlyConfigured("session lifetimes must be at least 1 (hour or minute)")
SESSION_COOKIE_AGE = GONGHUI_SESSION_HOURS * 3600

# Security headers (docs/ops/deploy.md "Security headers"). HTTPS only in production: HSTS for a
# year on the domain and its subdomains, plain-HTTP requests redirected. Behind a proxy that
# terminates TLS, GONGHUI_PROXY_SSL_HEADER names the header saying the original scheme
# (X-Forwarded-Proto: https), without which every request would look like plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.get_bool("GONGHUI_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = int(env.get("GONGHUI_HSTS_SECONDS", str(365 * 24 * 3600) if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("GONGHUI_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
# Preloading puts the domain in the browsers' built-in HTTPS-only lists, which takes months to
# undo: the domain owner opts in (GONGHUI_HSTS_PRELOAD=true, then hstspreload.org). Until then
# the deploy check that asks for it (security.W021) is silenced, and only that one.
SECURE_HSTS_PRELOAD = env.get_bool("GONGHUI_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
_proxy_ssl_header = env.get("GONGHUI_PROXY_SSL_HEADER", "")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "gonghui" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.get("GONGHUI_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# Request bodies: API JSON and forms are small; file uploads have their own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env.get("GONGHUI_MAX_BODY_BYTES", str(1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Background work: immediate in development and tests, database queue in production.
TASKS = {
    "default": {
        "BACKEND": env.get("GONGHUI_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend"),
    }
}

# One cache shared by every app-server process and host: rate limits and sign-in locks count
# there, so they hold in total (a per-process LocMemCache would multiply them by the number of
# gunicorn workers). By default the database cache, whose table the migration
# core.0002_cache_table creates; Redis with GONGHUI_CACHE_BACKEND=
# django.core.cache.backends.redis.RedisCache and GONGHUI_CACHE_LOCATION=redis://… (the redis
# package is not a dependency: install it where you use it).
_CACHE_BACKEND = env.get("GONGHUI_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache")
CACHES = {
    "default": {
        "BACKEND": _CACHE_BACKEND,
        "LOCATION": env.get("GONGHUI_CACHE_LOCATION", "gonghui_cache"),
    }
}
if _CACHE_BACKEND == "django.core.cache.backends.db.DatabaseCache":
    # The table culls itself: past this many rows, a write first deletes the expired rows (and
    # only if that is not enough, a third of the rest). Counters live minutes, so expired rows
    # go long before live ones; Django's default of 300 is too small for per-address counters.
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": int(env.get("GONGHUI_CACHE_MAX_ENTRIES", "50000"))}

# Enrolment service level: working days to decide an application.
GONGHUI_ENROLMENT_SLA_DAYS = int(env.get("GONGHUI_ENROLMENT_SLA_DAYS", "15"))
GONGHUI_TRANSFER_SLA_DAYS = int(env.get("GONGHUI_TRANSFER_SLA_DAYS", "15"))
# Roster imports: largest file and most rows accepted; exports: hours a download link lives.
GONGHUI_IMPORT_MAX_BYTES = int(env.get("GONGHUI_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
GONGHUI_IMPORT_MAX_ROWS = int(env.get("GONGHUI_IMPORT_MAX_ROWS", "2000000"))
# What reading one .xlsx may cost (docs/ops/uploads.md): checked from the zip directory before
# anything is unpacked, then counted while a child process with its own memory and CPU limits
# reads it. The defaults fit the largest roster (2,000,000 rows).
GONGHUI_IMPORT_MAX_CELLS = int(env.get("GONGHUI_IMPORT_MAX_CELLS", "60000000"))
GONGHUI_IMPORT_MAX_SHARED_STRINGS = int(env.get("GONGHUI_IMPORT_MAX_SHARED_STRINGS", "10000000"))
GONGHUI_IMPORT_MAX_SHARED_STRINGS_MB = int(env.get("GONGHUI_IMPORT_MAX_SHARED_STRINGS_MB", "512"))
GONGHUI_IMPORT_MAX_UNPACKED_MB = int(env.get("GONGHUI_IMPORT_MAX_UNPACKED_MB", "3072"))
GONGHUI_IMPORT_MAX_PACKING_RATIO = int(env.get("GONGHUI_IMPORT_MAX_PACKING_RATIO", "100"))
GONGHUI_IMPORT_PARSER_MEMORY_MB = int(env.get("GONGHUI_IMPORT_PARSER_MEMORY_MB", "256"))
GONGHUI_IMPORT_PARSE_SECONDS = int(env.get("GONGHUI_IMPORT_PARSE_SECONDS", "600"))
# At most this many .xlsx readers at once on a machine (each up to the memory above); a read
# waits this long for a free one, then the import fails saying so (and can be resumed).
GONGHUI_IMPORT_PARSERS = int(env.get("GONGHUI_IMPORT_PARSERS", "2"))
GONGHUI_IMPORT_PARSER_WAIT_SECONDS = int(env.get("GONGHUI_IMPORT_PARSER_WAIT_SECONDS", "120"))
# Local folder of the readers' lock files (default: gonghui-parsers-<uid> in the temp folder).
GONGHUI_IMPORT_PARSER_LOCK_DIR = env.get("GONGHUI_IMPORT_PARSER_LOCK_DIR", "")
for _name in ("GONGHUI_IMPORT_PARSERS", "GONGHUI_IMPORT_PARSER_MEMORY_MB", "GONGHUI_IMPORT_PARSE_SECONDS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1")
GONGHUI_EXPORT_TTL_HOURS = int(env.get("GONGHUI_EXPORT_TTL_HOURS", "24"))
# Minutes after which an export still waiting or running is marked failed (its worker died).
GONGHUI_EXPORT_TIMEOUT_MINUTES = int(env.get("GONGHUI_EXPORT_TIMEOUT_MINUTES", "120"))
# Anonymous enrolment and application look-ups allowed per client address and hour.
GONGHUI_PUBLIC_FORM_RATE = int(env.get("GONGHUI_PUBLIC_FORM_RATE", "30"))
# Anonymous POST /api/v1/assistance/assess calls per client address and hour (it only computes).
GONGHUI_ASSESS_RATE = int(env.get("GONGHUI_ASSESS_RATE", str(10 * GONGHUI_PUBLIC_FORM_RATE)))
# Legal aid: the monthly income under which a worker passes the income test (set the local
# figure), and the largest evidence upload.
GONGHUI_LEGAL_AID_INCOME_THRESHOLD = env.get("GONGHUI_LEGAL_AID_INCOME_THRESHOLD", "4000.00")
GONGHUI_EVIDENCE_MAX_BYTES = int(env.get("GONGHUI_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# Station maps (ADR 0011): an XYZ tile URL such as https://tiles.example.org/{z}/{x}/{y}.png —
# empty means no tiles (markers on a plain background; tests and offline installs) — its
# attribution, and the coordinate system of the tiles ("wgs84", or "gcj02" for 高德/腾讯 tiles,
# whose markers are then shifted to match).
GONGHUI_MAP_TILE_URL = env.get("GONGHUI_MAP_TILE_URL", "")
GONGHUI_MAP_TILE_ATTRIBUTION = env.get("GONGHUI_MAP_TILE_ATTRIBUTION", "")
GONGHUI_MAP_TILE_CRS = env.get("GONGHUI_MAP_TILE_CRS", "wgs84")
# Anonymous GET /api/v1/stations/nearest calls per client address and minute (0: unlimited);
# signed-in callers (session or API token) are counted per user instead, at the second rate.
GONGHUI_STATIONS_NEAREST_RATE = int(env.get("GONGHUI_STATIONS_NEAREST_RATE", "600"))
GONGHUI_STATIONS_NEAREST_USER_RATE = int(
    env.get("GONGHUI_STATIONS_NEAREST_USER_RATE", str(10 * GONGHUI_STATIONS_NEAREST_RATE))
)
GONGHUI_STATION_IMPORT_MAX_BYTES = int(env.get("GONGHUI_STATION_IMPORT_MAX_BYTES", str(16 * 1024 * 1024)))
GONGHUI_STATION_IMPORT_MAX_ROWS = int(env.get("GONGHUI_STATION_IMPORT_MAX_ROWS", "20000"))
GONGHUI_STATION_CHECKIN_RATE = int(
    env.get("GONGHUI_STATION_CHECKIN_RATE", str(10 * GONGHUI_PUBLIC_FORM_RATE))
)
# Repair-ticket SLA hours per problem kind, overriding the defaults (stations/services/tickets.py).
GONGHUI_STATION_TICKET_SLA_HOURS = env.get_int_map("GONGHUI_STATION_TICKET_SLA_HOURS")
# Officers of the owning union are warned (ticket.due_soon) when an open ticket is due within
# this many hours (stations.services.tickets.warn_due_soon, the warn_due_tickets command).
GONGHUI_TICKET_WARN_HOURS = int(env.get("GONGHUI_TICKET_WARN_HOURS", "2"))
# Activities (活动): a person with this many no-shows in the last _DAYS days cannot sign up
# for another activity until the oldest of them is older than that (0: no limit).
GONGHUI_ACTIVITY_NO_SHOW_LIMIT = int(env.get("GONGHUI_ACTIVITY_NO_SHOW_LIMIT", "3"))
GONGHUI_ACTIVITY_NO_SHOW_DAYS = int(env.get("GONGHUI_ACTIVITY_NO_SHOW_DAYS", "90"))
if GONGHUI_TICKET_WARN_HOURS < 1:
    raise ImproperlyConfigured("GONGHUI_TICKET_WARN_HOURS must be at least 1")
# Words that make a news item or notice worth a second look (news.checks.flagged_words): an
# item whose body or title contains one is not refused, but reviewers see the words highlighted.
# Comma-separated; added to the words kept in the admin (news.SensitiveWord).
GONGHUI_NEWS_SENSITIVE_WORDS = env.get_list("GONGHUI_NEWS_SENSITIVE_WORDS")
# Content-Security-Policy of every page (config/security.py): scripts from our origin or with
# the request's nonce only; images also from the map tile server.
SECURE_CSP = security.content_security_policy(tile_url=GONGHUI_MAP_TILE_URL, production=PRODUCTION)
# The API's Swagger page and OpenAPI document: open in development, signed-in users only in
# production (the document lists every operation and field).
GONGHUI_API_DOCS_PUBLIC = env.get_bool("GONGHUI_API_DOCS_PUBLIC", default=not PRODUCTION)
# E-member card QR codes stay valid this long (seconds).
GONGHUI_CARD_TOKEN_MAX_AGE = int(env.get("GONGHUI_CARD_TOKEN_MAX_AGE", str(7 * 24 * 3600)))
# Activity check-in QR codes (activities/checkin/tokens.py): a new code every this many seconds;
# the previous one is still accepted, so a code scanned just before it changes still works.
GONGHUI_CHECKIN_CODE_SECONDS = int(env.get("GONGHUI_CHECKIN_CODE_SECONDS", "30"))
if GONGHUI_CHECKIN_CODE_SECONDS < 5:
    raise ImproperlyConfigured("GONGHUI_CHECKIN_CODE_SECONDS must be at least 5")
# Scans queued on an organiser's phone while offline are accepted when their scan time lies
# within the activity's start and end widened by this many minutes (and not in the future).
GONGHUI_CHECKIN_MARGIN_MINUTES = int(env.get("GONGHUI_CHECKIN_MARGIN_MINUTES", "120"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("GONGHUI_LOG_LEVEL", "INFO")},
}

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("GONGHUI_DEBUG must be off when GONGHUI_ENV=production")

# Messages to people (docs/ops/messages.md): SMS through a provider chosen here, e-mail through
# Django's mail (any SMTP server). "file" writes each SMS as one JSON line to
# GONGHUI_OUTBOX_DIR/sms.jsonl instead of sending it (development and tests); production must
# name a real provider, whose credentials are then required.
GONGHUI_SMS_BACKEND = env.get("GONGHUI_SMS_BACKEND", "" if PRODUCTION else "file")
if GONGHUI_SMS_BACKEND not in {"file", "aliyun", "tencent"}:
    raise ImproperlyConfigured("GONGHUI_SMS_BACKEND must be file, aliyun or tencent (required in production)")
GONGHUI_OUTBOX_DIR = Path(env.get("GONGHUI_OUTBOX_DIR", str(BASE_DIR / "var" / "outbox")))
# The site's address, for the links in notifications sent by SMS or e-mail
# (gonghui.notifications; docs/modules/notifications.md).
GONGHUI_SITE_URL = env.get("GONGHUI_SITE_URL", "http://127.0.0.1:8000")
# The approved signature (签名) put before every SMS, and each message kind's approved template
# code at the provider: "kind=code" pairs, "kind.en=code" for the English template of a kind.
GONGHUI_SMS_SIGN_NAME = env.get("GONGHUI_SMS_SIGN_NAME", "工会")
GONGHUI_SMS_TEMPLATE_CODES = dict(
    item.split("=", 1) for item in env.get_list("GONGHUI_SMS_TEMPLATE_CODES") if "=" in item
)
GONGHUI_ALIYUN_SMS_ACCESS_KEY_ID = env.get("GONGHUI_ALIYUN_SMS_ACCESS_KEY_ID", "")
GONGHUI_ALIYUN_SMS_ACCESS_KEY_SECRET = env.get("GONGHUI_ALIYUN_SMS_ACCESS_KEY_SECRET", "")
GONGHUI_ALIYUN_SMS_ENDPOINT = env.get("GONGHUI_ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com")
GONGHUI_TENCENT_SMS_SECRET_ID = env.get("GONGHUI_TENCENT_SMS_SECRET_ID", "")
GONGHUI_TENCENT_SMS_SECRET_KEY = env.get("GONGHUI_TENCENT_SMS_SECRET_KEY", "")
GONGHUI_TENCENT_SMS_APP_ID = env.get("GONGHUI_TENCENT_SMS_APP_ID", "")
GONGHUI_TENCENT_SMS_REGION = env.get("GONGHUI_TENCENT_SMS_REGION", "ap-guangzhou")
_sms_credentials = {
    "aliyun": ("GONGHUI_ALIYUN_SMS_ACCESS_KEY_ID", "GONGHUI_ALIYUN_SMS_ACCESS_KEY_SECRET"),
    "tencent": (
        "GONGHUI_TENCENT_SMS_SECRET_ID",
        "GONGHUI_TENCENT_SMS_SECRET_KEY",
        "GONGHUI_TENCENT_SMS_APP_ID",
    ),
}.get(GONGHUI_SMS_BACKEND, ())
for _name in _sms_credentials:
    if PRODUCTION and not globals()[_name]:
        raise ImproperlyConfigured(f"{_name} must be set when GONGHUI_SMS_BACKEND={GONGHUI_SMS_BACKEND}")
# A delivery that failed is tried again after 1, 5, 30, 120 … minutes, at most this many times.
GONGHUI_DELIVERY_MAX_ATTEMPTS = int(env.get("GONGHUI_DELIVERY_MAX_ATTEMPTS", "5"))
# E-mail through Django's mailers: SMTP in production (GONGHUI_EMAIL_HOST …), files under the
# outbox otherwise (GONGHUI_EMAIL_BACKEND picks another Django mail backend).
_EMAIL_BACKEND = env.get(
    "GONGHUI_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": env.get("GONGHUI_EMAIL_HOST", "localhost"),
        "port": int(env.get("GONGHUI_EMAIL_PORT", "25")),
        "username": env.get("GONGHUI_EMAIL_HOST_USER", ""),
        "password": env.get("GONGHUI_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env.get_bool("GONGHUI_EMAIL_USE_TLS", default=False),
        "use_ssl": env.get_bool("GONGHUI_EMAIL_USE_SSL", default=False),
        "timeout": int(env.get("GONGHUI_EMAIL_TIMEOUT", "10")),
    }
elif _EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    _EMAIL_OPTIONS = {"file_path": str(GONGHUI_OUTBOX_DIR / "mail")}
else:
    _EMAIL_OPTIONS = {}
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env.get("GONGHUI_EMAIL_FROM", "gonghui@localhost")

# Phone sign-in (docs/ops/messages.md): codes per client address and hour, whatever the phones.
GONGHUI_SMS_CODE_ADDRESS_RATE = int(env.get("GONGHUI_SMS_CODE_ADDRESS_RATE", "20"))
