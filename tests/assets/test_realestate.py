"""The real-estate register's writes: create, validate, update with If-Match, deactivate."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.assets.conftest import OFFICER, READER, building, compound, floor, layout
from tests.support.tokens import bearer


def _counts(client: TestClient) -> dict[str, int]:
    return {
        kind: client.get(f"/{kind}", headers=READER).json()["total"]
        for kind in ("compounds", "buildings", "floors", "rooms")
    }


def test_a_layout_is_created_with_versions_etags_and_derived_fields(client: TestClient) -> None:
    made = layout(client)
    first = made["rooms"][0]
    assert first["compound_id"] == made["compound"]["id"]
    assert first["area_m2"] == "18.50"
    assert [f["name"] for f in made["floors"]] == ["1F", "2F"]
    got = client.get(f"/rooms/{first['id']}", headers=bearer("staff"))
    assert got.status_code == 200
    assert got.headers["etag"] == '"1"'
    assert got.json() == first
    basement = floor(client, made["building"]["id"], -1)
    assert basement["name"] == "B1"


@pytest.mark.parametrize(
    ("path", "change", "status", "code"),
    [
        ("/compounds", {"code": "c 1"}, 422, "VALIDATION_FAILED"),
        ("/compounds", {"land_area_m2": "-1"}, 422, "VALIDATION_FAILED"),
        ("/compounds", {"land_area_m2": "10.005"}, 422, "VALIDATION_FAILED"),
        ("/compounds", {"land_area_m2": "NaN"}, 422, "VALIDATION_FAILED"),
        ("/compounds", {"code": "C1"}, 409, "COMPOUND_CODE_TAKEN"),
        ("/buildings", {"compound_id": str(uuid.uuid4())}, 422, "UNKNOWN_COMPOUND"),
        ("/buildings", {"code": "C1-B01"}, 409, "BUILDING_CODE_TAKEN"),
        ("/buildings", {"kind": "castle"}, 422, "VALIDATION_FAILED"),
        ("/floors", {"level": 0}, 422, "VALIDATION_FAILED"),
        ("/floors", {"level": 1}, 409, "FLOOR_EXISTS"),
        ("/rooms", {"code": "C1-B01-0101"}, 409, "ROOM_CODE_TAKEN"),
        ("/rooms", {"area_m2": "12.345"}, 422, "VALIDATION_FAILED"),
        ("/rooms", {"floor_id": str(uuid.uuid4())}, 422, "UNKNOWN_FLOOR"),
        ("/rooms", {"use": "ballroom"}, 422, "VALIDATION_FAILED"),
        ("/rooms", {"seats": -1}, 422, "VALIDATION_FAILED"),
    ],
)
def test_bad_input_is_refused_as_a_problem_and_changes_nothing(
    client: TestClient, path: str, change: dict[str, Any], status: int, code: str
) -> None:
    made = layout(client)
    valid = {
        "/compounds": {
            "code": "C2",
            "name": "East",
            "name_zh": "东院",
            "address": "2 East Road",
            "land_area_m2": "100.00",
        },
        "/buildings": {
            "code": "C1-B02",
            "compound_id": made["compound"]["id"],
            "name": "Block 2",
            "kind": "office",
            "gross_floor_area_m2": "100.00",
        },
        "/floors": {"building_id": made["building"]["id"], "level": 3},
        "/rooms": {
            "code": "C1-B01-0301",
            "building_id": made["building"]["id"],
            "floor_id": made["floors"][0]["id"],
            "number": "0301",
            "use": "office",
            "area_m2": "10.00",
        },
    }[path]
    before = _counts(client)
    response = client.post(path, json={**valid, **change}, headers=OFFICER)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert _counts(client) == before


def test_a_room_sits_on_a_floor_of_its_own_building(client: TestClient) -> None:
    made = layout(client)
    other = building(client, made["compound"]["id"], "C1-B02")
    elsewhere = floor(client, other["id"], 1)
    data = {
        "code": "C1-B01-0105",
        "building_id": made["building"]["id"],
        "floor_id": elsewhere["id"],
        "number": "0105",
        "use": "office",
        "area_m2": "12.00",
    }
    response = client.post("/rooms", json=data, headers=OFFICER)
    assert response.json()["code"] == "FLOOR_NOT_IN_BUILDING"
    moved = client.patch(
        f"/rooms/{made['rooms'][0]['id']}", json={"floor_id": elsewhere["id"]}, headers=OFFICER
    )
    assert moved.status_code == 422
    assert moved.json()["code"] == "FLOOR_NOT_IN_BUILDING"
    assert client.get(f"/rooms/{made['rooms'][0]['id']}", headers=READER).json()["version"] == 1


def test_patch_needs_the_current_version_and_bumps_it(client: TestClient) -> None:
    made = layout(client)
    path = f"/rooms/{made['rooms'][0]['id']}"
    unit = str(uuid.uuid4())
    changed = client.patch(
        path,
        json={"unit_id": unit, "area_m2": "19.75", "floor_id": made["floors"][1]["id"]},
        headers={**OFFICER, "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"'
    assert changed.json()["unit_id"] == unit
    assert changed.json()["area_m2"] == "19.75"
    stale = client.patch(path, json={"seats": 9}, headers={**OFFICER, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["code"] == "STALE_VERSION"
    assert client.get(path, headers=READER).json()["seats"] == 2
    cleared = client.patch(path, json={"unit_id": None}, headers={**OFFICER, "If-Match": '"2"'})
    assert cleared.json()["unit_id"] is None
    refused = client.patch(path, json={"area_m2": None}, headers=OFFICER)
    assert refused.status_code == 422


def test_deactivation_goes_from_the_rooms_up_and_nothing_is_deleted(client: TestClient) -> None:
    made = layout(client)
    b = made["building"]
    busy = client.patch(f"/buildings/{b['id']}", json={"active": False}, headers=OFFICER)
    assert busy.status_code == 409
    assert busy.json()["code"] == "HAS_ACTIVE_PARTS"
    for r in made["rooms"]:
        off = client.patch(f"/rooms/{r['id']}", json={"active": False}, headers=OFFICER)
        assert off.json()["active"] is False
    for f in made["floors"]:
        client.patch(f"/floors/{f['id']}", json={"active": False}, headers=OFFICER)
    assert (
        client.patch(f"/buildings/{b['id']}", json={"active": False}, headers=OFFICER).json()[
            "active"
        ]
        is False
    )
    closed = client.post(
        "/floors", json={"building_id": b["id"], "level": 5}, headers=OFFICER
    ).json()
    assert closed["code"] == "INACTIVE_PARENT"
    back = client.patch(f"/rooms/{made['rooms'][0]['id']}", json={"active": True}, headers=OFFICER)
    assert back.status_code == 409
    assert back.json()["code"] == "INACTIVE_PARENT"
    assert client.get("/rooms", params={"active": False}, headers=READER).json()["total"] == 3
    assert client.delete(f"/rooms/{made['rooms'][0]['id']}", headers=OFFICER).status_code == 405


@pytest.mark.parametrize("role", ["facilities_officer", "unit_liaison", "director", "service"])
def test_only_the_asset_officer_writes(client: TestClient, role: str) -> None:
    c = compound(client)
    headers = bearer(role)
    data = {"code": "C9", "name": "X", "name_zh": "X", "address": "X", "land_area_m2": "1.00"}
    assert client.post("/compounds", json=data, headers=headers).status_code == 403
    patched = client.patch(f"/compounds/{c['id']}", json={"name": "Y"}, headers=headers)
    assert patched.status_code == 403
    assert client.get(f"/compounds/{c['id']}", headers=headers).json()["name"] == c["name"]


def test_the_treasury_and_strangers_read_nothing(client: TestClient) -> None:
    assert client.get("/rooms", headers=bearer("treasury")).status_code == 403
    assert client.get("/area-summary").status_code == 401


def test_missing_rows_are_404(client: TestClient) -> None:
    for kind in ("compounds", "buildings", "floors", "rooms"):
        response = client.get(f"/{kind}/{uuid.uuid4()}", headers=READER)
        assert response.status_code == 404
        assert response.json()["code"].endswith("_NOT_FOUND")
