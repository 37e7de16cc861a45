"""The fire equipment register: items, idempotent check posting, what is due."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.types import today
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

TODAY = today()


def zone(client: TestClient, code: str = "Z1", building: uuid.UUID = BUILDING) -> dict[str, Any]:
    data = {"code": code, "name": f"Zone {code}", "building_ids": [str(building)]}
    return ok(client.post("/safety-zones", json=data, headers=SECURITY), 201)


def item(client: TestClient, code: str, **fields: Any) -> dict[str, Any]:
    data = {"code": code, "kind": "extinguisher", "check_interval_days": 30,
            "in_service_from": (TODAY - timedelta(days=10)).isoformat(), **fields}  # fmt: skip
    return ok(client.post("/fire-equipment", json=data, headers=SECURITY), 201)


def check(equipment: dict[str, Any], days_ago: int = 0, **fields: Any) -> dict[str, Any]:
    at = datetime.now(UTC) - timedelta(days=days_ago)
    return {"check_id": str(uuid.uuid4()), "equipment_id": equipment["id"], "result": "ok",
            "checked_at": at.isoformat(), "checked_by": "Guard Chen", **fields}  # fmt: skip


def test_an_item_takes_its_buildings_zone_and_its_first_due_day(client: TestClient) -> None:
    z = zone(client)
    e = item(client, "EXT-001", building_id=z["building_ids"][0])
    assert (e["zone_id"], e["next_check_due"]) == (
        z["id"],
        (TODAY + timedelta(days=20)).isoformat(),
    )
    refused(client.post("/fire-equipment", json={"code": "EXT-001", "kind": "alarm",
            "check_interval_days": 7, "in_service_from": "2026-01-01"}, headers=SECURITY),
            409, "CODE_TAKEN")  # fmt: skip
    refused(client.post("/fire-equipment", json={"code": "EXT-002", "kind": "alarm",
            "zone_id": str(uuid.uuid4()), "check_interval_days": 7,
            "in_service_from": "2026-01-01"}, headers=SECURITY), 422, "UNKNOWN_ZONE")  # fmt: skip
    refused(client.post("/fire-equipment", json={"code": "EXT-002", "kind": "alarm",
            "check_interval_days": 7, "in_service_from": "2026-01-01",
            "expires_on": "2025-01-01"}, headers=SECURITY), 422, "DATES_OUT_OF_ORDER")  # fmt: skip
    for field, day in (("in_service_from", "0001-01-01"), ("expires_on", "9999-12-31")):
        data = {"code": "EXT-009", "kind": "alarm", "check_interval_days": 7,
                "in_service_from": "2026-01-01", field: day}  # fmt: skip
        refused(client.post("/fire-equipment", json=data, headers=SECURITY), 422,
                "DATE_OUT_OF_RANGE")  # fmt: skip
    refused(client.get("/fire-equipment/due", params={"as_of": "9999-12-31"}, headers=OFFICER),
            422, "DATE_OUT_OF_RANGE")  # fmt: skip
    url = f"/fire-equipment/{e['id']}"
    moved = ok(
        client.patch(url, json={"check_interval_days": 90}, headers={**SECURITY, "If-Match": '"1"'})
    )
    assert moved["next_check_due"] == (TODAY + timedelta(days=80)).isoformat()
    assert ok(client.get("/fire-equipment", headers=OFFICER))["total"] == 1


def test_checks_posted_twice_are_kept_once_and_move_the_next_due_day(client: TestClient) -> None:
    a, b = item(client, "EXT-001"), item(client, "HYD-001", kind="hydrant", check_interval_days=90)
    batch = {"checks": [check(a, 2, photos=["photo-1.jpg"], note="Pressure fine"),
                        check(b, 1, result="defect", note="Valve stiff"),
                        check(b, 0, result="na")]}  # fmt: skip
    first = ok(client.post("/fire-equipment/checks", json=batch, headers=SECURITY))
    assert first == {"received": 3, "new": 3, "repeated": 0}
    again = ok(client.post("/fire-equipment/checks", json=batch, headers=SECURITY))
    assert again == {"received": 3, "new": 0, "repeated": 3}
    a2 = ok(client.get(f"/fire-equipment/{a['id']}", headers=AUDITOR))
    checked = TODAY - timedelta(days=2)
    assert (a2["last_checked_on"], a2["last_result"], a2["version"]) == (
        checked.isoformat(), "ok", 2
    )  # fmt: skip
    assert a2["next_check_due"] == (checked + timedelta(days=30)).isoformat()
    b2 = ok(client.get(f"/fire-equipment/{b['id']}", headers=AUDITOR))
    assert (b2["last_result"], b2["last_checked_on"]) == (
        "defect",
        (TODAY - timedelta(days=1)).isoformat(),
    )
    kept = ok(client.get(f"/fire-equipment/{b['id']}/checks", headers=DIRECTOR))["items"]
    assert [c["result"] for c in kept] == ["na", "defect"]
    older = ok(
        client.post("/fire-equipment/checks", json={"checks": [check(a, 5)]}, headers=SECURITY)
    )
    assert older["new"] == 1
    assert ok(client.get(f"/fire-equipment/{a['id']}", headers=AUDITOR))["version"] == 2


def test_a_refused_batch_keeps_nothing(client: TestClient) -> None:
    a = item(client, "EXT-001")
    off = item(client, "EXT-002")
    ok(client.patch(f"/fire-equipment/{off['id']}", json={"active": False}, headers=SECURITY))
    future = check(a, -1)
    refused(client.post("/fire-equipment/checks", json={"checks": [check(a), future]},
                        headers=SECURITY), 422, "FUTURE_CHECK")  # fmt: skip
    for ghost in ({"id": str(uuid.uuid4())}, off):
        refused(client.post("/fire-equipment/checks", json={"checks": [check(a), check(ghost)]},
                            headers=SECURITY), 422, "UNKNOWN_EQUIPMENT")  # fmt: skip
    assert ok(client.get(f"/fire-equipment/{a['id']}/checks", headers=AUDITOR))["total"] == 0
    ancient = {**check(a), "checked_at": "0001-01-01T00:00:00+14:00"}
    refused(client.post("/fire-equipment/checks", json={"checks": [ancient]}, headers=SECURITY),
            422, "DATE_OUT_OF_RANGE")  # fmt: skip
    bad = check(a, result="broken")
    assert (
        client.post("/fire-equipment/checks", json={"checks": [bad]}, headers=SECURITY).status_code
        == 422
    )


def test_the_due_report_per_zone(client: TestClient) -> None:
    north, south = zone(client, "NORTH"), zone(client, "SOUTH", OTHER_BUILDING)
    n, s = north["building_ids"][0], south["building_ids"][0]
    long_ago = (TODAY - timedelta(days=400)).isoformat()
    overdue = item(client, "EXT-001", building_id=n, in_service_from=long_ago)
    soon = item(client, "EXT-002", building_id=n)  # due in 20 days
    fine = item(client, "EXT-003", building_id=s, check_interval_days=365)
    expiring = item(client, "EXT-004", building_id=s, check_interval_days=365,
                    expires_on=(TODAY + timedelta(days=10)).isoformat())  # fmt: skip
    loose = item(client, "ALM-001", kind="alarm", in_service_from=long_ago)  # in no zone
    report = ok(client.get("/fire-equipment/due", headers=OFFICER))
    by_zone = {z["zone_code"]: z for z in report["zones"]}
    assert list(by_zone) == ["NORTH", "SOUTH", None]
    assert {k: by_zone["NORTH"][k] for k in ("items", "overdue", "due_soon", "expiring")} == {
        "items": 2, "overdue": 1, "due_soon": 1, "expiring": 0
    }  # fmt: skip
    assert (by_zone["SOUTH"]["items"], by_zone["SOUTH"]["expiring"]) == (2, 1)
    flagged = {i["code"]: (i["check"], i["expiry"]) for i in report["items"]}
    assert flagged == {"EXT-001": ("overdue", "none"), "EXT-002": ("due_soon", "none"),
                       "EXT-004": ("ok", "expiring"), "ALM-001": ("overdue", "none")}  # fmt: skip
    assert fine["code"] not in flagged
    narrow = ok(client.get("/fire-equipment/due", params={"within_days": 5, "zone_id": north["id"]},
                           headers=AUDITOR))  # fmt: skip
    assert [(i["code"], i["check"]) for i in narrow["items"]] == [("EXT-001", "overdue")]
    later = (TODAY + timedelta(days=11)).isoformat()
    after = ok(client.get("/fire-equipment/due", params={"as_of": later}, headers=AUDITOR))
    assert {i["code"]: i["expiry"] for i in after["items"]}["EXT-004"] == "expired"
    ok(client.post("/fire-equipment/checks", json={"checks": [check(overdue)]}, headers=SECURITY))
    cleared = ok(client.get("/fire-equipment/due", params={"within_days": 10}, headers=AUDITOR))
    assert [i["code"] for i in cleared["items"]] == ["EXT-004", loose["code"]]
    assert soon["zone_id"] == north["id"] and expiring["zone_id"] == south["id"]


ID = "00000000-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("method", "path", "roles"),
    [
        ("GET", "/fire-equipment", ("unit_liaison", "staff", "guard")),
        ("POST", "/fire-equipment", ("facilities_officer", "director", "auditor")),
        ("GET", "/fire-equipment/due", ("unit_liaison", "staff")),
        ("POST", "/fire-equipment/checks", ("facilities_officer", "director", "staff")),
        ("GET", f"/fire-equipment/{ID}", ("unit_liaison", "staff")),
        ("PATCH", f"/fire-equipment/{ID}", ("facilities_officer", "director")),
        ("GET", f"/fire-equipment/{ID}/checks", ("unit_liaison", "staff")),
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
    assert ok(client.get("/fire-equipment", headers=AUDITOR))["total"] == 0
