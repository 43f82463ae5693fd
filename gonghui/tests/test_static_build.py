"""The production static pipeline runs over every shipped asset.

`make run` and deployments serve static files through whitenoise's compressed manifest
storage, which rewrites every url() and sourceMappingURL it finds and fails when one points
at a file that is not shipped (a vendored library's source map, an image a stylesheet
names). The test settings use plain storage, so this test runs collectstatic with the
production backend into a temporary directory.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import override_settings


@pytest.mark.django_db
def test_collectstatic_with_manifest_storage(tmp_path):
    with override_settings(
        STATIC_ROOT=tmp_path,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    shipped = ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/htmx.min.js",
               "vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css", "js/gonghui.js",
               "js/swagger-init.js")  # fmt: skip
    for name in shipped:
        assert name in manifest, name
        assert (tmp_path / manifest[name]).exists()
    # Leaflet's stylesheet names its marker and layer images; they were rewritten to hashed names.
    css = (tmp_path / manifest["vendor/leaflet/leaflet.css"]).read_text()
    assert "images/layers." in css
