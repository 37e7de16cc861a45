"""The demo upkeep: its sizes, every state of an order, the reports it feeds, and a second
seeding that changes nothing."""

from __future__ import annotations

import uuid
from collections import Counter

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from tests.facilities.upkeep_support import AUDITOR, ok

CODES = ("ADME", "ADMW", "GOV", "NPCC", "PC", "RES")
COMPOUNDS = {uuid.uuid4(): code for code in CODES}
KINDS = ("office", "office", "office", "residential", "service")
BUILDINGS = [
    (uuid.uuid4(), compound, f"{code}-B{n:02d}", KINDS[n % len(KINDS)])
    for compound, code in COMPOUNDS.items()
    for n in range(5)
]
UNITS = [uuid.uuid4() for _ in range(14)]
STAFF = [uuid.uuid4() for _ in range(20)]


def _seed(engine: Engine) -> object:
    from services.facilities.demo_upkeep import seed
    from services.facilities.locations import demo as places

    with Session(engine) as session:
        # the places the assets step hands over, cached as the facilities demo does first
        places.seed(
            session,
            [
                (c, code, code, [(b, bcode, bcode) for b, of, bcode, _ in BUILDINGS if of == c])
                for c, code in COMPOUNDS.items()
            ],
        )
        made = seed(session, compounds=COMPOUNDS, buildings=BUILDINGS, unit_ids=UNITS,
                    staff_ids=STAFF, users={"director": "user-director"})  # fmt: skip
        session.commit()
    return made


def _counts(engine: Engine) -> dict[str, int]:
    from services.facilities.equipment.models import Check, Equipment
    from services.facilities.preventive.models import Plan
    from services.facilities.workorders.models import Labour, Step, WorkOrder
    from services.facilities.zones.models import Entrance, Liaison, Zone

    with Session(engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Zone, Liaison, Entrance, Equipment, Check, Plan, WorkOrder, Step, Labour)
        }


def test_the_demo_upkeep_is_seeded_once(client: TestClient, engine: Engine) -> None:
    first = _seed(engine)
    assert first
    counts = _counts(engine)
    offices = sum(1 for b in BUILDINGS if b[3] == "office")
    others = len(BUILDINGS) - offices
    assert counts["Zone"] == 6
    assert counts["Liaison"] == len(UNITS) - 2
    assert counts["Entrance"] == 2 * sum(1 for b in BUILDINGS if b[3] == "residential")
    assert counts["Equipment"] == offices * 7 + others * 4
    assert counts["Plan"] == 4 * 6
    orders = ok(client.get("/work-orders", params={"limit": 200}, headers=AUDITOR))
    states = Counter(o["status"] for o in orders["items"])
    assert set(states) == {"requested", "triaged", "assigned", "in_progress", "done",
                           "verified", "cancelled"}  # fmt: skip
    assert Counter(o["source"] for o in orders["items"])["preventive"] > 24
    verified = [o for o in orders["items"] if o["status"] == "verified"]
    assert all(o["verified_by"] == "user-director" != o["done_by"] for o in verified)
    gaps = ok(client.get("/safety-zones/gaps", headers=AUDITOR))
    assert (len(gaps["units_without_liaison"]), len(gaps["entrances_without_manager"])) == (2, 3)
    due = ok(client.get("/fire-equipment/due", headers=AUDITOR))
    checks = Counter(i["check"] for i in due["items"])
    assert checks["overdue"] > 0 and checks["due_soon"] > 0
    assert any(i["expiry"] == "expiring" for i in due["items"])
    sla = ok(client.get("/work-orders/sla-report", headers=AUDITOR))
    assert any(r["response"] == "breached" for r in sla["orders"])

    assert not _seed(engine)
    assert _counts(engine) == counts
