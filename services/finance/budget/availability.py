"""Availability: reserve on approval, consume on payment, release on rejection or
cancellation — each one conditional UPDATE, so concurrent approvals can never overspend.

``reserve`` adds to ``committed`` only WHERE ``amount - committed - paid >= :amount``. On
PostgreSQL a concurrent UPDATE of the same row waits for the first to commit and then
re-checks the condition against the new values; on SQLite writers are serialised. Either way
the second of two approvals that together exceed the line finds nothing left and is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session

from services.finance.budget.models import Appropriation, PaymentPlan, Quota
from shared.problems import Conflict
from shared.types import Money

Counter = type[Appropriation] | type[PaymentPlan] | type[Quota]
_LABELS = {Appropriation: "budget line", PaymentPlan: "payment plan", Quota: "quota"}


@dataclass(frozen=True)
class Draw:
    """One counter row a payment draws on."""

    model: Counter
    row_id: uuid.UUID


_AMOUNT = bindparam("by", type_=Money())


@cache
def _statement(model: Counter, op: str) -> Any:
    """The conditional UPDATE of ``op`` on ``model``'s table, built once (SQLAlchemy then
    reuses its compiled form and cache key): bound to ``row_id`` and ``by`` (the amount)."""
    table: Any = model.__table__  # type: ignore[union-attr]
    m = table.c
    condition, values = {
        "reserve": (
            m.amount - m.committed - m.paid >= _AMOUNT,
            {"committed": m.committed + _AMOUNT},
        ),
        "consume": (
            m.committed >= _AMOUNT,
            {"committed": m.committed - _AMOUNT, "paid": m.paid + _AMOUNT},
        ),
        "release": (m.committed >= _AMOUNT, {"committed": m.committed - _AMOUNT}),
        "refund": (m.paid >= _AMOUNT, {"paid": m.paid - _AMOUNT}),
    }[op]
    return update(table).where(m.id == bindparam("row_id"), condition).values(**values)


def _update(session: Session, draw: Draw, op: str, amount: Decimal) -> bool:
    # a Core UPDATE of the table: no ORM bookkeeping (rows loaded here are refreshed anyway)
    result = session.connection().execute(
        _statement(draw.model, op), {"row_id": draw.row_id, "by": amount}
    )
    return bool(result.rowcount)


def reserve(session: Session, draws: Iterable[Draw], amount: Decimal) -> None:
    """Commit ``amount`` on every row, or refuse (409 ``INSUFFICIENT_FUNDS``) naming the row
    that lacks it; the caller's transaction then rolls the others back."""
    for draw in draws:
        if not _update(session, draw, "reserve", amount):
            row: Any = session.get(draw.model, draw.row_id, populate_existing=True)
            left = (row.amount - row.committed - row.paid) if row else Decimal(0)
            label = _LABELS[draw.model]
            raise Conflict(
                "INSUFFICIENT_FUNDS",
                f"the {label} has {left:.2f} available, less than {amount:.2f}",
                available=f"{left:.2f}",
                limited_by=label,
            )


def consume(session: Session, draws: Iterable[Draw], amount: Decimal) -> None:
    """Turn a reservation into payment."""
    for draw in draws:
        if not _update(session, draw, "consume", amount):
            raise RuntimeError(
                f"{draw.model.__name__} {draw.row_id}: no reservation of {amount} to pay"
            )


def release(session: Session, draws: Iterable[Draw], amount: Decimal) -> None:
    """Give a reservation back (rejected, cancelled, or refused by the treasury)."""
    for draw in draws:
        if not _update(session, draw, "release", amount):
            raise RuntimeError(
                f"{draw.model.__name__} {draw.row_id}: no reservation of {amount} to free"
            )


def refund(session: Session, draws: Iterable[Draw], amount: Decimal) -> None:
    """Give back what a payment consumed (the treasury returned it)."""
    for draw in draws:
        if not _update(session, draw, "refund", amount):
            raise RuntimeError(
                f"{draw.model.__name__} {draw.row_id}: nothing of {amount} paid to refund"
            )
