"""Routes of budget lines, their monthly plans, unit quotas and the execution report."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response, status

from services.finance.budget import quotas, service
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
from services.finance.roles import (
    LINE_READERS,
    PREPARERS,
    UNIT_READERS,
    LineScopeDep,
    ScopeDep,
)
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.types import today

router = Router(tags=["budget"])
Preparer = Annotated[Principal, Depends(require_roles(*PREPARERS))]
readers = [Depends(require_roles(*UNIT_READERS))]
line_readers = [Depends(require_roles(*LINE_READERS))]
Year = Annotated[int, Path(ge=2000, le=2100)]
Month = Annotated[int, Path(ge=1, le=12)]
# a year to filter by (a year with no books answers an empty list)
AnyYear = Annotated[int | None, Query(ge=1, le=9999)]


@router.post("/appropriations", status_code=status.HTTP_201_CREATED)
def create_appropriation(
    session: SessionDep,
    audit: AuditDep,
    body: AppropriationCreate,
    principal: Preparer,
    response: Response,
) -> AppropriationPublic:
    """Record an approved budget line (year × unit × economic class × fund source)."""
    row = service.create(session, audit, principal, body)
    response.headers["Location"] = f"/appropriations/{row.id}"
    response.headers["ETag"] = etag(row.version)
    return service.public(session, row)


@router.get("/appropriations", dependencies=readers)
def list_appropriations(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    fiscal_year: AnyYear = None,
    unit_id: uuid.UUID | None = None,
    economic_class: str | None = None,
) -> Page[AppropriationPublic]:
    """Budget lines of a year (default this year), with what is committed, paid and left
    (a liaison sees its own unit's)."""
    return service.list_lines(
        session,
        params,
        fiscal_year=fiscal_year or today().year,
        unit_id=scope.unit_filter(unit_id),
        economic_class=economic_class,
    )


@router.get("/appropriations/{appropriation_id}", dependencies=line_readers)
def get_appropriation(
    session: SessionDep, scope: LineScopeDep, appropriation_id: uuid.UUID, response: Response
) -> AppropriationPublic:
    """One budget line with what is committed, paid and available (peers read it too)."""
    row = service.get_line(session, scope, appropriation_id)
    response.headers["ETag"] = etag(row.version)
    return service.public(session, row)


@router.get("/appropriations/{appropriation_id}/changes", dependencies=readers)
def list_changes(
    session: SessionDep, scope: ScopeDep, appropriation_id: uuid.UUID
) -> Page[ChangePublic]:
    """The line's first amount and every adjustment, oldest first, with reasons."""
    return service.list_changes(session, scope, appropriation_id)


@router.post("/appropriations/{appropriation_id}/adjustments")
def adjust_appropriation(
    session: SessionDep,
    audit: AuditDep,
    appropriation_id: uuid.UUID,
    body: AppropriationAdjust,
    principal: Preparer,
    expected: ExpectedVersion,
    response: Response,
) -> AppropriationPublic:
    """Add to or cut a budget line, with the reason (never below what is planned,
    committed or paid). Send If-Match with the ETag you read."""
    row = service.adjust(
        session, audit, principal, appropriation_id, body.delta, body.reason, expected
    )
    response.headers["ETag"] = etag(row.version)
    return service.public(session, row)


@router.get("/appropriations/{appropriation_id}/plans", dependencies=readers)
def list_plans(
    session: SessionDep, scope: ScopeDep, appropriation_id: uuid.UUID
) -> Page[PlanPublic]:
    """The line's monthly payment plans (用款计划)."""
    return service.list_plans(session, scope, appropriation_id)


@router.put("/appropriations/{appropriation_id}/plans/{month}")
def set_plan(
    session: SessionDep,
    audit: AuditDep,
    appropriation_id: uuid.UUID,
    month: Month,
    body: PlanSet,
    principal: Preparer,
) -> PlanPublic:
    """Set how much of the line may be paid in a month (plans of a line never exceed it)."""
    plan = service.set_plan(session, audit, principal, appropriation_id, month, body.amount)
    return service.plan_public(plan)


@router.get("/quotas", dependencies=readers)
def list_quotas(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    fiscal_year: AnyYear = None,
    unit_id: uuid.UUID | None = None,
) -> Page[QuotaPublic]:
    """Units' monthly quotas for authorized payment (用款额度) in a year (default this year)."""
    return quotas.list_quotas(
        session, params, fiscal_year=fiscal_year or today().year, unit_id=scope.unit_filter(unit_id)
    )


@router.put("/quotas/{unit_id}/{fiscal_year}/{month}")
def set_quota(
    session: SessionDep,
    audit: AuditDep,
    unit_id: uuid.UUID,
    fiscal_year: Year,
    month: Month,
    body: QuotaSet,
    principal: Preparer,
) -> QuotaPublic:
    """Grant or change a unit's quota for a month; the change is posted to the ledger."""
    quota = quotas.set_quota(
        session,
        audit,
        principal,
        unit_id=unit_id,
        fiscal_year=fiscal_year,
        month=month,
        amount=body.amount,
        reason=body.reason,
    )
    return quotas.quota_public(quota)


@router.get("/budget/execution", dependencies=readers)
def budget_execution(
    session: SessionDep,
    scope: ScopeDep,
    fiscal_year: AnyYear = None,
    unit_id: uuid.UUID | None = None,
) -> ExecutionReport:
    """Budget execution: appropriated, committed, paid and available per line and in total."""
    return service.execution(
        session, fiscal_year=fiscal_year or today().year, unit_id=scope.unit_filter(unit_id)
    )
