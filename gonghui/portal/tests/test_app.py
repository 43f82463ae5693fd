"""The installable web app: the manifest, its icons and the service worker, served with the
types and the scope browsers require, under the site's Content-Security-Policy."""

import json
import struct

import pytest
from django.contrib.staticfiles import finders

from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def test_the_manifest_is_served_as_a_web_manifest_named_for_the_union_with_a_theme_colour(world):
    response = client_for(None).get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    body = json.loads(response.content)
    assert body["name"] == "智慧工会"
    assert body["start_url"] == "/" and body["scope"] == "/" and body["display"] == "standalone"
    assert body["theme_color"] == "#c0392b"
    sizes = {icon["sizes"] for icon in body["icons"]}
    assert {"192x192", "512x512"} <= sizes and len(sizes) >= 4


def test_every_icon_of_the_manifest_is_a_png_of_its_stated_size(world):
    body = json.loads(client_for(None).get("/manifest.webmanifest").content)
    for icon in body["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with open(path, "rb") as fh:
            head = fh.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", head[16:24])
        assert f"{width}x{height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_as_javascript_with_a_root_scope(world):
    response = client_for(None).get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    assert '"/me/card/"' in script and '"/stations/"' in script


def test_every_page_links_the_manifest_and_names_the_service_worker_without_inline_script(world, member_user):
    for client in (client_for(None), client_for(member_user)):
        html = client.get("/").content.decode()
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert '<meta name="gonghui-sw" content="/sw.js">' in html
        assert '<meta name="theme-color" content="#c0392b">' in html


def test_the_service_worker_and_manifest_keep_the_content_security_policy(world):
    for path in ("/", "/sw.js", "/manifest.webmanifest"):
        policy = client_for(None).get(path)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        # workers and manifests fall back to default-src 'self': same-origin only
        assert directives["default-src"] == "'self'"
        assert "'unsafe-inline'" not in directives["script-src"]
