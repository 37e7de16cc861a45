"""Routes of remediation plans: phases, their hazards, progress and budget lines."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path, Response, status

from services.facilities.remediation import service
from services.facilities.remediation.deps import BudgetDep
from services.facilities.remediation.schemas import (
    PhaseHazards,
    PlanBudget,
    PlanCreate,
    PlanPublic,
    PlanSummary,
)
from services.facilities.roles import manage_upkeep, read_wide
from shared.audit import AuditDep
from shared.concurrency import etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["remediation"])
PhaseNumber = Annotated[int, Path(ge=1, le=10)]


@router.get("/remediation-plans", dependencies=read_wide)
def list_plans(session: SessionDep, params: PageDep) -> Page[PlanSummary]:
    """Remediation plans, newest first."""
    return service.list_plans(session, params)


@router.post("/remediation-plans", status_code=status.HTTP_201_CREATED, dependencies=manage_upkeep)
def create_plan(
    session: SessionDep, audit: AuditDep, body: PlanCreate, response: Response
) -> PlanPublic:
    """A plan in phases across budget years, each with its estimated cost."""
    plan = service.create(session, audit, data=body)
    response.headers["Location"] = f"/remediation-plans/{plan.id}"
    response.headers["ETag"] = etag(plan.version)
    return plan


@router.get("/remediation-plans/{plan_id}", dependencies=read_wide)
def get_plan(session: SessionDep, plan_id: uuid.UUID) -> PlanPublic:
    """The plan's phases and progress: hazards closed of all, and cost."""
    return service.public(session, plan_id)


@router.post("/remediation-plans/{plan_id}/phases/{number}/hazards", dependencies=manage_upkeep)
def add_hazards(
    session: SessionDep,
    audit: AuditDep,
    plan_id: uuid.UUID,
    number: PhaseNumber,
    body: PhaseHazards,
) -> PlanPublic:
    """Put hazards in a phase (again: nothing changes)."""
    return service.add_hazards(session, audit, plan_id, number, data=body)


@router.get("/remediation-plans/{plan_id}/budget", dependencies=read_wide)
def plan_budget(session: SessionDep, budget: BudgetDep, plan_id: uuid.UUID) -> PlanBudget:
    """Each phase's budget line as finance shows it now (unknown when finance is down)."""
    return service.budget(session, budget, plan_id)
