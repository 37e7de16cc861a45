"""The demo rights and leases on the demo real estate, and a second seeding that changes
nothing."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from services.assets.leases import demo
from services.assets.realestate import demo as realestate_demo
from shared.audit import AuditLog
from shared.db import for_writing, unit_of_work
from shared.tables import platform_tables
from tests.support.tokens import bearer

UNITS = [uuid.uuid4() for _ in range(31)]
BUREAU, CENTRE = UNITS[0], UNITS[1]
READER = bearer("director")
AUDIT = AuditLog(platform_tables("assets").audit)


def _leases(client: TestClient) -> dict[str, dict[str, Any]]:
    page = client.get("/leases", params={"limit": 200}, headers=READER).json()
    return {lease["code"]: lease for lease in page["items"]}


def test_demo_rights_and_leases_and_a_second_run_changes_nothing(
    engine: Engine, client: TestClient
) -> None:
    with unit_of_work(for_writing(engine)) as session:
        realestate_demo.seed(session, AUDIT, UNITS)
    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session, AUDIT, BUREAU, CENTRE) is True

    leases = _leases(client)
    assert sorted(leases) == [f"DEMO-L0{n}" for n in range(1, 7)]
    statuses = {code: lease["status"] for code, lease in leases.items()}
    assert statuses["DEMO-L05"] == "pending_approval"
    assert sum(s == "active" for s in statuses.values()) == 5
    assert {lease["revenue_unit_id"] for lease in leases.values()} - {None} == {str(CENTRE)}

    arrears = client.get("/leases/arrears", headers=READER).json()
    late = {row["code"] for row in arrears["rows"]}
    assert {"DEMO-L01", "DEMO-L02", "DEMO-L04"} <= late
    assert "DEMO-L03" not in late
    assert float(arrears["totals"]["over_90"]) > 0
    expiring = client.get("/leases/expiring", headers=READER).json()["items"]
    assert [(i["code"], i["threshold"]) for i in expiring] == [("DEMO-L04", 30), ("DEMO-L03", 60)]

    # a commercial room: operation inherited from its building, the centre's; an office room
    # has no operator, and is used by its unit
    shop = leases["DEMO-L01"]["room_ids"][0]
    params = {"subject_kind": "room", "subject_id": shop}
    held = client.get("/rights/holders", params=params, headers=READER).json()["rights"]
    by_right = {r["right"]: r for r in held}
    assert by_right["operation"]["holding"]["holder_unit_id"] == str(CENTRE)
    assert by_right["operation"]["inherited"] is True
    assert by_right["ownership"]["holding"]["holder_unit_id"] is None
    assert by_right["management"]["holding"]["holder_unit_id"] == str(BUREAU)
    office = client.get("/rooms", params={"use": "office", "limit": 1}, headers=READER).json()
    room = office["items"][0]
    params = {"subject_kind": "room", "subject_id": room["id"]}
    held = client.get("/rights/holders", params=params, headers=READER).json()["rights"]
    by_right = {r["right"]: r for r in held}
    assert by_right["operation"]["holding"] is None
    assert by_right["use"]["holding"]["holder_unit_id"] == room["unit_id"]

    app: Any = client.app
    t = app.state.outbox.table
    with Session(engine) as session:
        events = session.execute(select(t.c.id)).all()
    assert events
    audit = client.get("/audit", params={"limit": 1}, headers=bearer("auditor")).json()

    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session, AUDIT, BUREAU, CENTRE) is False
    assert _leases(client) == leases
    again = client.get("/audit", params={"limit": 1}, headers=bearer("auditor")).json()
    assert again["total"] == audit["total"]
    with Session(engine) as session:
        assert len(session.execute(select(t.c.id)).all()) == len(events)
