"""The demo: a year of inspections of the compounds handed over, hazards in every state, a
three-phase remediation plan, made through the services; a second seeding changes nothing."""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from services.facilities import demo
from shared.bulk import table_of
from shared.db import for_writing, unit_of_work
from shared.tables import platform_tables
from tests.facilities.conftest import ok
from tests.support.tokens import bearer

UNITS = [uuid.uuid4() for _ in range(31)]
COMPOUNDS = [
    (
        uuid.uuid4(),
        code,
        f"Compound {code}",
        [(uuid.uuid4(), f"{code}-{n:02d}", f"Block {n}") for n in range(1, 9)],
    )
    for code in ("PC", "GOV", "NPCC", "ADME", "ADMW", "HOME")
]


def _counts(engine: Engine) -> dict[str, int]:
    from services.facilities.hazards.models import Escalation, Hazard
    from services.facilities.inspections.models import Answer, InspectionRound

    with engine.connect() as conn:
        tables = [*(table_of(m) for m in (Answer, InspectionRound, Hazard, Escalation))]
        tables.append(platform_tables("facilities").audit)
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables
        }


def test_the_demo_year_and_a_second_seeding(engine: Engine, client: TestClient) -> None:
    member = (UNITS[0], uuid.uuid4())
    started = time.perf_counter()
    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session, COMPOUNDS, units=UNITS, bureau_member=member) is True
    seconds = time.perf_counter() - started
    print(f"demo seeded in {seconds:.1f} s")  # a figure to read, not a timed test
    reader = bearer("director")
    checklists = ok(client.get("/checklists", headers=reader))["items"]
    assert len(checklists) == 9 and sum(c["item_count"] for c in checklists) == 198
    rounds: dict[str, Any] = {
        s: ok(client.get(f"/inspection-rounds?status={s}", headers=reader))["total"]
        for s in ("completed", "in_progress", "planned")
    }
    assert rounds == {"completed": 66, "in_progress": 6, "planned": 6}
    states = {
        s: ok(client.get(f"/hazards?status={s}", headers=reader))["total"]
        for s in ("open", "assigned", "fixed", "closed")
    }
    assert all(n > 0 for n in states.values()), states
    assert sum(states.values()) > 150
    assert ok(client.get("/hazards/escalations?level=director", headers=reader))["total"] > 0
    board = ok(client.get("/hazards/dashboard", headers=reader))
    assert board["total_open"] == states["open"] + states["assigned"] + states["fixed"]
    plans = ok(client.get("/remediation-plans", headers=reader))["items"]
    plan = ok(client.get(f"/remediation-plans/{plans[0]['id']}", headers=reader))
    assert [p["number"] for p in plan["phases"]] == [1, 2, 3] and plan["closed"] > 0
    staff = bearer("staff", staff_id=str(member[1]))
    assert ok(client.get("/hazards", headers=staff))["total"] > 0
    audit = ok(client.get("/audit", params={"limit": 1}, headers=bearer("auditor")))
    assert audit["items"][0]["actor"] == "demo:facilities.officer"

    before = _counts(engine)
    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session, COMPOUNDS, units=UNITS, bureau_member=member) is False
    assert _counts(engine) == before
