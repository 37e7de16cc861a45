"""Posting journal entries: the one way anything enters the books.

Rules checked here, for hand-made and system entries alike:
- at least two lines; each line is a debit or a credit, positive, to the fen;
- debits equal credits exactly (422 ``UNBALANCED_ENTRY`` says by how much), and so do
  each unit's own lines, so every unit's trial balance balances;
- accounts, units, economic classes and fund sources exist and are active;
- an expense line names its economic classification (支出经济分类), except a cost that
  spends nothing (depreciation, a disposed asset's book value): it is no expenditure, so it
  has no such class;
- restricted accounts (revenue owed to the treasury) take only revenue and remittance postings;
- the entry's month is open (409 ``PERIOD_CLOSED``);
- a (source, source_ref) pair posts once: a settled payment can never be booked twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col, select

from services.finance.counters import next_number
from services.finance.ledger.models import (
    Account,
    Category,
    EconomicClass,
    EntrySource,
    FundSource,
    JournalEntry,
    JournalLine,
)
from services.finance.periods import service as periods
from services.finance.units.models import BudgetUnit
from shared.db import insert_unless_present
from shared.problems import Conflict, Invalid

ZERO = Decimal("0.00")
_ACCOUNTS: Any = Account.__table__  # type: ignore[attr-defined]
_ENTRIES: Any = JournalEntry.__table__  # type: ignore[attr-defined]
_LINES: Any = JournalLine.__table__  # type: ignore[attr-defined]
_ENTRY_COLUMNS = tuple(c.name for c in _ENTRIES.columns)
_INSERT_ENTRY = insert(_ENTRIES)
_INSERT_LINES = insert(_LINES)
_POSTED = select(_ENTRIES.c.id, _ENTRIES.c.number).where(
    _ENTRIES.c.source == bindparam("source"), _ENTRIES.c.source_ref == bindparam("source_ref")
)
# sources allowed to touch restricted (revenue-owed) accounts: 收支两条线
_REVENUE_SOURCES = frozenset({EntrySource.REVENUE, EntrySource.REMITTANCE})
_BY_HAND = frozenset({EntrySource.MANUAL, EntrySource.REVERSAL, EntrySource.QUOTA})
# accrual-only costs: no money moves, so their expense lines name no economic class
_NON_CASH = frozenset({EntrySource.DEPRECIATION, EntrySource.ASSET_DISPOSAL})


@dataclass(frozen=True)
class LineSpec:
    account: str
    unit_id: uuid.UUID
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    economic_class: str | None = None
    fund_source: str | None = None
    memo: str | None = None


def _check_amounts(lines: Sequence[LineSpec]) -> None:
    """Two lines or more, each one-sided; debits equal credits, in all and per unit."""
    if len(lines) < 2:
        raise Invalid("TOO_FEW_LINES", "an entry needs at least one debit and one credit line")
    for n, line in enumerate(lines, start=1):
        if (line.debit > 0) == (line.credit > 0) or line.debit < 0 or line.credit < 0:
            raise Invalid(
                "BAD_LINE", f"line {n}: give a positive debit or a positive credit, not both"
            )
    debits = sum((line.debit for line in lines), ZERO)
    credits = sum((line.credit for line in lines), ZERO)
    if debits != credits:
        raise Invalid(
            "UNBALANCED_ENTRY",
            f"debits {debits:.2f} and credits {credits:.2f} differ by {debits - credits:.2f}",
            debits=f"{debits:.2f}",
            credits=f"{credits:.2f}",
        )
    per_unit: dict[uuid.UUID, Decimal] = {}
    for line in lines:
        per_unit[line.unit_id] = per_unit.get(line.unit_id, ZERO) + line.debit - line.credit
    lopsided = sorted(str(unit) for unit, net in per_unit.items() if net != 0)
    if lopsided:
        raise Invalid(
            "UNIT_UNBALANCED",
            "each unit's lines must balance on their own (one book, every unit's own "
            f"accounts): not so for {', '.join(lopsided)}",
        )


@dataclass(frozen=True)
class _Account:
    code: str
    category: str
    active: bool
    restricted: bool


@dataclass(frozen=True)
class _Known:
    """What the lines name that exists: accounts, active units, economic classes, funds."""

    accounts: dict[str, _Account]
    units: set[uuid.UUID]
    classes: set[str]
    funds: set[str]


def _detail_queries(by_hand: bool) -> tuple[Any, Any, Any]:
    """The units, economic classes and fund sources among those named (bound to ``units``,
    ``classes``, ``funds``); by hand, only active units."""
    units = select(BudgetUnit.id).where(col(BudgetUnit.id).in_(bindparam("units", expanding=True)))
    if by_hand:  # what the treasury already did is booked even for a closed unit
        units = units.where(col(BudgetUnit.active))
    classes = select(EconomicClass.code).where(
        col(EconomicClass.code).in_(bindparam("classes", expanding=True))
    )
    funds = select(FundSource.code).where(
        col(FundSource.code).in_(bindparam("funds", expanding=True))
    )
    return units, classes, funds


@cache
def _known_query(by_hand: bool) -> Any:
    """The accounts named, each with how many of the named units, classes and funds exist:
    one statement, built once (bound to ``codes``, ``units``, ``classes``, ``funds``)."""

    def found(query: Any) -> Any:
        return select(func.count()).select_from(query.subquery()).scalar_subquery()

    a = _ACCOUNTS.c
    return select(
        a.code, a.category, a.active, a.restricted, *map(found, _detail_queries(by_hand))
    ).where(a.code.in_(bindparam("codes", expanding=True)))


def _known(session: Session, lines: Sequence[LineSpec], source: EntrySource) -> _Known:
    """What the lines name that exists, in one query when everything they name exists; a
    line naming something unknown costs three more, to say which."""
    units = {line.unit_id for line in lines}
    classes = {line.economic_class for line in lines if line.economic_class}
    funds = {line.fund_source for line in lines if line.fund_source}
    names = {
        "codes": sorted({line.account for line in lines}),
        "units": sorted(units),
        "classes": sorted(classes),
        "funds": sorted(funds),
    }
    by_hand = source in _BY_HAND
    conn = session.connection()
    rows = conn.execute(_known_query(by_hand), names).all()
    accounts = {
        r[0]: _Account(code=r[0], category=r[1], active=r[2], restricted=r[3]) for r in rows
    }
    if rows and tuple(rows[0][4:]) == (len(units), len(classes), len(funds)):
        return _Known(accounts=accounts, units=units, classes=classes, funds=funds)
    unit_query, class_query, fund_query = _detail_queries(by_hand)
    return _Known(
        accounts=accounts,
        units=set(conn.execute(unit_query, names).scalars()),
        classes=set(conn.execute(class_query, names).scalars()),
        funds=set(conn.execute(fund_query, names).scalars()),
    )


def _check_line(n: int, line: LineSpec, known: _Known, source: EntrySource) -> None:
    account = known.accounts.get(line.account)
    if account is None or not account.active:
        raise Invalid("UNKNOWN_ACCOUNT", f"line {n}: no active account {line.account!r}")
    if account.restricted and source not in _REVENUE_SOURCES:
        raise Invalid(
            "RESTRICTED_ACCOUNT",
            f"line {n}: account {account.code} holds revenue owed to the treasury; only "
            "revenue receipts and their remittance post to it (收支两条线)",
        )
    if line.unit_id not in known.units:
        raise Invalid("UNKNOWN_UNIT", f"line {n}: {line.unit_id} is not an active budget unit")
    if line.economic_class and line.economic_class not in known.classes:
        raise Invalid(
            "UNKNOWN_ECONOMIC_CLASS", f"line {n}: no economic class {line.economic_class!r}"
        )
    if account.category == Category.EXPENSE and not line.economic_class and source not in _NON_CASH:
        raise Invalid(
            "ECONOMIC_CLASS_REQUIRED",
            f"line {n}: an expense line needs its economic classification (e.g. 30201)",
        )
    if line.fund_source and line.fund_source not in known.funds:
        raise Invalid("UNKNOWN_FUND_SOURCE", f"line {n}: no fund source {line.fund_source!r}")


def _check_lines(session: Session, lines: Sequence[LineSpec], source: EntrySource) -> None:
    _check_amounts(lines)
    known = _known(session, lines, source)
    for n, line in enumerate(lines, start=1):
        _check_line(n, line, known, source)


def post(
    session: Session,
    *,
    entry_date: date,
    memo: str,
    lines: Sequence[LineSpec],
    source: EntrySource,
    posted_by: str,
    source_ref: str | None = None,
    reverses_id: uuid.UUID | None = None,
) -> JournalEntry:
    """Post one balanced entry in the caller's transaction (the caller commits)."""
    _check_lines(session, lines, source)
    periods.ensure_open(session, entry_date)
    entry = JournalEntry(
        number=next_number(session, "journal"),
        entry_date=entry_date,
        memo=memo,
        source=source,
        source_ref=source_ref,
        reverses_id=reverses_id,
        posted_by=posted_by,
    )
    # Core INSERTs (the entry, then its lines in one statement): the ORM would only add its
    # bookkeeping; the entry joins the session as the persistent row it now is. An entry with
    # a source_ref goes in unless that (source, source_ref) is posted already (which the
    # unique key decides, also against a concurrent posting): then it is refused, and the
    # number it took goes back with the transaction.
    conn = session.connection()
    row = {c: getattr(entry, c) for c in _ENTRY_COLUMNS}
    if source_ref is None:
        conn.execute(_INSERT_ENTRY, [row])
    elif not insert_unless_present(session, _ENTRIES, row):
        existing = conn.execute(_POSTED, {"source": source, "source_ref": source_ref}).first()
        if existing is None:  # another of its unique keys: the plain INSERT says which
            conn.execute(_INSERT_ENTRY, [row])
        else:
            raise Conflict(
                "ALREADY_POSTED",
                f"{source} {source_ref} is already posted as entry {existing.number}",
                entry_id=str(existing.id),
            )
    conn.execute(
        _INSERT_LINES,
        [
            {
                "id": uuid.uuid4(),
                "entry_id": entry.id,
                "line_no": n,
                "entry_date": entry_date,
                "account_code": line.account,
                "unit_id": line.unit_id,
                "debit": line.debit,
                "credit": line.credit,
                "economic_class": line.economic_class,
                "fund_source": line.fund_source,
                "memo": line.memo,
            }
            for n, line in enumerate(lines, start=1)
        ],
    )
    make_transient_to_detached(entry)
    session.add(entry)
    return entry


