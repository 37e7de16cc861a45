"""Gapless numbers (journal entries, payments, receipts) from one locked counter row each."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, select, update
from sqlmodel import Session, SQLModel

counters = Table(
    "finance_counter",
    SQLModel.metadata,
    Column("name", String(20), primary_key=True),
    Column("value", Integer, nullable=False),
)


def next_number(session: Session, name: str) -> int:
    """The next number of ``name``; the row stays locked until the caller's transaction ends,
    so two transactions never take the same number and a rolled-back one leaves no gap."""
    session.execute(
        update(counters).where(counters.c.name == name).values(value=counters.c.value + 1)
    )
    return int(
        session.execute(select(counters.c.value).where(counters.c.name == name)).scalar_one()
    )
