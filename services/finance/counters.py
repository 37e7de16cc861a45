"""Finance's gapless numbers: journal entries, payments, receipts (``shared.counters``)."""

from __future__ import annotations

from sqlmodel import Session

from shared import counters as shared_counters

counters = shared_counters.counter_table("finance")


def next_number(session: Session, name: str) -> int:
    return shared_counters.next_number(session, counters, name)