def lines_of(session: Session, entry_id: uuid.UUID) -> list[JournalLine]:
    return list(
        session.exec(
            select(JournalLine)
            .where(JournalLine.entry_id == entry_id)
            .order_by(col(JournalLine.line_no))
        )
    )


def reversed_by(session: Session, entry_id: uuid.UUID) -> JournalEntry | None:
    return session.exec(select(JournalEntry).where(JournalEntry.reverses_id == entry_id)).first()


def reverse(
    session: Session,
    entry: JournalEntry,
    *,
    entry_date: date,
    memo: str,
    posted_by: str,
    source: EntrySource = EntrySource.REVERSAL,
) -> JournalEntry:
    """Post the mirror image of ``entry`` (debits become credits), once."""
    if entry.reverses_id is not None:
        raise Conflict("ENTRY_IS_REVERSAL", f"entry {entry.number} is itself a reversal")
    done = reversed_by(session, entry.id)
    if done is not None:
        raise Conflict(
            "ALREADY_REVERSED",
            f"entry {entry.number} was already reversed by entry {done.number}",
            entry_id=str(done.id),
        )
    mirror = [
        LineSpec(
            account=line.account_code,
            unit_id=line.unit_id,
            debit=line.credit,
            credit=line.debit,
            economic_class=line.economic_class,
            fund_source=line.fund_source,
            memo=line.memo,
        )
        for line in lines_of(session, entry.id)
    ]
    return post(
        session,
        entry_date=entry_date,
        memo=memo,
        lines=mirror,
        source=source,
        source_ref=str(entry.id),
        reverses_id=entry.id,
        posted_by=posted_by,
    )
