"""Balances and the trial balance as of any day, per unit or consolidated, and the ledger
export. Balances are sums of posted lines dated on or before the day (closed months' sums
read from their frozen month balances); reversals count like any entry, so a reversed entry
nets to nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from services.finance.ledger import month_balances
from services.finance.ledger.models import (
    Account,
    Category,
    JournalEntry,
    JournalLine,
    MonthBalance,
)
from services.finance.ledger.schemas import BalanceRow, TrialBalance
from services.finance.units.models import BudgetUnit
from shared import tabular
from shared.problems import Invalid
from shared.scope import RowScope
from shared.types import Money

ZERO = Decimal("0.00")
MAX_EXPORT_DAYS = 366
EXPORT_BATCH = 2000  # lines read and sent at a time by the streamed export


def balances(
    session: Session,
    *,
    as_of: date,
    unit_id: uuid.UUID | None = None,
    account: str | None = None,
    per_unit: bool = False,
) -> list[BalanceRow]:
    """Debits, credits and balance per account (and unit) as of the end of ``as_of``: the
    frozen balances of the closed months before it, where there are any (``month_balances``),
    plus the lines after them."""
    frozen = month_balances.frozen_through(session, as_of)
    # the unit only where it is a key: the consolidated sums are then read from the
    # (account, day, debit, credit) index alone
    line_keys = [JournalLine.account_code, *([JournalLine.unit_id] if per_unit else [])]
    lines: Any = sa_select(
        *(col(c) for c in (*line_keys, JournalLine.debit, JournalLine.credit))
    ).where(col(JournalLine.entry_date) <= as_of)
    if frozen is not None:
        lines = lines.where(col(JournalLine.entry_date) > frozen)
    if unit_id is not None:
        lines = lines.where(col(JournalLine.unit_id) == unit_id)
    if account is not None:
        lines = lines.where(col(JournalLine.account_code) == account)
    source: Any = lines
    if frozen is not None:
        month_keys = [MonthBalance.account_code, *([MonthBalance.unit_id] if per_unit else [])]
        months: Any = sa_select(
            *(col(c) for c in (*month_keys, MonthBalance.debit, MonthBalance.credit))
        ).where(col(MonthBalance.month) <= frozen)
        if unit_id is not None:
            months = months.where(col(MonthBalance.unit_id) == unit_id)
        if account is not None:
            months = months.where(col(MonthBalance.account_code) == account)
        source = union_all(lines, months)
    both = source.subquery()
    keys: list[Any] = [both.c.account_code]
    if per_unit:
        keys.append(both.c.unit_id)
    debit = func.sum(both.c.debit, type_=Money())
    credit = func.sum(both.c.credit, type_=Money())
    query = sa_select(*keys, debit, credit).group_by(*keys).order_by(*keys)
    accounts = {a.code: a for a in session.exec(select(Account))}
    rows = []
    for record in session.execute(query):
        code = record[0]
        d, c = record[-2], record[-1]
        acct = accounts[code]
        category = Category(acct.category)
        rows.append(
            BalanceRow(
                account_code=code,
                account_name=acct.name_zh,
                category=category,
                unit_id=record[1] if per_unit else unit_id,
                debit_total=d,
                credit_total=c,
                balance=d - c if category.debit_normal else c - d,
            )
        )
    return rows


def trial_balance(session: Session, *, as_of: date, unit_id: uuid.UUID | None) -> TrialBalance:
    rows = balances(session, as_of=as_of, unit_id=unit_id)
    debit_total = sum((r.debit_total for r in rows), ZERO)
    credit_total = sum((r.credit_total for r in rows), ZERO)
    return TrialBalance(
        as_of=as_of,
        unit_id=unit_id,
        rows=rows,
        debit_total=debit_total,
        credit_total=credit_total,
        balanced=debit_total == credit_total,
    )


EXPORT_HEADERS = (
    "entry_number",
    "entry_date",
    "source",
    "entry_memo",
    "line_no",
    "account_code",
    "account_name",
    "unit_code",
    "debit",
    "credit",
    "economic_class",
    "fund_source",
    "line_memo",
)


def export_query(*, date_from: date, date_to: date, unit_id: uuid.UUID | None) -> Any:
    """Every line of the entries dated between two days, in entry and line order."""
    query = (
        sa_select(
            col(JournalEntry.number),
            col(JournalEntry.entry_date),
            col(JournalEntry.source),
            col(JournalEntry.memo),
            col(JournalLine.line_no),
            col(JournalLine.account_code),
            col(Account.name_zh),
            col(BudgetUnit.code),
            col(JournalLine.debit),
            col(JournalLine.credit),
            col(JournalLine.economic_class),
            col(JournalLine.fund_source),
            col(JournalLine.memo),
        )
        .join(JournalLine, col(JournalLine.entry_id) == JournalEntry.id)
        .join(Account, col(Account.code) == JournalLine.account_code)
        .join(BudgetUnit, col(BudgetUnit.id) == JournalLine.unit_id)
        .where(col(JournalEntry.entry_date) >= date_from, col(JournalEntry.entry_date) <= date_to)
        .order_by(col(JournalEntry.number), col(JournalLine.line_no))
    )
    if unit_id is not None:
        query = query.where(col(JournalLine.unit_id) == unit_id)
    return query


def _export_row(record: Any) -> list[Any]:
    number, day, source, memo, line_no, account, name, unit, debit, credit, *rest = record
    economic_class, fund_source, line_memo = rest
    return [
        number,
        day.isoformat(),
        source,
        memo,
        line_no,
        account,
        name,
        unit,
        f"{debit:.2f}",
        f"{credit:.2f}",
        economic_class or "",
        fund_source or "",
        line_memo or "",
    ]


def export_rows(
    session: Session, *, date_from: date, date_to: date, unit_id: uuid.UUID | None
) -> Iterator[list[Any]]:
    query = export_query(date_from=date_from, date_to=date_to, unit_id=unit_id)
    for record in session.execute(query):
        yield _export_row(record)


def _checked(
    scope: RowScope, *, date_from: date, date_to: date, unit_id: uuid.UUID | None
) -> uuid.UUID | None:
    """The unit the caller may export (None: all), once the days are a range of a year or
    less."""
    if date_to < date_from or (date_to - date_from).days > MAX_EXPORT_DAYS:
        raise Invalid(
            "BAD_DATE_RANGE",
            f"date_to must follow date_from by at most {MAX_EXPORT_DAYS} days",
        )
    return scope.unit_filter(unit_id)


def _file_name(date_from: date, date_to: date, fmt: tabular.TabularFormat) -> str:
    return f"ledger-{date_from.isoformat()}-{date_to.isoformat()}.{fmt.value}"


def export(
    session: Session,
    fmt: tabular.TabularFormat,
    scope: RowScope,
    *,
    date_from: date,
    date_to: date,
    unit_id: uuid.UUID | None,
) -> tuple[bytes, str]:
    """Every posted line between two days (at most a year) as a CSV or XLSX file, and the
    file's name."""
    unit_id = _checked(scope, date_from=date_from, date_to=date_to, unit_id=unit_id)
    rows = export_rows(session, date_from=date_from, date_to=date_to, unit_id=unit_id)
    content = tabular.write_table(fmt, EXPORT_HEADERS, rows, title="ledger")
    return content, _file_name(date_from, date_to, fmt)


def export_csv_stream(
    engine: Engine,
    scope: RowScope,
    *,
    date_from: date,
    date_to: date,
    unit_id: uuid.UUID | None,
) -> tuple[Iterator[bytes], str]:
    """The CSV export as pieces to send as they are made, and the file's name.

    The range and the caller's scope are checked here, before any byte is sent. The lines are
    read on a connection of the export's own (the request's unit of work ends when the route
    returns), in one read transaction, ``EXPORT_BATCH`` rows at a time from a server-side
    cursor where the database has one: memory stays flat however many lines there are."""
    unit_id = _checked(scope, date_from=date_from, date_to=date_to, unit_id=unit_id)
    query = export_query(date_from=date_from, date_to=date_to, unit_id=unit_id)

    def batches() -> Iterator[list[list[Any]]]:
        with engine.connect() as conn:
            streamed = conn.execution_options(yield_per=EXPORT_BATCH).execute(query)
            for part in streamed.partitions():
                yield [_export_row(record) for record in part]

    fmt = tabular.TabularFormat.CSV
    return tabular.stream_csv(EXPORT_HEADERS, batches()), _file_name(date_from, date_to, fmt)
