"""The assets service on a fresh, migrated database, and helpers that lay out real estate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.assets.config import AssetsSettings
from services.assets.main import create_app
from tests.support.databases import Databases
from tests.support.tokens import bearer, verifier

OFFICER = bearer("asset_officer")
READER = bearer("facilities_officer")


@pytest.fixture
def engine(databases: Databases) -> Iterator[Engine]:
    engine = databases.fresh_engine("assets")
    yield engine
    engine.dispose()


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    app = create_app(
        AssetsSettings(), engine=engine, verifier=verifier(), run_relay=False, access_log=False
    )
    with TestClient(app) as c:
        yield c


def created(client: TestClient, path: str, **data: Any) -> dict[str, Any]:
    response = client.post(path, json=data, headers=OFFICER)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def compound(client: TestClient, code: str = "C1", **fields: Any) -> dict[str, Any]:
    data = {
        "code": code,
        "name": f"Compound {code}",
        "name_zh": f"{code}大院",
        "address": "1 People's Road",
        "land_area_m2": "50000.00",
        **fields,
    }
    return created(client, "/compounds", **data)


def building(client: TestClient, compound_id: str, code: str = "C1-B01", **fields: Any) -> Any:
    data = {
        "code": code,
        "compound_id": compound_id,
        "name": f"Block {code}",
        "kind": "office",
        "gross_floor_area_m2": "6000.00",
        "land_parcel_no": "320102-001",
        **fields,
    }
    return created(client, "/buildings", **data)


def floor(client: TestClient, building_id: str, level: int = 1) -> dict[str, Any]:
    return created(client, "/floors", building_id=building_id, level=level)


def room(client: TestClient, floor_: dict[str, Any], code: str, **fields: Any) -> Any:
    data = {
        "code": code,
        "building_id": floor_["building_id"],
        "floor_id": floor_["id"],
        "number": code.rsplit("-", 1)[-1],
        "use": "office",
        "area_m2": "18.50",
        "seats": 2,
        **fields,
    }
    return created(client, "/rooms", **data)


def layout(client: TestClient) -> dict[str, Any]:
    """One compound, one office block with two floors and three rooms on them."""
    c = compound(client)
    b = building(client, c["id"])
    f1, f2 = floor(client, b["id"], 1), floor(client, b["id"], 2)
    rooms = [
        room(client, f1, "C1-B01-0101"),
        room(client, f1, "C1-B01-0102", use="meeting", area_m2="40.25", seats=0),
        room(client, f2, "C1-B01-0201", area_m2="21.00", seats=3),
    ]
    return {"compound": c, "building": b, "floors": [f1, f2], "rooms": rooms}
