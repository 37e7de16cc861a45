"""The demo register at the seed's size, written through the register's own service, and a
second seeding that changes nothing."""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.assets import demo
from shared.db import for_writing, unit_of_work
from tests.support.tokens import bearer

UNITS = [uuid.uuid4() for _ in range(31)]  # personnel's 31 budget units, as handed over


def test_demo_seed_has_the_seed_size_and_a_second_run_changes_nothing(
    engine: Engine, client: TestClient
) -> None:
    keeper = (UNITS[0], uuid.uuid4())
    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session, UNITS, bureau_member=keeper) is True
    reader = bearer("director")
    whole = client.get("/area-summary", headers=reader).json()
    assert len(whole["parts"]) == 6
    assert Decimal(whole["gross_floor_area_m2"]) >= 400_000
    office_blocks = client.get("/buildings", params={"kind": "office"}, headers=reader).json()
    assert office_blocks["total"] >= 60
    homes = client.get("/buildings", params={"kind": "residential"}, headers=reader).json()
    assert homes["total"] >= 10
    assert Decimal(whole["by_use"]["commercial_frontage"]) > 0
    assert whole["seats"] >= 1023  # the demo's serving staff
    every_unit = {r["unit_id"] for r in _all_rooms(client)} - {None}
    assert every_unit == {str(u) for u in UNITS}
    audit = client.get("/audit", params={"limit": 1}, headers=bearer("auditor")).json()
    assert audit["items"][0]["actor"] == "demo:asset.officer"

    cards = client.get("/assets", params={"limit": 1}, headers=reader).json()["total"]
    assert cards > 10_000  # a computer and a desk set per seat, buildings, vehicles
    vehicles = client.get("/assets", params={"category_code": "2030000"}, headers=reader)
    assert vehicles.json()["total"] == 2 * len(UNITS)
    mine = client.get("/assets", headers=bearer("staff", staff_id=str(keeper[1]))).json()
    assert [a["name"] for a in mine["items"]] == ["Laptop"]
    printers = client.get(
        "/assets", params={"category_code": "2020000", "limit": 200}, headers=reader
    ).json()["items"]
    old = [p for p in printers if p["acquired_on"] < "2018-01-01"]  # past their six years
    assert old and {p["net_value"] for p in old} == {"0.00"}
    assert {p["depreciated_months"] for p in old} == {72}
    runs = client.get("/depreciation/runs", headers=reader).json()["items"]
    assert len(runs) == 1 and runs[0]["units"] == len(UNITS)
    disposals = client.get("/disposals", headers=reader).json()["items"]
    assert sorted((d["kind"], d["status"]) for d in disposals) == [
        ("donation", "pending"),
        ("sale", "approved"),
        ("scrapping", "approved"),
        ("write_off", "approved"),  # the closed stocktake's missing card (盘亏核销)
    ]

    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session, UNITS, bureau_member=keeper) is False
    assert client.get("/area-summary", headers=reader).json() == whole
    assert client.get("/assets", params={"limit": 1}, headers=reader).json()["total"] == cards
    again = client.get("/audit", params={"limit": 1}, headers=bearer("auditor")).json()
    assert again["total"] == audit["total"]


def _all_rooms(client: TestClient) -> list[dict]:
    rooms, after = [], None
    while True:
        params = {"limit": 2000, **({"after": after} if after else {})}
        body = client.get("/rooms/bulk", params=params, headers=bearer("service")).json()
        rooms += body["items"]
        if (after := body["next_after"]) is None:
            return rooms
