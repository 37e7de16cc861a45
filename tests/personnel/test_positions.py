"""Positions: a unit, a rank, written responsibilities and a headcount."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.personnel.conftest import HR, make_unit
from tests.support.tokens import bearer

DUTIES = "Keeps the unified ledger of the four bodies; checks vouchers monthly (一月一检查)."


def _position(client: TestClient, unit_id: str, code: str = "P-FIN-1", **fields: object) -> dict:
    data = {
        "code": code,
        "title": "Accountant",
        "unit_id": unit_id,
        "rank_code": "clerk",
        "responsibilities": DUTIES,
        **fields,
    }
    response = client.post("/positions", json=data, headers=HR)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_position_is_created_with_its_responsibilities_and_listed_by_unit(
    client: TestClient,
) -> None:
    fin = make_unit(client, "FIN")
    hr = make_unit(client, "HR")
    position = _position(client, fin["id"], headcount=3)
    _position(client, hr["id"], code="P-HR-1", rank_code="section_chief")
    assert position["responsibilities"] == DUTIES
    in_fin = client.get("/positions", params={"unit_id": fin["id"]}, headers=bearer("staff"))
    assert [p["code"] for p in in_fin.json()["items"]] == ["P-FIN-1"]
    chiefs = client.get("/positions", params={"rank_code": "section_chief"}, headers=HR).json()
    assert [p["code"] for p in chiefs["items"]] == ["P-HR-1"]


def test_unknown_unit_or_rank_and_bad_headcount_are_refused(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    base = {
        "code": "P1",
        "title": "T",
        "unit_id": fin["id"],
        "rank_code": "clerk",
        "responsibilities": DUTIES,
    }
    cases = [
        ({"unit_id": str(uuid.uuid4())}, "UNKNOWN_UNIT"),
        ({"rank_code": "emperor"}, "UNKNOWN_RANK"),
        ({"headcount": 0}, "VALIDATION_FAILED"),
        ({"responsibilities": ""}, "VALIDATION_FAILED"),
    ]
    for change, code in cases:
        response = client.post("/positions", json={**base, **change}, headers=HR)
        assert response.status_code == 422, change
        assert response.json()["code"] == code
    assert client.get("/positions", headers=HR).json()["total"] == 0


def test_rank_change_is_versioned_and_audited(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    position = _position(client, fin["id"])
    url = f"/positions/{position['id']}"
    changed = client.patch(
        url, json={"rank_code": "deputy_section_chief"}, headers={**HR, "If-Match": '"1"'}
    )
    assert changed.status_code == 200
    assert changed.json()["rank_code"] == "deputy_section_chief"
    assert client.patch(url, json={"rank_code": "nope"}, headers=HR).json()["code"] == (
        "UNKNOWN_RANK"
    )
    assert (
        client.patch(url, json={"headcount": 2}, headers={**HR, "If-Match": '"1"'}).status_code
        == 412
    )
    entries = client.get(
        "/audit", params={"resource_id": position["id"]}, headers=bearer("auditor")
    ).json()["items"]
    assert [e["action"] for e in entries] == ["position.update", "position.create"]


def test_duplicate_code_is_409_and_only_hr_creates(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    _position(client, fin["id"])
    data = {
        "code": "P-FIN-1",
        "title": "T",
        "unit_id": fin["id"],
        "rank_code": "clerk",
        "responsibilities": DUTIES,
    }
    assert client.post("/positions", json=data, headers=HR).json()["code"] == "POSITION_CODE_TAKEN"
    assert (
        client.post(
            "/positions", json={**data, "code": "P2"}, headers=bearer("unit_liaison")
        ).status_code
        == 403
    )
