"""Gapless numbers (vouchers, payment numbers, asset tags) from one locked counter row each.

A service that numbers things declares its counter table once, ``counter_table("assets")``
(``assets_counter``: a name and the last number given), and creates it in a migration.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Column, Integer, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel


@cache
def counter_table(prefix: str) -> Table:
    return Table(
        f"{prefix}_counter",
        SQLModel.metadata,
        Column("name", String(20), primary_key=True),
        Column("value", Integer, nullable=False),
    )


def next_number(session: Session, counters: Table, name: str) -> int:
    """The next number of ``name`` (1 for the first). The row stays locked until the caller's
    transaction ends, so two transactions never take the same number and a rolled-back one
    leaves no gap."""
    bump = update(counters).where(counters.c.name == name).values(value=counters.c.value + 1)
    if session.execute(bump).rowcount == 0:  # type: ignore[attr-defined]
        try:
            with session.begin_nested():
                session.execute(insert(counters).values(name=name, value=1))
            return 1
        except IntegrityError:  # another transaction numbered the first one meanwhile
            session.execute(bump)
    return int(
        session.execute(select(counters.c.value).where(counters.c.name == name)).scalar_one()
    )
