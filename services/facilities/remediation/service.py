"""Remediation plans (统一规划，分步解决). Rules:

- a plan has numbered phases (1, 2, 3 … in the order given), each with its budget year (the
  years never go back: 422 ``PHASES_OUT_OF_ORDER``) and estimated cost;
- hazards join a phase (``add_hazards``): a hazard that exists (422 ``UNKNOWN_HAZARD``), of the
  plan's compound when it names one (422 ``HAZARD_ELSEWHERE``), in no other plan or phase
  (409 ``HAZARD_PLANNED``); adding one already in that phase changes nothing;
- progress is hazards closed over hazards, and the estimated cost of the phases whose
  hazards are all closed;
- a phase's budget line is read from finance (``clients.finance``), never written: when
  finance cannot be reached the availability is shown as unknown (``finance_unavailable``,
  ``available`` null), never guessed, and the rest of the answer stands.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal, Protocol

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from services.facilities.clients.finance import FinanceClient
from services.facilities.hazards.models import Hazard, HazardStatus
from services.facilities.remediation.models import Phase, PhaseHazard, Plan
from services.facilities.remediation.schemas import (
    PhaseBudget,
    PhaseHazards,
    PhaseProgress,
    PlanBudget,
    PlanCreate,
    PlanPublic,
    PlanSummary,
)
from shared.audit import AuditLog
from shared.changes import record_creation
from shared.context import actor
from shared.pagination import Page, PageParams, paginate
from shared.peers import PeerUnavailable, blocking
from shared.problems import Conflict, Invalid, NotFound


class BudgetSource(Protocol):
    """Where budget lines are read (finance over HTTP; a fake in tests)."""

    def line(self, line_id: uuid.UUID) -> dict[str, Any] | None: ...


class FinanceBudget:
    """Budget lines read from the finance service by a ``def`` route."""

    def __init__(self, client: Callable[[], FinanceClient]) -> None:
        self.client = client  # 503 PEER_UNAVAILABLE when finance has no address

    def line(self, line_id: uuid.UUID) -> dict[str, Any] | None:
        return blocking(self.client().budget_line, line_id)


def summary(row: Plan) -> PlanSummary:
    return PlanSummary.model_validate(row, from_attributes=True)


def create(session: Session, audit: AuditLog, *, data: PlanCreate) -> PlanPublic:
    years = [p.budget_year for p in data.phases]
    if years != sorted(years):
        raise Invalid("PHASES_OUT_OF_ORDER", "a later phase cannot have an earlier budget year")
    plan = Plan(title=data.title, compound_id=data.compound_id, created_by=actor())
    record_creation(
        session,
        audit,
        plan,
        action="remediation_plan.create",
        resource_type="remediation_plan",
        after=data.model_dump(mode="json"),
    )
    session.add_all(
        Phase(plan_id=plan.id, number=n, **p.model_dump())
        for n, p in enumerate(data.phases, start=1)
    )
    session.flush()
    return public(session, plan.id)


def _plan(session: Session, plan_id: uuid.UUID) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("remediation_plan", plan_id)
    return plan


def _phases(session: Session, plan_id: uuid.UUID) -> list[Phase]:
    return list(
        session.exec(select(Phase).where(Phase.plan_id == plan_id).order_by(col(Phase.number)))
    )


def public(session: Session, plan_id: uuid.UUID) -> PlanPublic:
    plan = _plan(session, plan_id)
    phases = _phases(session, plan_id)
    closed = func.sum(case((col(Hazard.status) == HazardStatus.CLOSED.value, 1), else_=0))
    counts = {
        phase_id: (int(n), int(c or 0))
        for phase_id, n, c in session.exec(
            select(PhaseHazard.phase_id, func.count(), closed)
            .join(Hazard, col(Hazard.id) == col(PhaseHazard.hazard_id))
            .where(PhaseHazard.plan_id == plan_id)
            .group_by(col(PhaseHazard.phase_id))
        )
    }
    progress = [
        PhaseProgress(
            number=p.number,
            title=p.title,
            budget_year=p.budget_year,
            estimated_cost=p.estimated_cost,
            budget_line_id=p.budget_line_id,
            hazards=counts.get(p.id, (0, 0))[0],
            closed=counts.get(p.id, (0, 0))[1],
        )
        for p in phases
    ]
    hazards = sum(p.hazards for p in progress)
    done = sum(p.closed for p in progress)
    return PlanPublic(
        **summary(plan).model_dump(),
        phases=progress,
        hazards=hazards,
        closed=done,
        progress=f"{(Decimal(done) * 100 / hazards if hazards else Decimal(0)):.1f}",
        estimated_cost=sum((p.estimated_cost for p in progress), Decimal(0)),
        cost_done=sum(
            (p.estimated_cost for p in progress if p.hazards and p.closed == p.hazards),
            Decimal(0),
        ),
    )


def list_plans(session: Session, params: PageParams) -> Page[PlanSummary]:
    return paginate(session, select(Plan), params, col(Plan.created_at).desc(), view=summary)


def add_hazards(
    session: Session, audit: AuditLog, plan_id: uuid.UUID, number: int, *, data: PhaseHazards
) -> PlanPublic:
    plan = _plan(session, plan_id)
    phase = session.exec(
        select(Phase).where(Phase.plan_id == plan_id, Phase.number == number)
    ).first()
    if phase is None:
        raise NotFound("remediation_phase", f"{plan_id}/{number}")
    wanted = list(dict.fromkeys(data.hazard_ids))
    hazards = {h.id: h for h in session.exec(select(Hazard).where(col(Hazard.id).in_(wanted)))}
    missing = [str(h) for h in wanted if h not in hazards]
    if missing:
        raise Invalid("UNKNOWN_HAZARD", f"no such hazards: {', '.join(missing[:5])}")
    if plan.compound_id is not None:
        elsewhere = [str(h.id) for h in hazards.values() if h.compound_id != plan.compound_id]
        if elsewhere:
            raise Invalid("HAZARD_ELSEWHERE", f"hazards of another compound: {elsewhere[0]}")
    planned = {
        row.hazard_id: row
        for row in session.exec(select(PhaseHazard).where(col(PhaseHazard.hazard_id).in_(wanted)))
    }
    taken = [str(h) for h, row in planned.items() if row.phase_id != phase.id]
    if taken:
        raise Conflict("HAZARD_PLANNED", f"hazards already in a plan's phase: {taken[0]}")
    new = [h for h in wanted if h not in planned]
    session.add_all(PhaseHazard(hazard_id=h, plan_id=plan_id, phase_id=phase.id) for h in new)
    session.flush()
    if new:
        audit.record(
            session,
            action="remediation_plan.add_hazards",
            resource_type="remediation_plan",
            resource_id=plan_id,
            after={"phase": number, "hazards": [str(h) for h in new]},
        )
    return public(session, plan_id)


def budget(session: Session, source: BudgetSource, plan_id: uuid.UUID) -> PlanBudget:
    """Each phase's budget line as finance shows it now (or unknown when it cannot)."""
    _plan(session, plan_id)
    answers: list[PhaseBudget] = []
    down = False
    for p in _phases(session, plan_id):
        status: Literal["known", "no_line", "unknown_line", "finance_unavailable"] = "no_line"
        available: Decimal | None = None
        if p.budget_line_id is not None and down:
            status = "finance_unavailable"
        elif p.budget_line_id is not None:
            try:
                line = source.line(p.budget_line_id)
            except PeerUnavailable:
                down, status = True, "finance_unavailable"
            else:
                if line is None:
                    status = "unknown_line"
                else:
                    status, available = "known", Decimal(str(line["available"]))
        answers.append(
            PhaseBudget(
                number=p.number,
                budget_year=p.budget_year,
                estimated_cost=p.estimated_cost,
                budget_line_id=p.budget_line_id,
                status=status,
                available=available,
                shortfall=None if available is None else p.estimated_cost - available,
            )
        )
    return PlanBudget(plan_id=plan_id, phases=answers)
