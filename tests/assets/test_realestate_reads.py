"""Reading the register: pages and filters, the keyset bulk read for peers, area totals, and
the audit trail every write leaves."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.assets.conftest import OFFICER, READER, building, compound, floor, layout, room
from tests.support.tokens import bearer


def test_rooms_page_and_filter_by_compound_building_floor_use_and_unit(
    client: TestClient,
) -> None:
    made = layout(client)
    unit = str(uuid.uuid4())
    other = compound(client, "C2")
    far = floor(client, building(client, other["id"], "C2-B01")["id"])
    room(client, far, "C2-B01-0101", unit_id=unit)
    page = client.get("/rooms", params={"limit": 2, "offset": 2}, headers=READER).json()
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 2)
    assert [r["code"] for r in page["items"]] == ["C1-B01-0201", "C2-B01-0101"]

    def codes(**params: str) -> list[str]:
        found = client.get("/rooms", params=params, headers=READER).json()["items"]
        return [r["code"] for r in found]

    assert codes(compound_id=other["id"]) == ["C2-B01-0101"]
    assert codes(building_id=made["building"]["id"], use="meeting") == ["C1-B01-0102"]
    assert codes(floor_id=made["floors"][1]["id"]) == ["C1-B01-0201"]
    assert codes(unit_id=unit) == ["C2-B01-0101"]
    assert codes(use="residential") == []
    buildings = client.get("/buildings", params={"compound_id": other["id"]}, headers=READER)
    assert [b["code"] for b in buildings.json()["items"]] == ["C2-B01"]
    floors = client.get("/floors", params={"building_id": made["building"]["id"]}, headers=READER)
    assert [f["level"] for f in floors.json()["items"]] == [1, 2]
    assert client.get("/rooms", params={"limit": 201}, headers=READER).status_code == 422


def test_peers_read_every_room_in_keyset_slices(client: TestClient) -> None:
    made = layout(client)
    for n in range(3, 8):
        room(client, made["floors"][1], f"C1-B01-02{n:02d}")
    service = bearer("service")
    seen, after, calls = [], None, 0
    while True:
        params = {"limit": 3, **({"after": after} if after else {})}
        response = client.get("/rooms/bulk", params=params, headers=service)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [r["code"] for r in body["items"]]
        calls += 1
        after = body["next_after"]
        if after is None:
            break
    assert calls == 3  # 8 rooms: 3 + 3 + 2, and no empty slice at the end
    assert seen == sorted(seen)
    assert len(set(seen)) == 8
    assert client.get("/rooms/bulk", params={"limit": 2001}, headers=service).status_code == 422


def test_area_summary_totals_active_buildings_and_rooms(client: TestClient) -> None:
    made = layout(client)
    c2 = compound(client, "C2")
    building(client, c2["id"], "C2-B01", kind="residential", gross_floor_area_m2="8000.10")
    off = client.patch(f"/rooms/{made['rooms'][2]['id']}", json={"active": False}, headers=OFFICER)
    assert off.status_code == 200
    whole = client.get("/area-summary", headers=bearer("staff")).json()
    assert whole["gross_floor_area_m2"] == "14000.10"
    assert (whole["buildings"], whole["rooms"], whole["seats"]) == (2, 2, 2)
    assert whole["room_area_m2"] == "58.75"
    assert whole["by_use"] == {"office": "18.50", "meeting": "40.25"}
    assert [(p["code"], p["rooms"]) for p in whole["parts"]] == [("C1", 2), ("C2", 0)]
    one = client.get(
        "/area-summary", params={"compound_id": made["compound"]["id"]}, headers=READER
    ).json()
    assert one["compound_id"] == made["compound"]["id"]
    assert [(p["code"], p["room_area_m2"]) for p in one["parts"]] == [("C1-B01", "58.75")]
    missing = client.get("/area-summary", params={"compound_id": str(uuid.uuid4())}, headers=READER)
    assert missing.status_code == 404


def test_every_write_is_audited_with_before_and_after(client: TestClient) -> None:
    made = layout(client)
    r = made["rooms"][0]
    client.patch(f"/rooms/{r['id']}", json={"use": "storage", "seats": 0}, headers=OFFICER)
    client.patch(f"/rooms/{r['id']}", json={"seats": 1}, headers={**OFFICER, "If-Match": '"1"'})
    auditor = bearer("auditor")
    entries = client.get("/audit", params={"limit": 200}, headers=auditor).json()["items"]
    assert sorted(e["action"] for e in entries) == sorted(
        ["compound.create", "building.create", "floor.create", "floor.create"]
        + ["room.create"] * 3
        + ["room.update"]
    )
    update = next(e for e in entries if e["action"] == "room.update")
    assert update["resource_id"] == r["id"]
    assert (update["before"]["use"], update["after"]["use"]) == ("office", "storage")
    assert (update["before"]["seats"], update["after"]["seats"]) == (2, 0)
    assert client.get("/audit/verify", headers=auditor).json()["ok"] is True
