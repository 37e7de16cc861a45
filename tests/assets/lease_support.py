"""Helpers of the lease tests: commercial frontage with an operator, and leases through the API."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.assets.conftest import OFFICER, building, compound, floor, room
from tests.support.tokens import bearer

DIRECTOR = bearer("director")
CENTRE = "1f6c2a4e-0000-4000-8000-000000000001"  # the bureau's service centre (budget unit)


def hold(client: TestClient, kind: str, subject_id: str, right: str, **more: Any) -> None:
    data = {
        "subject_kind": kind,
        "subject_id": subject_id,
        "right": right,
        "holder_name": "Service centre",
        "holder_unit_id": CENTRE,
        "valid_from": "2020-01-01",
        **more,
    }
    response = client.post("/rights", json=data, headers=OFFICER)
    assert response.status_code == 201, response.text


def frontage(client: TestClient, *, operated: bool = True) -> dict[str, Any]:
    """A commercial building (its operation right held by the service centre) with three
    shop units of 50.00, 30.00 and 20.00 m², and an office and a storage room."""
    c = compound(client)
    b = building(client, c["id"], "C1-S01", kind="commercial")
    f = floor(client, b["id"], 1)
    shops = [
        room(client, f, f"C1-S01-01{n}", use="commercial_frontage", area_m2=area, seats=0)
        for n, area in enumerate(("50.00", "30.00", "20.00"), start=1)
    ]
    office = room(client, f, "C1-S01-0190", use="office")
    store = room(client, f, "C1-S01-0191", use="storage", seats=0)
    if operated:
        hold(client, "building", b["id"], "operation")
    return {"building": b, "floor": f, "shops": shops, "office": office, "storage": store}


def lease_data(rooms: list[dict[str, Any]], code: str = "L-2026-001", **fields: Any) -> Any:
    return {
        "code": code,
        "tenant_name": "Jinling Tea House Co., Ltd.",
        "tenant_credit_code": "91320100MA1XY2W34K",
        "tenant_contact": "Ms Wang, 025-8888 0000",
        "room_ids": [r["id"] for r in rooms],
        "starts_on": "2026-01-15",
        "ends_on": "2028-01-14",
        "rent_per_m2": "80.00",
        "escalation_pct": "5.00",
        "deposit": "24000.00",
        "market_rent_per_m2": "90.00",
        **fields,
    }


def draft(client: TestClient, rooms: list[dict[str, Any]], **fields: Any) -> Any:
    response = client.post("/leases", json=lease_data(rooms, **fields), headers=OFFICER)
    assert response.status_code == 201, response.text
    return response.json()


def activate(client: TestClient, lease: dict[str, Any], headers: Any = OFFICER) -> Any:
    return client.post(f"/leases/{lease['id']}/activate", headers=headers)


def active(client: TestClient, rooms: list[dict[str, Any]], **fields: Any) -> Any:
    response = activate(client, draft(client, rooms, **fields))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "active"
    return response.json()


def pay(
    client: TestClient, lease_id: str, seq: int, amount: str, paid_on: str, key: str | None = None
) -> Any:
    headers = {**OFFICER, "Idempotency-Key": key or uuid.uuid4().hex}
    return client.post(
        f"/leases/{lease_id}/invoices/{seq}/payments",
        json={"paid_on": paid_on, "amount": amount, "reference": "BANK-REF-1"},
        headers=headers,
    )


def invoices(client: TestClient, lease_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/leases/{lease_id}/invoices", params={"limit": 200}, headers=OFFICER)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
