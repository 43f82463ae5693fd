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


def _errors(document: dict, path: str, method: str) -> set[int]:
    responses = document["paths"][path][method]["responses"]
    return {int(status) for status in responses if int(status) >= 400}


@pytest.mark.django_db
def test_error_answers_are_documented_where_they_can_happen(client):
    d = client.get("/api/v1/openapi.json").json()
    # signed in, with input that names a union: every error the handlers give
    assert _errors(d, "/api/v1/members", "get") == {400, 401, 403, 404}
    assert _errors(d, "/api/v1/transfers", "post") == {400, 401, 403, 404, 413}
    # no input at all: only the sign-in errors
    assert _errors(d, "/api/v1/auth/tokens", "get") == {401, 403}
    # public and throttled: no 401 or 403, a 429
    assert _errors(d, "/api/v1/stations/nearest", "get") == {400, 429}
    assert _errors(d, "/api/v1/enrolments", "post") == {400, 413, 429}
    assert _errors(d, "/api/v1/dues/calculate", "post") == {400, 413}
    # sign-in optional: a token or session is used when sent (403 for a session without CSRF)
    assert _errors(d, "/api/v1/stations/{station_id}/reports", "post") == {400, 403, 404, 413, 429}
    assert {} in d["paths"]["/api/v1/stations/{station_id}/reports"]["post"]["security"]
    assert {} not in d["paths"]["/api/v1/members"]["get"]["security"]
    assert 409 in _errors(d, "/api/v1/ideas/{idea_id}/support", "post")
    for path, operations in d["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    schema = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                    assert schema == ("InvalidInput" if status == "400" else "Error"), (method, path, status)


@pytest.mark.django_db
def test_files_are_documented_with_their_media_types(client):
    d = client.get("/api/v1/openapi.json").json()
    poi = d["paths"]["/api/v1/stations/export.poi"]["get"]["responses"]["200"]["content"]
    assert set(poi) == {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    geojson = d["paths"]["/api/v1/stations/export.geojson"]["get"]["responses"]["200"]["content"]
    assert geojson["application/geo+json"]["schema"]["properties"]["type"] == {"const": "FeatureCollection"}
    document = d["paths"]["/api/v1/assistance/households/{household_id}/attachments/{document_id}"]["get"]
    assert set(document["responses"]["200"]["content"]) == {"application/pdf", "image/jpeg", "image/png"}
