"""Routes of the months of the books: read, close, reopen."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from services.finance.periods import service
from services.finance.periods.models import PeriodStatus
from services.finance.periods.schemas import PeriodPublic, PeriodReopen
from services.finance.roles import APPROVER, read_books
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep
from shared.pagination import Page
from shared.routing import Router

router = Router(tags=["ledger"])
Approver = Annotated[Principal, Depends(require_roles(APPROVER))]
Year = Annotated[int, Path(ge=2000, le=2100)]
Month = Annotated[int, Path(ge=1, le=12)]


@router.get("/periods", dependencies=read_books)
def list_periods(
    session: SessionDep, year: Annotated[int | None, Query(ge=1, le=9999)] = None
) -> Page[PeriodPublic]:
    """Months that were ever closed or reopened (any other month is open)."""
    return service.list_periods(session, year)


@router.get("/periods/{year}/{month}", dependencies=read_books)
def get_period(session: SessionDep, year: Year, month: Month) -> PeriodPublic:
    """Whether a month is open or closed, who changed it last and why."""
    return service.public(service.get(session, year, month))


@router.post("/periods/{year}/{month}/close")
def close_period(
    session: SessionDep,
    audit: AuditDep,
    followers: service.MonthFollowersDep,
    year: Year,
    month: Month,
    principal: Approver,
) -> PeriodPublic:
    """Close a month: nothing more posts into it (closing a closed month changes nothing)."""
    period = service.change(
        session,
        audit,
        principal,
        year=year,
        month=month,
        status=PeriodStatus.CLOSED,
        reason=None,
        followers=followers,
    )
    return service.public(period)


@router.post("/periods/{year}/{month}/reopen")
def reopen_period(
    session: SessionDep,
    audit: AuditDep,
    followers: service.MonthFollowersDep,
    year: Year,
    month: Month,
    body: PeriodReopen,
    principal: Approver,
) -> PeriodPublic:
    """Reopen a closed month, with the reason (kept in the audit log)."""
    period = service.change(
        session,
        audit,
        principal,
        year=year,
        month=month,
        status=PeriodStatus.OPEN,
        reason=body.reason,
        followers=followers,
    )
    return service.public(period)
