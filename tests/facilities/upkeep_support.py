"""Helpers of the upkeep tests: callers, and work orders and plans made through the API."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session

from tests.support.tokens import bearer

UNIT = uuid.uuid4()
OTHER_UNIT = uuid.uuid4()
STAFF_ID = uuid.uuid4()
OTHER_STAFF_ID = uuid.uuid4()
COMPOUND = uuid.uuid4()
BUILDING = uuid.uuid4()
OTHER_BUILDING = uuid.uuid4()
ROOM = uuid.uuid4()

OFFICER = bearer("facilities_officer", sub="fo-one")
SECOND = bearer("facilities_officer", sub="fo-two")
WORKER = bearer("facilities_officer", sub="worker-one")
SECURITY = bearer("security_officer", sub="so-one")
DIRECTOR = bearer("director", sub="director-one")
AUDITOR = bearer("auditor", sub="auditor-one")
LIAISON = bearer("unit_liaison", sub="liaison-one", unit_id=str(UNIT))
OTHER_LIAISON = bearer("unit_liaison", sub="liaison-two", unit_id=str(OTHER_UNIT))
STAFF = bearer("staff", sub="staff-one", staff_id=str(STAFF_ID), unit_id=str(UNIT))
OTHER_STAFF = bearer("staff", sub="staff-two", staff_id=str(OTHER_STAFF_ID))


def ok(response: Any, code: int = 200) -> dict[str, Any]:
    assert response.status_code == code, response.text
    body: dict[str, Any] = response.json()
    return body


def refused(response: Any, status: int, code: str) -> None:
    assert (response.status_code, response.json().get("code")) == (status, code), response.text


def order(client: TestClient, headers: dict[str, str] = OFFICER, **fields: Any) -> dict[str, Any]:
    data = {"title": "Leaking tap, 3rd floor", "building_id": str(BUILDING),
            "room_id": str(ROOM), **fields}  # fmt: skip
    return ok(client.post("/work-orders", json=data, headers=headers), 201)


def step(
    client: TestClient, o: dict[str, Any], name: str, headers: dict[str, str] = OFFICER,
    **body: Any,
) -> dict[str, Any]:  # fmt: skip
    return ok(client.post(f"/work-orders/{o['id']}/{name}", json=body, headers=headers))


def to_status(client: TestClient, o: dict[str, Any], status: str) -> dict[str, Any]:
    """Walk an order along the main path to ``status`` (work done by ``WORKER``)."""
    path = [
        ("triage", OFFICER, {"priority": "high"}),
        ("assign", OFFICER, {"assignee": "worker-one"}),
        ("start", WORKER, {}),
        ("complete", WORKER, {"note": "washer replaced"}),
        ("verify", SECOND, {}),
    ]
    for name, headers, body in path:
        if o["status"] == "triaged" and name == "triage":
            continue
        if o["status"] == status:
            break
        o = step(client, o, name, headers, **body)
    assert o["status"] == status
    return o


def plan(client: TestClient, code: str = "LIFT-01", **fields: Any) -> dict[str, Any]:
    data = {"code": code, "title": "Lift service", "interval_months": 1, "lead_days": 7,
            "anchor_on": "2026-01-15", "building_id": str(BUILDING), **fields}  # fmt: skip
    return ok(client.post("/preventive-plans", json=data, headers=OFFICER), 201)


def cache_places(engine: Engine) -> None:
    """The compound, buildings and room the upkeep tests name, as if read from assets now;
    kept fresh for an hour, so the upkeep's rules meet known places without an assets app."""
    from services.facilities.locations.models import PlaceKind
    from services.facilities.locations.service import remember

    with Session(engine) as session:
        remember(session, PlaceKind.COMPOUND, {"id": COMPOUND, "code": "UPK", "name": "Upkeep"})
        for building, code in ((BUILDING, "UPK-1"), (OTHER_BUILDING, "UPK-2")):
            data = {"id": building, "code": code, "name": code, "compound_id": COMPOUND}
            remember(session, PlaceKind.BUILDING, data)
        room = {"id": ROOM, "code": "UPK-1-301", "number": "301", "compound_id": COMPOUND,
                "building_id": BUILDING, "unit_id": None}  # fmt: skip
        remember(session, PlaceKind.ROOM, room)
        session.commit()


def backdate(engine: Engine, order_id: str, hours: float) -> None:
    """Move an order's request and its deadlines ``hours`` into the past."""
    from services.facilities.workorders.models import WorkOrder

    shift = timedelta(hours=hours)
    with Session(engine) as session:
        row = session.get(WorkOrder, uuid.UUID(order_id))
        assert row is not None
        values: dict[str, datetime] = {
            "requested_at": row.requested_at - shift,
            "response_due_at": row.response_due_at - shift,
            "resolution_due_at": row.resolution_due_at - shift,
        }
        session.execute(update(WorkOrder).where(WorkOrder.id == row.id).values(**values))  # type: ignore[arg-type]
        session.commit()
