"""Leading bodies, ranks, budget units and sections."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.personnel.conftest import HR, body_id, make_unit
from tests.support.tokens import bearer


def test_reference_data_has_the_four_bodies_and_ranks_highest_first(client: TestClient) -> None:
    bodies = client.get("/bodies", headers=bearer("staff")).json()["items"]
    assert sorted(b["code"] for b in bodies) == ["CPPCC", "GOV", "NPC", "PC"]
    ranks = client.get("/ranks", headers=bearer("finance_officer")).json()["items"]
    assert [r["level"] for r in ranks] == sorted(r["level"] for r in ranks)
    assert ranks[0]["code"] == "city_head"
    assert {"bureau_chief", "deputy_bureau_chief", "section_chief", "clerk"} <= {
        r["code"] for r in ranks
    }


def test_budget_unit_and_section_are_created_audited_and_listed(client: TestClient) -> None:
    unit = make_unit(client, "FIN")
    assert unit["kind"] == "budget_unit"
    assert unit["version"] == 1
    section = make_unit(client, "FIN-01", kind="section", parent_id=unit["id"])
    listing = client.get("/units", params={"parent_id": unit["id"]}, headers=HR).json()
    assert [u["code"] for u in listing["items"]] == ["FIN-01"]
    budget_units = client.get("/units", params={"kind": "budget_unit"}, headers=HR).json()
    assert budget_units["total"] == 1
    got = client.get(f"/units/{section['id']}", headers=bearer("unit_liaison"))
    assert got.headers["etag"] == '"1"'
    audit = client.get("/audit", params={"resource_type": "unit"}, headers=bearer("auditor"))
    assert [e["action"] for e in audit.json()["items"]] == ["unit.create", "unit.create"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "section"}, "SECTION_NEEDS_BUDGET_UNIT"),
        ({"body_id": str(uuid.uuid4())}, "UNKNOWN_BODY"),
    ],
)
def test_misplaced_units_are_refused(client: TestClient, fields: dict, code: str) -> None:
    data = {"code": "X1", "name": "X", "name_zh": "X", "body_id": body_id(client), **fields}
    response = client.post("/units", json=data, headers=HR)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert client.get("/units", headers=HR).json()["total"] == 0


def test_section_must_sit_in_a_budget_unit_of_the_same_body(client: TestClient) -> None:
    unit = make_unit(client, "FIN")
    section = make_unit(client, "FIN-01", kind="section", parent_id=unit["id"])
    nested = {
        "code": "FIN-01-A",
        "name": "A",
        "name_zh": "A",
        "kind": "section",
        "body_id": body_id(client),
        "parent_id": section["id"],
    }
    assert client.post("/units", json=nested, headers=HR).json()["code"] == (
        "SECTION_NEEDS_BUDGET_UNIT"
    )
    other_body = {
        **nested,
        "code": "PC-01",
        "parent_id": unit["id"],
        "body_id": body_id(client, "PC"),
    }
    assert client.post("/units", json=other_body, headers=HR).json()["code"] == (
        "SECTION_BODY_MISMATCH"
    )
    with_parent = {**nested, "code": "B2", "kind": "budget_unit", "parent_id": unit["id"]}
    assert client.post("/units", json=with_parent, headers=HR).json()["code"] == (
        "BUDGET_UNIT_HAS_NO_PARENT"
    )


def test_codes_are_unique_and_well_formed(client: TestClient) -> None:
    make_unit(client, "FIN")
    again = {"code": "FIN", "name": "Again", "name_zh": "再", "body_id": body_id(client)}
    duplicate = client.post("/units", json=again, headers=HR)
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "UNIT_CODE_TAKEN"
    lower = client.post("/units", json={**again, "code": "fin"}, headers=HR)
    assert lower.status_code == 422


def test_update_honours_if_match_and_keeps_history_in_the_audit(client: TestClient) -> None:
    unit = make_unit(client, "FIN")
    url = f"/units/{unit['id']}"
    renamed = client.patch(url, json={"name": "Finance Bureau"}, headers={**HR, "If-Match": '"1"'})
    assert renamed.status_code == 200
    assert renamed.headers["etag"] == '"2"'
    stale = client.patch(url, json={"active": False}, headers={**HR, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(url, headers=HR).json()["active"] is True
    entry = client.get("/audit", params={"action": "unit.update"}, headers=bearer("auditor"))
    [update] = entry.json()["items"]
    assert update["before"]["name"] == "Unit FIN"
    assert update["after"]["name"] == "Finance Bureau"


def test_only_hr_officers_change_the_organisation(client: TestClient) -> None:
    data = {"code": "X1", "name": "X", "name_zh": "X", "body_id": body_id(client)}
    for role in ("unit_liaison", "staff", "director", "auditor", "service"):
        assert client.post("/units", json=data, headers=bearer(role)).status_code == 403
    assert client.post("/units", json=data).status_code == 401
    assert client.get("/units", headers=bearer("treasury")).status_code == 403


def test_unknown_unit_is_404(client: TestClient) -> None:
    missing = client.get(f"/units/{uuid.uuid4()}", headers=HR)
    assert missing.status_code == 404
    assert missing.json()["code"] == "UNIT_NOT_FOUND"
