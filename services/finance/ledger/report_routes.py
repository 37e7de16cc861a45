"""Routes of balances, the trial balance and the ledger export."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, Query, Response

from services.finance.ledger import reports
from services.finance.ledger.schemas import BalanceRow, TrialBalance
from services.finance.roles import UNIT_READERS
from services.finance.scope import ScopeDep
from shared import tabular
from shared.auth import require_roles
from shared.db import SessionDep
from shared.problems import ProblemError
from shared.types import today

router = APIRouter(tags=["ledger"], dependencies=[Depends(require_roles(*UNIT_READERS))])
MAX_EXPORT_DAYS = 366


@router.get("/ledger/trial-balance")
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


@router.get("/ledger/balances")
def account_balances(
    session: SessionDep,
    scope: ScopeDep,
    as_of: date | None = None,
    unit_id: uuid.UUID | None = None,
    account: str | None = Query(default=None, max_length=20),
) -> list[BalanceRow]:
    """Balances per account and unit as of a day (default today)."""
    return reports.balances(
        session,
        as_of=as_of or today(),
        unit_id=scope.unit_filter(unit_id),
        account=account,
        per_unit=True,
    )


@router.get("/ledger/export")
def export_ledger(
    session: SessionDep,
    scope: ScopeDep,
    date_from: date,
    date_to: date,
    unit_id: uuid.UUID | None = None,
    fmt: tabular.TabularFormat = Query(tabular.TabularFormat.CSV, alias="format"),
) -> Response:
    """Every posted line between two days (at most a year), as CSV or XLSX."""
    if date_to < date_from or (date_to - date_from).days > MAX_EXPORT_DAYS:
        raise ProblemError(
            422,
            "BAD_DATE_RANGE",
            f"date_to must follow date_from by at most {MAX_EXPORT_DAYS} days",
        )
    rows = reports.export_rows(
        session, date_from=date_from, date_to=date_to, unit_id=scope.unit_filter(unit_id)
    )
    content = tabular.write_table(fmt, reports.EXPORT_HEADERS, rows, title="ledger")
    name = f"ledger-{date_from.isoformat()}-{date_to.isoformat()}.{fmt.value}"
    return Response(
        content,
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
