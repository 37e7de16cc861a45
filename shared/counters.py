"""Gapless numbers (vouchers, payment numbers, asset tags) from one locked counter row each.

A service that numbers things declares its counter table once, ``counter_table("assets")``
(``assets_counter``: a name and the last number given), and creates it in a migration.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Column, Integer, String, Table, bindparam, update
from sqlmodel import Session, SQLModel

from shared.db import insert_unless_present


@cache
def counter_table(prefix: str) -> Table:
    return Table(
        f"{prefix}_counter",
        SQLModel.metadata,
        Column("name", String(20), primary_key=True),
        Column("value", Integer, nullable=False),
    )


@cache
def _bump(counters: Table) -> Any:
    """``UPDATE … SET value = value + 1 … RETURNING value``, built once per table."""
    c = counters.c
    return (
        update(counters)
        .where(c.name == bindparam("counter"))
        .values(value=c.value + 1)
        .returning(c.value)
    )


def next_number(session: Session, counters: Table, name: str) -> int:
    """The next number of ``name`` (1 for the first). The row stays locked until the caller's
    transaction ends, so two transactions never take the same number and a rolled-back one
    leaves no gap. One round trip (``UPDATE … RETURNING``) once the counter exists."""
    bump = _bump(counters)
    conn = session.connection()
    value = conn.execute(bump, {"counter": name}).scalar_one_or_none()
    if value is not None:
        return int(value)
    if insert_unless_present(session, counters, {"name": name, "value": 1}):
        return 1
    # another transaction numbered the first one meanwhile
    return int(conn.execute(bump, {"counter": name}).scalar_one())
