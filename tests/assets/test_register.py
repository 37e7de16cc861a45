"""The asset register through its API: acquisition, the lifecycle steps with their records and
audit entries, the rules each step checks, and who reaches which cards."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from shared.types import today
from tests.assets.conftest import OFFICER, layout
from tests.support.tokens import bearer

UNIT_A = str(uuid.uuid4())
UNIT_B = str(uuid.uuid4())
KEEPER = str(uuid.uuid4())


def card(client: TestClient, number: str = "A0001", **fields: Any) -> dict[str, Any]:
    data = {
        "number": number,
        "category_code": "2010100",
        "name": "Desktop computer",
        "specification": "i5 / 16 GB",
        "unit_id": UNIT_A,
        "custodian_id": KEEPER,
        "acquired_on": "2025-03-10",
        "original_value": "6000.00",
        "fund_source": "fiscal",
        **fields,
    }
    response = client.post("/assets", json=data, headers=OFFICER)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_acquire_read_and_history(client: TestClient) -> None:
    rooms = layout(client)["rooms"]
    body = card(client, room_id=rooms[0]["id"], payment_id=str(uuid.uuid4()))
    assert body["value"] == body["original_value"] == "6000.00"
    assert body["net_value"] == "6000.00" and body["status"] == "in_use"
    got = client.get(f"/assets/{body['id']}", headers=OFFICER)
    assert got.headers["ETag"] == '"1"' and got.json() == body
    steps = client.get(f"/assets/{body['id']}/events", headers=OFFICER).json()["items"]
    assert [s["kind"] for s in steps] == ["acquired"]
    assert steps[0]["by"] and steps[0]["reason"] == "acquired"
    audit = client.get("/audit", params={"resource_type": "asset"}, headers=bearer("auditor"))
    assert [e["action"] for e in audit.json()["items"]] == ["asset.acquired"]


def test_acquisition_rules_refuse_and_change_nothing(client: TestClient) -> None:
    card(client)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    cases = [
        ({"number": "A0001"}, 409, "NUMBER_TAKEN"),
        ({"number": "A0002", "category_code": "9999999"}, 422, "UNKNOWN_CATEGORY"),
        ({"number": "A0003", "room_id": str(uuid.uuid4())}, 422, "UNKNOWN_ROOM"),
        ({"number": "A0004", "acquired_on": tomorrow}, 422, "FUTURE_DATE"),
        ({"number": "a 5"}, 422, "VALIDATION_FAILED"),
        ({"number": "A0006", "original_value": "0"}, 422, "VALIDATION_FAILED"),
        ({"number": "A0007", "original_value": 10}, 422, "VALIDATION_FAILED"),
    ]
    for fields, status, code in cases:
        data = {
            "number": "A0001",
            "category_code": "2010100",
            "name": "Desktop",
            "unit_id": UNIT_A,
            "acquired_on": "2025-03-10",
            "original_value": "6000.00",
            "fund_source": "fiscal",
            **fields,
        }
        response = client.post("/assets", json=data, headers=OFFICER)
        assert (response.status_code, response.json()["code"]) == (status, code), fields
    assert client.get("/assets", headers=OFFICER).json()["total"] == 1


def test_move_transfer_and_revalue_are_steps(client: TestClient) -> None:
    rooms = layout(client)["rooms"]
    asset = card(client, room_id=rooms[0]["id"])
    path = f"/assets/{asset['id']}"
    moved = client.post(
        f"{path}/moves", json={"room_id": rooms[1]["id"], "reason": "new desk"}, headers=OFFICER
    )
    assert moved.status_code == 200 and moved.json()["room_id"] == rooms[1]["id"]
    nothing = client.post(
        f"{path}/moves", json={"room_id": rooms[1]["id"], "reason": "again"}, headers=OFFICER
    )
    assert nothing.json()["code"] == "NOTHING_TO_MOVE"
    stale = client.post(
        f"{path}/transfers",
        json={"to_unit_id": UNIT_B, "reason": "reorganised"},
        headers={**OFFICER, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    same = client.post(
        f"{path}/transfers", json={"to_unit_id": UNIT_A, "reason": "x"}, headers=OFFICER
    )
    assert same.json()["code"] == "SAME_UNIT"
    moved_to = client.post(
        f"{path}/transfers",
        json={"to_unit_id": UNIT_B, "reason": "reorganised", "document_no": "DB-2026-7"},
        headers={**OFFICER, "If-Match": moved.headers["ETag"]},
    )
    assert moved_to.status_code == 200, moved_to.text
    assert moved_to.json()["unit_id"] == UNIT_B and moved_to.json()["custodian_id"] is None
    revalued = client.post(
        f"{path}/revaluations",
        json={"new_value": "4500.00", "reason": "appraisal"},
        headers=OFFICER,
    )
    assert revalued.json()["value"] == "4500.00"
    assert revalued.json()["original_value"] == "6000.00"
    kinds = [s["kind"] for s in client.get(f"{path}/events", headers=OFFICER).json()["items"]]
    assert kinds == ["acquired", "moved", "transferred", "revalued"]
    # both units' liaisons see the transfer; the giver only up to it
    giver = bearer("unit_liaison", unit_id=UNIT_A)
    taker = bearer("unit_liaison", unit_id=UNIT_B)
    for who in (giver, taker):
        listed = client.get("/asset-events", params={"kind": "transferred"}, headers=who)
        assert [e["other_unit_id"] for e in listed.json()["items"]] == [UNIT_B]
    giver_view = client.get(f"{path}/events", headers=giver).json()["items"]
    assert [s["kind"] for s in giver_view] == ["acquired", "moved", "transferred"]
    assert client.get(path, headers=giver).status_code == 403
    assert client.get(path, headers=taker).status_code == 200
    stranger = bearer("unit_liaison", unit_id=str(uuid.uuid4()))
    assert client.get(f"{path}/events", headers=stranger).status_code == 403


def test_step_days_and_out_of_service(client: TestClient) -> None:
    asset = card(client)
    path = f"/assets/{asset['id']}"
    early = client.post(
        f"{path}/revaluations",
        json={"new_value": "100.00", "reason": "x", "occurred_on": "2024-01-01"},
        headers=OFFICER,
    )
    assert early.json()["code"] == "BEFORE_ACQUISITION"
    idle = client.patch(path, json={"status": "idle"}, headers=OFFICER)
    assert idle.json()["status"] == "idle"
    refused = client.patch(path, json={"status": "disposed"}, headers=OFFICER)
    assert refused.json()["code"] == "STATUS_BY_STEP_ONLY"
    cleared = client.patch(path, json={"specification": None}, headers=OFFICER)
    assert cleared.json()["specification"] is None
    assert client.patch(path, json={"name": None}, headers=OFFICER).status_code == 422


def test_scope_liaison_staff_and_roles(client: TestClient) -> None:
    mine = card(client, "A0001")
    card(client, "A0002", unit_id=UNIT_B, custodian_id=None)
    liaison = bearer("unit_liaison", unit_id=UNIT_A)
    keeper = bearer("staff", staff_id=KEEPER)
    stranger = bearer("staff", staff_id=str(uuid.uuid4()))
    assert [a["number"] for a in client.get("/assets", headers=liaison).json()["items"]] == [
        "A0001"
    ]
    other = client.get("/assets", params={"unit_id": UNIT_B}, headers=liaison)
    assert other.status_code == 403
    assert client.get("/assets", headers=keeper).json()["total"] == 1
    assert client.get("/assets", headers=stranger).json()["total"] == 0
    assert client.get(f"/assets/{mine['id']}", headers=stranger).status_code == 403
    assert client.get("/assets", headers=bearer("director")).json()["total"] == 2
    assert client.get("/assets", headers=bearer("hr_officer")).status_code == 403
    assert client.get("/assets").status_code == 401
    denied = client.post(f"/assets/{mine['id']}/moves", json={"reason": "x"}, headers=liaison)
    assert denied.status_code == 403


def test_bulk_read_to_the_end(client: TestClient) -> None:
    for n in range(5):
        card(client, f"A{n:04d}")
    seen: list[str] = []
    after = None
    service = bearer("service", sub="service:facilities")
    while True:
        params: dict[str, Any] = {"limit": 2, **({"after": after} if after else {})}
        body = client.get("/assets/bulk", params=params, headers=service).json()
        seen += [a["number"] for a in body["items"]]
        after = body["next_after"]
        if after is None:
            break
    assert seen == [f"A{n:04d}" for n in range(5)]
    assert client.get("/assets/bulk", headers=bearer("unit_liaison")).status_code == 403


def test_categories_carry_lives_and_change_by_version(client: TestClient) -> None:
    page = client.get("/categories", headers=bearer("staff")).json()
    by_code = {c["code"]: c for c in page["items"]}
    assert by_code["2010100"]["useful_life_years"] == 6
    assert by_code["1010000"]["useful_life_years"] is None  # land: not depreciated
    assert by_code["6010000"]["useful_life_years"] == 15
    got = client.get("/categories/2030000", headers=OFFICER)
    changed = client.patch(
        "/categories/2030000",
        json={"useful_life_years": 10},
        headers={**OFFICER, "If-Match": got.headers["ETag"]},
    )
    assert changed.json()["useful_life_years"] == 10 and changed.json()["version"] == 2
    again = client.patch(
        "/categories/2030000",
        json={"useful_life_years": 12},
        headers={**OFFICER, "If-Match": got.headers["ETag"]},
    )
    assert again.status_code == 412
    assert client.get("/categories/0000000", headers=OFFICER).status_code == 404
