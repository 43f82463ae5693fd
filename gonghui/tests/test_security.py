"""Web hardening: the Content-Security-Policy of every page, templates without inline code,
allowed hosts, HTTPS settings that pass ``check --deploy`` in production and the API docs page
served from our own files."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from config import security

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted((ROOT / "gonghui").rglob("templates/**/*.html"))

# The production environment of docs/ops/deploy.md §2, with throwaway values.
PRODUCTION_ENV = {
    "GONGHUI_ENV": "production",
    "GONGHUI_SECRET_KEY": "deploy-check-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP",
    "GONGHUI_FIELD_KEYS": "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "GONGHUI_BLIND_INDEX_KEY": "YmxpbmQtaW5kZXgta2V5LWZvci10ZXN0cy0wMTIzNDU=",
    "GONGHUI_ALLOWED_HOSTS": "gonghui.example.org",
    "GONGHUI_CSRF_TRUSTED_ORIGINS": "https://gonghui.example.org",
    "GONGHUI_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "GONGHUI_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    "GONGHUI_SMS_BACKEND": "aliyun",
    "GONGHUI_ALIYUN_SMS_ACCESS_KEY_ID": "LTAI-deploy-check",
    "GONGHUI_ALIYUN_SMS_ACCESS_KEY_SECRET": "deploy-check-secret",
}


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def _django(env: dict, *args: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh interpreter with exactly ``env`` (plus PATH), from the repository."""
    full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db
def test_every_page_sends_a_content_security_policy_without_inline_scripts(client, city_officer):
    pages = ["/join/", "/accounts/login/", "/stations/", "/stations/map/"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert "'self'" in policy["script-src"]
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    client.force_login(city_officer)
    assert "Content-Security-Policy" in client.get("/members/")


def test_the_map_tile_server_is_allowed_for_images_only_when_set():
    assert security.content_security_policy()["img-src"] == ["'self'", "data:"]
    osm = security.content_security_policy(tile_url="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert osm["img-src"] == ["'self'", "data:", "https://*.tile.example.org"]
    assert "https://*.tile.example.org" not in osm["script-src"] + osm["connect-src"]
    amap = security.tile_source("https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}")
    assert amap == "https://*.is.autonavi.com"
    assert security.tile_source("http://127.0.0.1:8080/{z}/{x}/{y}.png") == "http://127.0.0.1:8080"


def test_no_template_has_inline_scripts_or_event_handlers():
    """Inline code runs only with the request's nonce; handlers and javascript: URLs never."""
    offenders = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag and 'type="application/json"' not in tag and "csp_nonce" not in tag:
                offenders.append(f"{name}: inline {tag}")
        for handler in re.findall(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", text):
            offenders.append(f"{name}: event handler {handler}=")
        if re.search(r"javascript:", text, flags=re.I):
            offenders.append(f"{name}: javascript: URL")
    assert offenders == []


@pytest.mark.django_db
def test_a_request_for_another_host_is_refused(client):
    assert client.get("/join/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/join/").status_code == 200


@pytest.mark.django_db
def test_an_api_request_for_a_malformed_host_is_refused_in_the_api_error_shape(client):
    r = client.get("/api/v1/competitions", HTTP_HOST="(4Vj0H")
    assert r.status_code == 400
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["code"] == "bad_request"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_development_answers_only_to_local_host_names_by_default():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "GONGHUI_ALLOWED_HOSTS"} | {
        "GONGHUI_ENV": "development"
    }
    out = _django(env, "shell", "-c", "from django.conf import settings; print(settings.ALLOWED_HOSTS)")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "['localhost', '127.0.0.1', '[::1]']"


def test_the_deploy_check_is_clean_with_the_documented_production_variables(tmp_path):
    env = PRODUCTION_ENV | {"DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}"}
    out = _django(env, "check", "--deploy", "--fail-level", "WARNING")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout, out.stdout
    shown = _django(
        env,
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, "
        "s.GONGHUI_API_DOCS_PUBLIC, 'upgrade-insecure-requests' in s.SECURE_CSP)",
    )
    assert shown.stdout.splitlines()[-1].split() == [
        "True", "31536000", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')", "True", "False", "True",
    ]  # fmt: skip


def test_the_deploy_docs_list_the_variables_the_deploy_check_runs_with():
    deploy = (ROOT / "docs" / "ops" / "deploy.md").read_text(encoding="utf-8")
    for name in PRODUCTION_ENV:
        assert name in deploy, name


@pytest.mark.django_db
def test_the_api_docs_page_uses_our_static_swagger_ui_and_no_inline_script(client):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    assert "/static/js/swagger-init.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    inline = [
        t for t in re.findall(r"<script\b[^>]*>", html) if "src=" not in t and "application/json" not in t
    ]
    assert inline == []
    assert '"url": "/api/v1/openapi.json"' in html


@pytest.mark.django_db
@override_settings(GONGHUI_API_DOCS_PUBLIC=False)
def test_the_api_docs_page_needs_a_signed_in_user_when_not_public(client, member_user):
    page = client.get("/api/v1/docs")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/?next=/api/v1/docs")
    # The document is part of the published contract and describes no data: it stays open.
    assert client.get("/api/v1/openapi.json").status_code == 200
    client.force_login(member_user)
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
