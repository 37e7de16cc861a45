"""The personnel service on a fresh, migrated database (with its reference data)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.personnel.config import PersonnelSettings
from services.personnel.main import create_app
from tests.support.databases import Databases
from tests.support.tokens import bearer, verifier

HR = bearer("hr_officer")


@pytest.fixture
def client(databases: Databases) -> Iterator[TestClient]:
    engine = databases.fresh_engine("personnel")
    app = create_app(
        PersonnelSettings(), engine=engine, verifier=verifier(), run_relay=False, access_log=False
    )
    with TestClient(app) as c:
        yield c
    engine.dispose()


def body_id(client: TestClient, code: str = "GOV") -> str:
    bodies = client.get("/bodies", headers=HR).json()["items"]
    return str(next(b["id"] for b in bodies if b["code"] == code))


def make_unit(client: TestClient, code: str, **fields: Any) -> dict[str, Any]:
    data = {
        "code": code,
        "name": f"Unit {code}",
        "name_zh": f"单位{code}",
        "body_id": body_id(client),
        **fields,
    }
    response = client.post("/units", json=data, headers=HR)
    assert response.status_code == 201, response.text
    unit: dict[str, Any] = response.json()
    return unit
