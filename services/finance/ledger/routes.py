"""Routes of the chart of accounts, journal entries, balances, the trial balance and the
ledger export."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response, status
from fastapi.responses import StreamingResponse

from services.finance.ledger import reports, service
from services.finance.ledger.models import EntrySource
from services.finance.ledger.schemas import (
    AccountCreate,
    AccountPublic,
    BalanceRow,
    EconomicClassPublic,
    EntryCreate,
    EntryPublic,
    FundSourcePublic,
    ReversalCreate,
    TrialBalance,
)
from services.finance.roles import PREPARERS, UNIT_READERS, ScopeDep
from shared import tabular
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.context import Principal
from shared.db import ReadEngineDep, SessionDep
from shared.idempotency import IdempotentDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.types import today

router = Router(tags=["ledger"])
Preparer = Annotated[Principal, Depends(require_roles(*PREPARERS))]
readers = [Depends(require_roles(*UNIT_READERS))]


@router.get("/accounts", dependencies=readers)
def list_accounts(session: SessionDep, include_inactive: bool = False) -> Page[AccountPublic]:
    """The chart of accounts (会计科目), by code."""
    return service.list_accounts(session, include_inactive=include_inactive)


@router.post("/accounts", status_code=status.HTTP_201_CREATED)
def create_account(
    session: SessionDep, audit: AuditDep, body: AccountCreate, principal: Preparer
) -> AccountPublic:
    """Add an account to the chart (new accounts are never restricted)."""
    account = service.create_account(session, audit, principal, body)
    return AccountPublic.model_validate(account, from_attributes=True)


@router.get("/economic-classes", dependencies=readers)
def list_economic_classes(session: SessionDep) -> Page[EconomicClassPublic]:
    """Government expenditure economic classification (支出经济分类科目), by code."""
    return service.list_economic_classes(session)


@router.get("/fund-sources", dependencies=readers)
def list_fund_sources(session: SessionDep) -> Page[FundSourcePublic]:
    """Fund sources (资金来源), by code."""
    return service.list_fund_sources(session)


@router.post("/journal-entries", status_code=status.HTTP_201_CREATED, response_model=EntryPublic)
def create_entry(
    session: SessionDep,
    audit: AuditDep,
    body: EntryCreate,
    principal: Preparer,
    idem: IdempotentDep,
) -> Response:
    """Post a balanced entry (debits equal credits to the fen) into an open month. Posted
    entries never change; undo one with a reversal. Send an ``Idempotency-Key`` to make a
    retry safe."""
    if (replay := idem.replayed(session)) is not None:
        return replay
    entry = service.create_entry(session, audit, principal, body)
    content = service.public(session, entry).model_dump(mode="json")
    return idem.respond(session, content, 201, headers={"Location": f"/journal-entries/{entry.id}"})


@router.get("/journal-entries", dependencies=readers)
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
    return service.list_entries(
        session,
        params,
        scope,
        unit_id=unit_id,
        account=account,
        source=source,
        date_from=date_from,
        date_to=date_to,
    )


@router.get("/journal-entries/{entry_id}", dependencies=readers)
def get_entry(session: SessionDep, scope: ScopeDep, entry_id: uuid.UUID) -> EntryPublic:
    """One entry with its lines, and the entry that reversed it, if any."""
    return service.get_entry(session, entry_id, scope)


@router.post("/journal-entries/{entry_id}/reverse", status_code=status.HTTP_201_CREATED)
def reverse_entry(
    session: SessionDep,
    audit: AuditDep,
    entry_id: uuid.UUID,
    body: ReversalCreate,
    principal: Preparer,
    response: Response,
) -> EntryPublic:
    """Post the mirror image of a hand-made entry (once), dated today unless given."""
    reversal = service.reverse_entry(session, audit, principal, entry_id, body)
    response.headers["Location"] = f"/journal-entries/{reversal.id}"
    return service.public(session, reversal)


@router.get("/ledger/trial-balance", dependencies=readers)
def trial_balance(
    session: SessionDep,
    scope: ScopeDep,
    as_of: date | None = None,
    unit_id: uuid.UUID | None = None,
) -> TrialBalance:
    """Every account's debits, credits and balance as of a day (default today), for one unit
    or consolidated over all units; ``balanced`` says whether debits equal credits."""
    return reports.trial_balance(
        session, as_of=as_of or today(), unit_id=scope.unit_filter(unit_id)
    )


@router.get("/ledger/balances", dependencies=readers)
def account_balances(
    session: SessionDep,
    scope: ScopeDep,
    as_of: date | None = None,
    unit_id: uuid.UUID | None = None,
    account: str | None = Query(default=None, max_length=20),
) -> Page[BalanceRow]:
    """Balances per account and unit as of a day (default today), as one page."""
    rows = reports.balances(
        session,
        as_of=as_of or today(),
        unit_id=scope.unit_filter(unit_id),
        account=account,
        per_unit=True,
    )
    return Page.whole(rows)


@router.get(
    "/ledger/export",
    dependencies=readers,
    response_class=Response,
    responses=tabular.file_responses("The posted lines"),
)
def export_ledger(
    session: SessionDep,
    engine: ReadEngineDep,
    scope: ScopeDep,
    date_from: date,
    date_to: date,
    unit_id: uuid.UUID | None = None,
    fmt: tabular.TabularFormat = Query(tabular.TabularFormat.CSV, alias="format"),
) -> Response:
    """Every posted line between two days (at most a year), as CSV or XLSX. CSV is streamed
    as it is read, so memory stays flat whatever the length."""
    if fmt is tabular.TabularFormat.CSV:
        pieces, name = reports.export_csv_stream(
            engine, scope, date_from=date_from, date_to=date_to, unit_id=unit_id
        )
        return StreamingResponse(
            pieces,
            media_type=fmt.media_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    content, name = reports.export(
        session, fmt, scope, date_from=date_from, date_to=date_to, unit_id=unit_id
    )
    return Response(
        content,
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
