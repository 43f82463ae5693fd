"""Reading settings from the environment, loudly.

Every variable is documented in ``.env.example``. ``NAME_FILE`` may hold a path whose
contents replace ``NAME`` (for container secrets).
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured


def get(name: str, default: str | None = None) -> str | None:
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def get_bool(name: str, default: bool = False) -> bool:
    raw = get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def get_list(name: str, default: str = "") -> list[str]:
    raw = get(name, default) or ""
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_int_map(name: str, default: str = "") -> dict[str, int]:
    """``key=number`` pairs separated by commas, e.g. ``locked=2,no_water=12``; a malformed
    pair stops start-up naming the variable (which keys are allowed is the app's to check)."""
    out: dict[str, int] = {}
    for item in get_list(name, default):
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value.isdigit():
            raise ImproperlyConfigured(f"{name}: {item!r} is not key=whole number")
        out[key] = int(value)
    return out


def database_from_url(url: str, base_dir: Path) -> dict:
    """Turn ``sqlite:///path`` or ``postgres://user:pw@host:port/name`` into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path.lstrip("/")) if parsed.netloc == "" else parsed.netloc + parsed.path
        if not path:
            raise ImproperlyConfigured("DATABASE_URL sqlite:/// needs a file path")
        name = Path(path) if Path(path).is_absolute() else base_dir / path
        if url.startswith("sqlite:////"):
            name = Path("/" + parsed.path.lstrip("/"))
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(name),
            # Keep the connection between requests: opening a file and running the PRAGMAs per
            # request cost more than the nearest-station search itself (docs/ops/performance.md).
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        options = dict(parse_qsl(parsed.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": unquote(parsed.hostname or ""),
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", "60")),
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (sqlite or postgres)")


def replica_databases(urls: list[str], base_dir: Path) -> dict[str, dict]:
    """DATABASES entries ``replica1`` … ``replicaN`` for read replicas, each parsed like
    DATABASE_URL. In tests a replica mirrors ``default`` (no test database of its own)."""
    out = {}
    for number, url in enumerate(urls, start=1):
        entry = database_from_url(url, base_dir)
        entry["TEST"] = {"MIRROR": "default"}
        out[f"replica{number}"] = entry
    return out
