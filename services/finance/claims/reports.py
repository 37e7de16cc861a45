"""Claims reports, each within the caller's scope (a liaison its unit, staff their own).

- By unit and month: the claims submitted in a year (or one month of it) that are not
  withdrawn or rejected, counted with what they claim and what is payable, per unit and
  month of submission (Asia/Shanghai).
- Exceptions: every over-standard line a director excepted, who granted it, when and why.
- Top claimants: who claimed the most payable money over a period (per claimant and unit),
  and how many claims.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select as core_select
from sqlmodel import Session, col, func, select

from services.finance.claims.models import COUNTED, Claim, ClaimLine
from services.finance.claims.schemas import GrantedException, TopClaimant, UnitMonth
from shared.pagination import Page, PageParams, fetch_page
from shared.problems import Invalid
from shared.scope import RowScope
from shared.types import SHANGHAI


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, SHANGHAI)


EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # no claim lies outside


def _period(since: date | None, until: date | None) -> list[Any]:
    if since is not None and until is not None and until < since:
        raise Invalid("DATES_OUT_OF_ORDER", "the period ends before it begins")
    since = None if since is None else max(since, EARLIEST)
    until = None if until is None else min(until, LATEST)
    where = []
    if since is not None:
        where.append(col(Claim.submitted_at) >= _start(since))
    if until is not None:
        where.append(col(Claim.submitted_at) < _start(until + timedelta(days=1)))
    return where


def _scoped(query: Any, scope: RowScope, unit_id: uuid.UUID | None) -> Any:
    scope.check_filters(unit_id)
    condition = scope.condition(col(Claim.unit_id), col(Claim.staff_id))
    if condition is not None:
        query = query.where(condition)
    if unit_id is not None:
        query = query.where(col(Claim.unit_id) == unit_id)
    return query


def by_unit_month(
    session: Session, scope: RowScope, *, year: int, month: int | None, unit_id: uuid.UUID | None
) -> list[UnitMonth]:
    first = date(year, month or 1, 1)
    last = date(year, 12, 31) if month is None else _month_end(first)
    query = select(
        col(Claim.unit_id), col(Claim.submitted_at), col(Claim.claimed), col(Claim.payable)
    ).where(col(Claim.status).in_(COUNTED), *_period(first, last))
    totals: dict[tuple[uuid.UUID, str], list[Any]] = {}
    for unit, submitted_at, claimed, payable in session.exec(_scoped(query, scope, unit_id)):
        assert submitted_at is not None
        key = (unit, f"{submitted_at.astimezone(SHANGHAI):%Y-%m}")
        row = totals.setdefault(key, [0, Decimal(0), Decimal(0)])
        row[0] += 1
        row[1] += claimed
        row[2] += payable
    return [
        UnitMonth(unit_id=u, month=m, count=c, claimed=cl, payable=p)
        for (u, m), (c, cl, p) in sorted(totals.items(), key=lambda kv: (kv[0][1], str(kv[0][0])))
    ]


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def exceptions(
    session: Session,
    params: PageParams,
    scope: RowScope,
    *,
    since: date | None,
    until: date | None,
    unit_id: uuid.UUID | None,
) -> Page[GrantedException]:
    query = (
        select(ClaimLine, Claim)
        .join(Claim, col(Claim.id) == col(ClaimLine.claim_id))
        .where(col(ClaimLine.exception_by).is_not(None), *_period(since, until))
    )
    rows, total = fetch_page(
        session, _scoped(query, scope, unit_id), params, col(ClaimLine.exception_at).desc()
    )
    items = [
        GrantedException(
            claim_id=claim.id,
            claim_number=claim.number,
            staff_id=claim.staff_id,
            staff_name=claim.staff_name,
            unit_id=claim.unit_id,
            line_id=line.id,
            kind=line.kind,
            flag=line.flag,
            amount=line.amount,
            cap=line.cap,
            granted_by=line.exception_by,
            granted_at=line.exception_at,
            reason=line.exception_reason or "",
        )
        for line, claim in rows
    ]
    return Page.of(items, total, params)


def top_claimants(
    session: Session,
    scope: RowScope,
    *,
    since: date | None,
    until: date | None,
    unit_id: uuid.UUID | None,
    limit: int,
) -> list[TopClaimant]:
    payable = func.sum(col(Claim.payable))
    query = (
        core_select(
            col(Claim.staff_id),
            col(Claim.staff_name),
            col(Claim.unit_id),
            func.count(),
            func.sum(col(Claim.claimed)),
            payable,
        )
        .where(col(Claim.status).in_(COUNTED), *_period(since, until))
        .group_by(col(Claim.staff_id), col(Claim.staff_name), col(Claim.unit_id))
        .order_by(payable.desc(), col(Claim.staff_id))
        .limit(limit)
    )
    return [
        TopClaimant(staff_id=s, staff_name=n, unit_id=u, count=c, claimed=cl, payable=p)
        for s, n, u, c, cl, p in session.execute(_scoped(query, scope, unit_id))
    ]
