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


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body_fields(document: dict, path: str, method: str = "post") -> set[str]:
    body = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return set(_resolve(document, body)["properties"])


def _answer(document: dict, path: str, method: str = "post", status: str = "200") -> dict:
    response = document["paths"][path][method]["responses"][status]
    return _resolve(document, response["content"]["application/json"]["schema"])


@pytest.mark.django_db
def test_documented_bodies_and_answers_are_the_ones_the_endpoints_use(client):
    # Each of these shared a schema name with another endpoint's, and the document showed
    # the other one (an outside audit; 176 schemathesis failures came from it).
    d = client.get("/api/v1/openapi.json").json()
    assert _body_fields(d, "/api/v1/stations/{station_id}/status") == {"status", "note"}
    assert _body_fields(d, "/api/v1/members/{member_id}/status") == {"status", "reason", "effective_on"}
    assert _body_fields(d, "/api/v1/requests/{request_id}/transfer") == {"to", "reason", "letter"}
    assert _body_fields(d, "/api/v1/transfers") == {"member", "to_organisation", "reason"}
    assert _body_fields(d, "/api/v1/stations/{station_id}/reports") == {"kind", "description", "contact"}
    assert _body_fields(d, "/api/v1/ideas/{idea_id}/report") == {"reason"}
    assert _body_fields(d, "/api/v1/stations/tickets/{number}/reject") == {"reason"}
    assert _body_fields(d, "/api/v1/enrolments/{enrolment_id}/reject") == {"reason"}
    transfer_out = _answer(d, "/api/v1/requests/{request_id}/transfer", status="201")
    assert {"letter", "decision_note"} <= set(transfer_out["properties"])
    assert "member" in _answer(d, "/api/v1/transfers/{transfer_id}", "get")["properties"]
    assert set(_answer(d, "/api/v1/assistance/households/{household_id}/bank-card/reveal")["properties"]) == {
        "bank_card"
    }
    assert set(_answer(d, "/api/v1/members/{member_id}/reveal")["properties"]) == {"field", "value"}
    talent = _resolve(d, _answer(d, "/api/v1/talent/members/{member_id}", "get")["properties"]["member"])
    assert set(talent["properties"]) == {"id", "name"}
    results = _answer(d, "/api/v1/competitions/{competition_id}/results", "get")
    item = _resolve(d, results["properties"]["items"]["items"])
    recommendation = _resolve(d, item["properties"]["recommendations"]["items"])
    assert set(recommendation["properties"]) == {"kind", "detail"}
    decided = _answer(d, "/api/v1/competitions/{competition_id}/recommendations/{recommendation_id}/accept")
    assert set(decided["properties"]) == {"id", "kind", "detail", "status", "reason"}
