"""Routes of budget lines, their monthly plans, unit quotas and the execution report."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status
from sqlmodel import col, select

from services.finance.budget import service
from services.finance.budget.models import Appropriation, AppropriationChange, PaymentPlan, Quota
from services.finance.budget.schemas import (
    AppropriationAdjust,
    AppropriationCreate,
    AppropriationPublic,
    ChangePublic,
    ExecutionReport,
    PlanPublic,
    PlanSet,
    QuotaPublic,
    QuotaSet,
)
from services.finance.roles import PREPARERS, UNIT_READERS
from services.finance.scope import ScopeDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import SessionDep
from shared.problems import NotFound
from shared.types import today

router = APIRouter(tags=["budget"])
Preparer = Annotated[Principal, Depends(require_roles(*PREPARERS))]
readers = [Depends(require_roles(*UNIT_READERS))]
Year = Annotated[int, Path(ge=2000, le=2100)]
Month = Annotated[int, Path(ge=1, le=12)]


def _line(session: SessionDep, scope: ScopeDep, appropriation_id: uuid.UUID) -> Appropriation:
    row = session.get(Appropriation, appropriation_id)
    if row is None:
        raise NotFound("appropriation", appropriation_id)
    scope.check(row.unit_id)
    return row


@router.post("/appropriations", status_code=status.HTTP_201_CREATED)
def create_appropriation(
    request: Request,
    session: SessionDep,
    body: AppropriationCreate,
    principal: Preparer,
    response: Response,
) -> AppropriationPublic:
    """Record an approved budget line (year × unit × economic class × fund source)."""
    row = service.create(session, request.app.state.audit, principal, body)
    session.commit()
    response.headers["Location"] = f"/appropriations/{row.id}"
    response.headers["ETag"] = etag(row.version)
    return service.public(session, row)


@router.get("/appropriations", dependencies=readers)
def list_appropriations(
    session: SessionDep,
    scope: ScopeDep,
    fiscal_year: int | None = None,
    unit_id: uuid.UUID | None = None,
    economic_class: str | None = None,
) -> list[AppropriationPublic]:
    """Budget lines of a year (default this year), with what is committed, paid and left
    (a liaison sees its own unit's)."""
    query = select(Appropriation).where(Appropriation.fiscal_year == (fiscal_year or today().year))
    unit = scope.unit_filter(unit_id)
    if unit is not None:
        query = query.where(Appropriation.unit_id == unit)
    if economic_class is not None:
        query = query.where(Appropriation.economic_class == economic_class)
    query = query.order_by(col(Appropriation.unit_id), col(Appropriation.economic_class))
    return service.public_many(session, list(session.exec(query)))


@router.get("/appropriations/{appropriation_id}", dependencies=readers)
def get_appropriation(
    session: SessionDep, scope: ScopeDep, appropriation_id: uuid.UUID, response: Response
) -> AppropriationPublic:
    row = _line(session, scope, appropriation_id)
    response.headers["ETag"] = etag(row.version)
    return service.public(session, row)


@router.get("/appropriations/{appropriation_id}/changes", dependencies=readers)
def list_changes(
    session: SessionDep, scope: ScopeDep, appropriation_id: uuid.UUID
) -> list[ChangePublic]:
    """The line's first amount and every adjustment, oldest first, with reasons."""
    _line(session, scope, appropriation_id)
    rows = session.exec(
        select(AppropriationChange)
        .where(AppropriationChange.appropriation_id == appropriation_id)
        .order_by(col(AppropriationChange.changed_at))
    )
    return [ChangePublic.model_validate(r, from_attributes=True) for r in rows]


@router.post("/appropriations/{appropriation_id}/adjustments")
def adjust_appropriation(
    request: Request,
    session: SessionDep,
    appropriation_id: uuid.UUID,
    body: AppropriationAdjust,
    principal: Preparer,
    expected: ExpectedVersion,
    response: Response,
) -> AppropriationPublic:
    """Add to or cut a budget line, with the reason (never below what is planned,
    committed or paid). Send If-Match with the ETag you read."""
    row = service.adjust(
        session,
        request.app.state.audit,
        principal,
        appropriation_id,
        body.delta,
        body.reason,
        expected,
    )
    session.commit()
    response.headers["ETag"] = etag(row.version)
    return service.public(session, row)


@router.get("/appropriations/{appropriation_id}/plans", dependencies=readers)
def list_plans(
    session: SessionDep, scope: ScopeDep, appropriation_id: uuid.UUID
) -> list[PlanPublic]:
    """The line's monthly payment plans (用款计划)."""
    _line(session, scope, appropriation_id)
    rows = session.exec(
        select(PaymentPlan)
        .where(PaymentPlan.appropriation_id == appropriation_id)
        .order_by(col(PaymentPlan.month))
    )
    return [service.plan_public(r) for r in rows]


@router.put("/appropriations/{appropriation_id}/plans/{month}")
def set_plan(
    request: Request,
    session: SessionDep,
    appropriation_id: uuid.UUID,
    month: Month,
    body: PlanSet,
    principal: Preparer,
) -> PlanPublic:
    """Set how much of the line may be paid in a month (plans of a line never exceed it)."""
    plan = service.set_plan(
        session, request.app.state.audit, principal, appropriation_id, month, body.amount
    )
    session.commit()
    return service.plan_public(plan)


@router.get("/quotas", dependencies=readers)
def list_quotas(
    session: SessionDep,
    scope: ScopeDep,
    fiscal_year: int | None = None,
    unit_id: uuid.UUID | None = None,
) -> list[QuotaPublic]:
    """Units' monthly quotas for authorized payment (用款额度) in a year (default this year)."""
    query = select(Quota).where(Quota.fiscal_year == (fiscal_year or today().year))
    unit = scope.unit_filter(unit_id)
    if unit is not None:
        query = query.where(Quota.unit_id == unit)
    query = query.order_by(col(Quota.unit_id), col(Quota.month))
    return [service.quota_public(q) for q in session.exec(query)]


@router.put("/quotas/{unit_id}/{fiscal_year}/{month}")
def set_quota(
    request: Request,
    session: SessionDep,
    unit_id: uuid.UUID,
    fiscal_year: Year,
    month: Month,
    body: QuotaSet,
    principal: Preparer,
) -> QuotaPublic:
    """Grant or change a unit's quota for a month; the change is posted to the ledger."""
    quota = service.set_quota(
        session,
        request.app.state.audit,
        principal,
        unit_id=unit_id,
        fiscal_year=fiscal_year,
        month=month,
        amount=body.amount,
        reason=body.reason,
    )
    session.commit()
    return service.quota_public(quota)


@router.get("/budget/execution", dependencies=readers)
def budget_execution(
    session: SessionDep,
    scope: ScopeDep,
    fiscal_year: int | None = None,
    unit_id: uuid.UUID | None = None,
) -> ExecutionReport:
    """Budget execution: appropriated, committed, paid and available per line and in total."""
    return service.execution(
        session, fiscal_year=fiscal_year or today().year, unit_id=scope.unit_filter(unit_id)
    )
