"""The OpenAPI document is snapshot-tested so API changes are deliberate. After an intended
change run: UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/pytest gonghui/tests/test_openapi.py"""

import json
import os
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).parent / "openapi.snapshot.json"


@pytest.mark.django_db
def test_openapi_document_matches_the_snapshot(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert SNAPSHOT.exists(), "no snapshot: run with UPDATE_OPENAPI_SNAPSHOT=1 once"
    assert text == SNAPSHOT.read_text(encoding="utf-8"), "API changed: update the snapshot if intended"


@pytest.mark.django_db
def test_contract_paths_are_published(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/auth/token",
        "/api/v1/members",
        "/api/v1/members/{member_id}",
        "/api/v1/organisations/{code}/stats",
        "/api/v1/enrolments",
        "/api/v1/dues/calculate",
    ]:
        assert path in paths
