"""Safety zones, the units' liaisons, the entrances' managers, and the gaps report."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.facilities.upkeep_support import (
    AUDITOR,
    BUILDING,
    DIRECTOR,
    OFFICER,
    OTHER_BUILDING,
    SECURITY,
    ok,
    refused,
)
from tests.support.tokens import bearer

pytestmark = pytest.mark.usefixtures("known_places")


def zone(client: TestClient, code: str = "Z1", **fields: Any) -> dict[str, Any]:
    data = {"code": code, "name": f"Zone {code}", "building_ids": [str(BUILDING)], **fields}
    return ok(client.post("/safety-zones", json=data, headers=SECURITY), 201)


def test_zones_cover_buildings_or_areas_each_building_and_unit_once(client: TestClient) -> None:
    units = sorted(str(uuid.uuid4()) for _ in range(2))
    z = zone(client, unit_ids=units)
    assert (z["unit_ids"], len(z["building_ids"])) == (units, 1)
    area = zone(client, "Z2", building_ids=[], area_name="North car park")
    assert area["building_ids"] == []
    refused(client.post("/safety-zones", json={"code": "Z3", "name": "x"}, headers=SECURITY),
            422, "ZONE_EMPTY")  # fmt: skip
    taken = {"code": "Z3", "name": "x", "building_ids": z["building_ids"]}
    refused(client.post("/safety-zones", json=taken, headers=SECURITY), 409,
            "BUILDING_IN_OTHER_ZONE")  # fmt: skip
    refused(client.post("/safety-zones", json={"code": "Z3", "name": "x", "area_name": "y",
                                               "unit_ids": units[:1]}, headers=SECURITY),
            409, "UNIT_IN_OTHER_ZONE")  # fmt: skip
    refused(client.post("/safety-zones", json={"code": "Z1", "name": "x", "area_name": "y"},
                        headers=SECURITY), 409, "CODE_TAKEN")  # fmt: skip
    assert ok(client.get("/safety-zones", headers=DIRECTOR))["total"] == 2
    url = f"/safety-zones/{area['id']}"
    stale = client.patch(url, json={"name": "y"}, headers={**SECURITY, "If-Match": '"3"'})
    assert stale.status_code == 412
    refused(client.patch(url, json={"area_name": None}, headers=SECURITY), 422, "ZONE_EMPTY")
    refused(client.patch(url, json={"unit_ids": units[1:]}, headers=SECURITY), 409,
            "UNIT_IN_OTHER_ZONE")  # fmt: skip
    assert ok(client.get(url, headers=AUDITOR))["version"] == 1


def test_gaps_name_units_without_a_liaison_and_entrances_without_a_manager(
    client: TestClient,
) -> None:
    units = [str(uuid.uuid4()) for _ in range(3)]
    z = zone(client, unit_ids=units)
    building = z["building_ids"][0]
    liaison = {"staff_id": str(uuid.uuid4()), "name": "Wang Fang", "phone": "025-8400 1234"}
    ok(client.put(f"/safety-liaisons/{units[0]}", json=liaison, headers=SECURITY))
    entrances = [
        ok(client.post("/entrances", json={"building_id": building, "label": label, **m},
                       headers=SECURITY), 201)
        for label, m in (
            ("Entrance 1", {"manager_staff_id": str(uuid.uuid4())}),
            ("Entrance 2", {"manager_name": "Zhao Lei", "manager_phone": "13800001111"}),
            ("Entrance 3", {}),
        )
    ]  # fmt: skip
    assert [e["managed"] for e in entrances] == [True, True, False]
    gaps = ok(client.get("/safety-zones/gaps", headers=OFFICER))
    assert sorted(g["unit_id"] for g in gaps["units_without_liaison"]) == sorted(units[1:])
    assert [g["label"] for g in gaps["entrances_without_manager"]] == ["Entrance 3"]
    assert gaps["entrances_without_manager"][0]["zone_code"] == "Z1"
    third = entrances[2]
    refused(client.patch(f"/entrances/{third['id']}", json={"manager_name": "Sun Li"},
                         headers=SECURITY), 422, "MANAGER_INCOMPLETE")  # fmt: skip
    named = {"manager_name": "Sun Li", "manager_phone": "13900002222"}
    ok(
        client.patch(
            f"/entrances/{third['id']}", json=named, headers={**SECURITY, "If-Match": '"1"'}
        )
    )
    for unit in units[1:]:
        ok(client.put(f"/safety-liaisons/{unit}", json=liaison, headers=SECURITY))
    assert ok(client.get("/safety-zones/gaps", headers=AUDITOR)) == {
        "units_without_liaison": [], "entrances_without_manager": []
    }  # fmt: skip
    replaced = ok(client.put(f"/safety-liaisons/{units[0]}", json={**liaison, "name": "Li Na"},
                             headers={**SECURITY, "If-Match": '"1"'}))  # fmt: skip
    assert (replaced["name"], replaced["version"]) == ("Li Na", 2)
    assert ok(client.get("/safety-liaisons", headers=DIRECTOR))["total"] == 3


def test_entrances_are_on_zoned_buildings_once_per_label(client: TestClient) -> None:
    z = zone(client)
    building = z["building_ids"][0]
    refused(client.post("/entrances", json={"building_id": str(OTHER_BUILDING), "label": "1"},
                        headers=SECURITY), 422, "BUILDING_NOT_IN_ZONE")  # fmt: skip
    ok(
        client.post("/entrances", json={"building_id": building, "label": "1"}, headers=SECURITY),
        201,
    )
    refused(client.post("/entrances", json={"building_id": building, "label": "1"},
                        headers=SECURITY), 409, "ENTRANCE_EXISTS")  # fmt: skip
    listed = ok(client.get("/entrances", params={"zone_id": z["id"]}, headers=OFFICER))
    assert (listed["total"], listed["items"][0]["zone_id"]) == (1, z["id"])


ID = "00000000-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("method", "path", "roles"),
    [
        ("GET", "/safety-zones", ("unit_liaison", "staff", "guard")),
        ("POST", "/safety-zones", ("facilities_officer", "director", "auditor")),
        ("GET", "/safety-zones/gaps", ("unit_liaison", "staff")),
        ("GET", f"/safety-zones/{ID}", ("unit_liaison", "staff")),
        ("PATCH", f"/safety-zones/{ID}", ("facilities_officer", "director")),
        ("GET", "/safety-liaisons", ("unit_liaison", "staff")),
        ("PUT", f"/safety-liaisons/{ID}", ("facilities_officer", "director", "unit_liaison")),
        ("GET", "/entrances", ("unit_liaison", "staff")),
        ("POST", "/entrances", ("facilities_officer", "auditor")),
        ("PATCH", f"/entrances/{ID}", ("facilities_officer", "director")),
    ],
)
def test_roles_are_refused_and_anonymous_callers_too(
    client: TestClient, method: str, path: str, roles: tuple[str, ...]
) -> None:
    for role in roles:
        answer = client.request(
            method, path, json={}, headers=bearer(role, unit_id=ID, staff_id=ID)
        )
        assert answer.status_code == 403, (role, answer.text)
    assert client.request(method, path, json={}).status_code == 401
    assert ok(client.get("/safety-zones", headers=AUDITOR))["total"] == 0
