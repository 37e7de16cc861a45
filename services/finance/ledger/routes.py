"""Routes of the chart of accounts, journal entries and periods."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status
from sqlmodel import col, select

from services.finance.ledger import periods, service
from services.finance.ledger.models import (
    Account,
    EconomicClass,
    EntrySource,
    FundSource,
    Period,
    PeriodStatus,
)
from services.finance.ledger.schemas import (
    AccountCreate,
    AccountPublic,
    EconomicClassPublic,
    EntryCreate,
    EntryPublic,
    FundSourcePublic,
    PeriodPublic,
    PeriodReopen,
    ReversalCreate,
)
from services.finance.roles import APPROVER, PREPARERS, UNIT_READERS, read_books
from services.finance.scope import ScopeDep
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep
from shared.idempotency import IdempotentDep
from shared.pagination import Page, PageDep

router = APIRouter(tags=["ledger"])
Preparer = Annotated[Principal, Depends(require_roles(*PREPARERS))]
Approver = Annotated[Principal, Depends(require_roles(APPROVER))]
read_reference = [Depends(require_roles(*UNIT_READERS))]
Year = Annotated[int, Path(ge=2000, le=2100)]
Month = Annotated[int, Path(ge=1, le=12)]


@router.get("/accounts", dependencies=read_reference)
def list_accounts(session: SessionDep, include_inactive: bool = False) -> list[AccountPublic]:
    """The chart of accounts (会计科目), by code."""
    query = select(Account).order_by(col(Account.code))
    if not include_inactive:
        query = query.where(col(Account.active))
    return [AccountPublic.model_validate(a, from_attributes=True) for a in session.exec(query)]


@router.post("/accounts", status_code=status.HTTP_201_CREATED)
def create_account(
    request: Request, session: SessionDep, body: AccountCreate, principal: Preparer
) -> AccountPublic:
    """Add an account to the chart (new accounts are never restricted)."""
    account = service.create_account(session, request.app.state.audit, principal, body)
    session.commit()
    return AccountPublic.model_validate(account, from_attributes=True)


@router.get("/economic-classes", dependencies=read_reference)
def list_economic_classes(session: SessionDep) -> list[EconomicClassPublic]:
    """Government expenditure economic classification (支出经济分类科目), by code."""
    rows = session.exec(select(EconomicClass).order_by(col(EconomicClass.code)))
    return [EconomicClassPublic.model_validate(r, from_attributes=True) for r in rows]


@router.get("/fund-sources", dependencies=read_reference)
def list_fund_sources(session: SessionDep) -> list[FundSourcePublic]:
    """Fund sources (资金来源), by code."""
    rows = session.exec(select(FundSource).order_by(col(FundSource.code)))
    return [FundSourcePublic.model_validate(r, from_attributes=True) for r in rows]


@router.post("/journal-entries", status_code=status.HTTP_201_CREATED)
def create_entry(
    request: Request,
    session: SessionDep,
    body: EntryCreate,
    principal: Preparer,
    idem: IdempotentDep,
) -> Response:
    """Post a balanced entry (debits equal credits to the fen) into an open month. Posted
    entries never change; undo one with a reversal. Send an ``Idempotency-Key`` to make a
    retry safe."""
    if (replay := idem.replayed(session)) is not None:
        return replay
    entry = service.create_entry(session, request.app.state.audit, principal, body)
    content = service.public(session, entry).model_dump(mode="json")
    response = idem.respond(
        session, content, 201, headers={"Location": f"/journal-entries/{entry.id}"}
    )
    session.commit()
    return response


@router.get("/journal-entries", dependencies=[Depends(require_roles(*UNIT_READERS))])
def list_entries(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    unit_id: uuid.UUID | None = None,
    account: str | None = None,
    source: EntrySource | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Page[EntryPublic]:
    """Entries newest first, filtered by a unit's lines, an account, source or dates (a
    liaison sees entries touching its own unit)."""
    rows, total = service.list_entries(
        session,
        params,
        unit_id=scope.unit_filter(unit_id),
        account=account,
        source=source,
        date_from=date_from,
        date_to=date_to,
    )
    items = service.public_many(session, rows, scope.own_unit)
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/journal-entries/{entry_id}", dependencies=[Depends(require_roles(*UNIT_READERS))])
def get_entry(session: SessionDep, scope: ScopeDep, entry_id: uuid.UUID) -> EntryPublic:
    """One entry with its lines, and the entry that reversed it, if any."""
    entry = service.get_entry(session, entry_id, scope)
    return service.public(session, entry, scope.own_unit)


@router.post("/journal-entries/{entry_id}/reverse", status_code=status.HTTP_201_CREATED)
def reverse_entry(
    request: Request,
    session: SessionDep,
    entry_id: uuid.UUID,
    body: ReversalCreate,
    principal: Preparer,
    response: Response,
) -> EntryPublic:
    """Post the mirror image of a hand-made entry (once), dated today unless given."""
    reversal = service.reverse_entry(session, request.app.state.audit, principal, entry_id, body)
    session.commit()
    response.headers["Location"] = f"/journal-entries/{reversal.id}"
    return service.public(session, reversal)


@router.get("/periods", dependencies=read_books)
def list_periods(session: SessionDep, year: int | None = None) -> list[PeriodPublic]:
    """Months that were ever closed or reopened (any other month is open)."""
    query = select(Period).order_by(col(Period.year), col(Period.month))
    if year is not None:
        query = query.where(Period.year == year)
    return [PeriodPublic.model_validate(p, from_attributes=True) for p in session.exec(query)]


@router.get("/periods/{year}/{month}", dependencies=read_books)
def get_period(session: SessionDep, year: Year, month: Month) -> PeriodPublic:
    """Whether a month is open or closed, who changed it last and why."""
    return PeriodPublic.model_validate(periods.get(session, year, month), from_attributes=True)


@router.post("/periods/{year}/{month}/close")
def close_period(
    request: Request, session: SessionDep, year: Year, month: Month, principal: Approver
) -> PeriodPublic:
    """Close a month: nothing more posts into it (closing a closed month changes nothing)."""
    period = periods.change(
        session,
        request.app.state.audit,
        principal,
        year=year,
        month=month,
        status=PeriodStatus.CLOSED,
        reason=None,
    )
    return PeriodPublic.model_validate(period, from_attributes=True)


@router.post("/periods/{year}/{month}/reopen")
def reopen_period(
    request: Request,
    session: SessionDep,
    year: Year,
    month: Month,
    body: PeriodReopen,
    principal: Approver,
) -> PeriodPublic:
    """Reopen a closed month, with the reason (kept in the audit log)."""
    period = periods.change(
        session,
        request.app.state.audit,
        principal,
        year=year,
        month=month,
        status=PeriodStatus.OPEN,
        reason=body.reason,
    )
    return PeriodPublic.model_validate(period, from_attributes=True)
