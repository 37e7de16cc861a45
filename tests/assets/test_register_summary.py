"""The register's totals: in service only, per unit or category, within the caller's scope."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.assets.conftest import OFFICER
from tests.support.tokens import bearer

UNIT_A, UNIT_B, KEEPER = (str(uuid.uuid4()) for _ in range(3))


def card(client: TestClient, number: str, **fields: Any) -> dict[str, Any]:
    data = {
        "number": number,
        "category_code": "2010100",
        "name": "Computer",
        "unit_id": UNIT_A,
        "acquired_on": "2025-03-10",
        "original_value": "6000.00",
        "fund_source": "fiscal",
        **fields,
    }
    response = client.post("/assets", json=data, headers=OFFICER)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_totals_per_unit_and_category_within_scope(client: TestClient) -> None:
    card(client, "S1", custodian_id=KEEPER)
    card(client, "S2", category_code="6010000", original_value="1500.50")
    card(client, "S3", unit_id=UNIT_B, original_value="999.99")
    by_unit = client.get("/asset-summary", headers=bearer("auditor")).json()
    assert (by_unit["cards"], by_unit["value"], by_unit["net_value"]) == (3, "8500.49", "8500.49")
    parts = {p["key"]: (p["cards"], p["value"]) for p in by_unit["parts"]}
    assert parts == {UNIT_A: (2, "7500.50"), UNIT_B: (1, "999.99")}
    by_category = client.get(
        "/asset-summary", params={"by": "category", "unit_id": UNIT_A}, headers=OFFICER
    ).json()
    names = {p["key"]: (p["name"], p["value"]) for p in by_category["parts"]}
    assert names == {"2010100": ("计算机设备", "6000.00"), "6010000": ("家具", "1500.50")}
    liaison = bearer("unit_liaison", unit_id=UNIT_B)
    assert client.get("/asset-summary", headers=liaison).json()["value"] == "999.99"
    other = client.get("/asset-summary", params={"unit_id": UNIT_A}, headers=liaison)
    assert other.status_code == 403
    keeper = client.get("/asset-summary", headers=bearer("staff", staff_id=KEEPER)).json()
    assert (keeper["cards"], keeper["value"]) == (1, "6000.00")
    assert client.get("/asset-summary", headers=bearer("hr_officer")).status_code == 403
    assert client.get("/asset-summary", params={"by": "room"}, headers=OFFICER).status_code == 422
