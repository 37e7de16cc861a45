"""A demo remediation plan (统一规划，分步解决): the first compound's hazards in three phases
over three budget years (what is fixed first, then what is assigned, then the rest)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlmodel import Session, col, select

from services.facilities.hazards.models import Hazard, HazardStatus
from services.facilities.remediation import service
from services.facilities.remediation.models import Plan
from services.facilities.remediation.schemas import PhaseCreate, PhaseHazards, PlanCreate
from shared.audit import AuditLog
from shared.types import today

TITLE = "Three-year remediation of the {name}"
PHASES = (
    ("Fire, electricity and structure: the critical hazards", Decimal("1280000.00")),
    ("Water, heating and roads", Decimal("2450000.00")),
    ("Greening, sanitation and the rest", Decimal("640000.00")),
)
GROUPS = (
    (HazardStatus.CLOSED, HazardStatus.FIXED),
    (HazardStatus.ASSIGNED,),
    (HazardStatus.OPEN,),
)


def seed(session: Session, audit: AuditLog, compound: tuple[uuid.UUID, str] | None) -> bool:
    """The plan of ``compound`` (id, name), unless there is one by its title."""
    if compound is None:
        return False
    compound_id, name = compound
    title = TITLE.format(name=name)
    if session.exec(select(Plan).where(Plan.title == title)).first() is not None:
        return False
    year = today().year
    data = PlanCreate(
        title=title,
        compound_id=compound_id,
        phases=[
            PhaseCreate(title=t, budget_year=year + n, estimated_cost=cost)
            for n, (t, cost) in enumerate(PHASES)
        ],
    )
    plan = service.create(session, audit, data=data)
    for number, states in enumerate(GROUPS, start=1):
        ids = list(
            session.exec(
                select(Hazard.id).where(
                    Hazard.compound_id == compound_id, col(Hazard.status).in_(states)
                )
            )
        )
        for start in range(0, len(ids), 500):
            chunk = PhaseHazards(hazard_ids=ids[start : start + 500])
            service.add_hazards(session, audit, plan.id, number, data=chunk)
    return True
