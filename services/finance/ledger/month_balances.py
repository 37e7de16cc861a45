"""Month balances (``MonthBalance``): frozen when a month closes, dropped when it reopens.

Rules:
- a month's balances are the sums of its lines per unit and account, computed in the
  transaction that closes it, after the close has locked the month's row: every posting into
  the month has committed by then, and none can follow while it stays closed;
- reopening the month deletes them in the same transaction (postings may follow again);
- balances as of a day read them only for the unbroken run of closed months from the books'
  first month up to the month before that day (``frozen_through``), and the lines after that
  run: the same sums as from the lines alone, whatever is closed or reopened.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, func, insert, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from services.finance.ledger.models import JournalLine, MonthBalance
from services.finance.periods.models import Period, PeriodStatus
from shared.types import Money


def first_day(year: int, month: int) -> date:
    return date(year, month, 1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def freeze(session: Session, year: int, month: int) -> None:
    """Write the month's balances from its lines (replacing any there were)."""
    start = first_day(year, month)
    thaw(session, year, month)
    sums = (
        sa_select(
            literal(start),
            col(JournalLine.unit_id),
            col(JournalLine.account_code),
            func.sum(JournalLine.debit, type_=Money()),
            func.sum(JournalLine.credit, type_=Money()),
        )
        .where(
            col(JournalLine.entry_date) >= start, col(JournalLine.entry_date) < next_month(start)
        )
        .group_by(col(JournalLine.unit_id), col(JournalLine.account_code))
    )
    table = MonthBalance.__table__  # type: ignore[attr-defined]
    columns = ["month", "unit_id", "account_code", "debit", "credit"]
    session.execute(insert(table).from_select(columns, sums))


def thaw(session: Session, year: int, month: int) -> None:
    session.execute(delete(MonthBalance).where(col(MonthBalance.month) == first_day(year, month)))


def follow(session: Session, year: int, month: int, status: PeriodStatus) -> None:
    """What closing or reopening a month does to its balances (wired in ``main.py``)."""
    if status == PeriodStatus.CLOSED:
        freeze(session, year, month)
    else:
        thaw(session, year, month)


def frozen_through(session: Session, as_of: date) -> date | None:
    """The last day of the unbroken run of closed months that starts with the books' first
    month and ends before ``as_of``'s month; None when there is no such run."""
    first = session.execute(sa_select(func.min(JournalLine.entry_date))).scalar()
    if first is None:
        return None
    closed = {
        (year, month)
        for year, month in session.execute(
            sa_select(col(Period.year), col(Period.month)).where(
                col(Period.status) == PeriodStatus.CLOSED
            )
        )
    }
    month, last = first_day(first.year, first.month), None
    while month < first_day(as_of.year, as_of.month) and (month.year, month.month) in closed:
        last = month
        month = next_month(month)
    return None if last is None else next_month(last) - timedelta(days=1)
