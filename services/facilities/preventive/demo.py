"""Demo preventive plans, per compound: the lifts serviced monthly, the boilers yearly on
1 October (raised 30 days ahead, before the heating season), the fire pumps tested monthly
and the sprinkler systems quarterly; then the generator raises their orders due by today.
Anchors follow today (the lifts and pumps from two months back, the boilers from last
October), so there is something to see; a plan is known by its code and an occurrence is
raised once, so seeding again the same day creates nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

from sqlmodel import Session, select

from services.facilities.locations.service import CachedPlaces
from services.facilities.preventive import generate, service
from services.facilities.preventive.models import Plan
from services.facilities.preventive.schemas import PlanCreate
from services.facilities.workorders.models import Priority
from shared.audit import AuditLog
from shared.types import today


def _plans(code: str, compound_id: uuid.UUID, now: date) -> list[PlanCreate]:
    start = generate.add_months(now.replace(day=1), -2)
    boiler = date(now.year - 1, 10, 1)
    return [
        PlanCreate(code=f"LIFT-{code}", title=f"Lift service, {code}", interval_months=1,
                   anchor_on=start.replace(day=5), lead_days=7, compound_id=compound_id,
                   description="Monthly lift maintenance by the contracted firm (电梯月度维保)"),
        PlanCreate(code=f"BOILER-{code}", title=f"Boiler service before heating, {code}",
                   interval_months=12, anchor_on=boiler, lead_days=30, compound_id=compound_id,
                   priority=Priority.HIGH,
                   description="Annual boiler inspection before the heating season"),
        PlanCreate(code=f"PUMP-{code}", title=f"Fire pump test run, {code}", interval_months=1,
                   anchor_on=start.replace(day=15), lead_days=3, compound_id=compound_id,
                   priority=Priority.HIGH, description="Monthly fire pump test (消防泵月度试运行)"),
        PlanCreate(code=f"SPRINKLER-{code}", title=f"Sprinkler system test, {code}",
                   interval_months=3, anchor_on=start.replace(day=20), lead_days=10,
                   compound_id=compound_id),
    ]  # fmt: skip


def seed(session: Session, audit: AuditLog, *, compounds: Mapping[uuid.UUID, str]) -> int:
    """Create the missing plans and raise their orders due by today; how many rows were
    made (plans and orders)."""
    known = set(session.exec(select(Plan.code)))
    now = today()
    made = 0
    for compound_id, code in sorted(compounds.items(), key=lambda kv: kv[1]):
        for data in _plans(code, compound_id, now):
            if data.code not in known:
                service.create(session, audit, data=data, places=CachedPlaces())
                made += 1
    return made + generate.run(session, audit, until=now).created
