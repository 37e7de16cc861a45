"""Monthly periods: no posting into a closed month; only ``finance_approver`` closes a month
or reopens it, and reopening needs a reason, which the audit log keeps. Only a month that has
ended can be closed, so today's month is always open: what the treasury reports late about a
closed month is posted today (``posting_day``), never lost.

Posting takes a shared lock on its month's row and closing an exclusive one (PostgreSQL;
SQLite serialises writers anyway), so an entry can never slip into a month as it closes.
What else a month's closing or reopening changes happens in the same transaction, after that
lock (``MonthFollowers``, wired in ``main.py``: the ledger freezes the month's balances).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import Depends
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.finance.periods.models import Period, PeriodStatus
from services.finance.periods.schemas import PeriodPublic
from shared.audit import AuditLog
from shared.context import Principal
from shared.deps import from_app_state
from shared.pagination import Page
from shared.problems import Conflict, Invalid
from shared.types import today, utcnow

Follower = Callable[[Session, int, int, PeriodStatus], None]


class MonthFollowers:
    """What follows a month's change of status, in the transaction that changes it."""

    def __init__(self, *followers: Follower) -> None:
        self.followers = followers

    def __call__(self, session: Session, year: int, month: int, status: PeriodStatus) -> None:
        for follow in self.followers:
            follow(session, year, month, status)


MonthFollowersDep = Annotated[
    MonthFollowers, Depends(from_app_state("period_followers", MonthFollowers))
]


def _row(session: Session, year: int, month: int, *, exclusive: bool) -> Period:
    query = select(Period).where(Period.year == year, Period.month == month)
    query = query.with_for_update(read=not exclusive)
    period = session.exec(query).first()
    if period is not None:
        return period
    try:
        with session.begin_nested():
            session.add(Period(year=year, month=month, changed_by="system"))
    except IntegrityError:
        pass  # another transaction created it first
    return session.exec(query).one()


def check_month(year: int, month: int) -> None:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Invalid("BAD_PERIOD", f"{year}-{month:02d} is not a month of the books")


def ensure_open(session: Session, day: date) -> None:
    """Refuse (409 PERIOD_CLOSED) a posting dated in a closed month; lock the month shared."""
    period = _row(session, day.year, day.month, exclusive=False)
    if period.status == PeriodStatus.CLOSED:
        raise Conflict(
            "PERIOD_CLOSED",
            f"period {day.year}-{day.month:02d} is closed; post into an open month "
            "or have a finance approver reopen it",
            period=f"{day.year}-{day.month:02d}",
        )


def is_open(session: Session, day: date) -> bool:
    period = session.exec(
        select(Period).where(Period.year == day.year, Period.month == day.month)
    ).first()
    return period is None or period.status == PeriodStatus.OPEN


def posting_day(session: Session, day: date) -> date:
    """The day a system posting about ``day`` is booked: that day if its month is open and it
    is not in the future, else today."""
    current = today()
    return day if day <= current and is_open(session, day) else current


def public(period: Period) -> PeriodPublic:
    return PeriodPublic.model_validate(period, from_attributes=True)


def list_periods(session: Session, year: int | None) -> Page[PeriodPublic]:
    """Months that were ever closed or reopened (at most twelve a year: one page)."""
    query = select(Period).order_by(col(Period.year), col(Period.month))
    if year is not None:
        query = query.where(Period.year == year)
    return Page.whole([public(p) for p in session.exec(query)])


def get(session: Session, year: int, month: int) -> Period:
    check_month(year, month)
    period = session.exec(select(Period).where(Period.year == year, Period.month == month)).first()
    return period or Period(year=year, month=month, changed_by="system", version=0)


def change(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    *,
    year: int,
    month: int,
    status: PeriodStatus,
    reason: str | None,
    followers: MonthFollowers,
) -> Period:
    """Close or reopen a month (idempotent: closing a closed month changes nothing), and
    what follows from it."""
    check_month(year, month)
    current = today()
    if status == PeriodStatus.CLOSED and (year, month) >= (current.year, current.month):
        raise Conflict(
            "PERIOD_NOT_ENDED",
            f"{year}-{month:02d} has not ended; a month is closed once it is over",
        )
    period = _row(session, year, month, exclusive=True)
    if period.status == status:
        return period
    before = period.model_dump(mode="json")
    period.status = status
    period.reason = reason
    period.changed_by = principal.sub
    period.changed_at = utcnow()
    # (a month's row has no id of its own: it is audited as "YYYY-MM", its own way)
    period.version += 1
    session.add(period)
    session.flush()
    followers(session, year, month, status)
    audit.record(
        session,
        action="period.closed" if status == PeriodStatus.CLOSED else "period.reopened",
        resource_type="period",
        resource_id=f"{year}-{month:02d}",
        before=before,
        after=period.model_dump(mode="json"),
        principal=principal,
    )
    return period
