"""Sending a batch of instructions (a payroll run's transfers) after the commit: each sent
once, a bounded few in flight at a time, and none tried after the treasury proved
unreachable (what is left, the worker sends); the worker drains a backlog in one pass, a few
at a time, and stops at an unreachable treasury."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.finance.treasury.client import StatusReport, TreasuryUnavailable
from services.finance.treasury.models import Instruction, InstructionStatus
from services.finance.treasury.sender import Sender
from services.finance.treasury.status import Change, StatusHandlers
from shared.audit import AuditLog
from shared.db import for_writing, unit_of_work
from shared.tables import platform_tables
from tests.support.databases import Databases

KIND = "payroll"


class FakeTreasury:
    """Answers ``received`` (or cannot be reached, while ``down``); counts what it took and
    how many submissions were in flight at once. While ``wave`` is set, each submission
    waits there until that many are in flight together."""

    def __init__(self, wave: int | None = None) -> None:
        self.down = False
        self.wave = None if wave is None else threading.Barrier(wave, timeout=10)
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = self.tries = 0
        self.received: Counter[str] = Counter()

    def submit(self, payload: dict[str, Any], *, retries: int | None = None) -> StatusReport:
        with self.lock:
            self.tries += 1
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.down:
                raise TreasuryUnavailable("ConnectError: connection refused")
            if self.wave is not None:
                self.wave.wait()
            with self.lock:
                self.received[payload["instruction_id"]] += 1
            return StatusReport(payload["instruction_id"], InstructionStatus.RECEIVED)
        finally:
            with self.lock:
                self.in_flight -= 1


@pytest.fixture
def engine(databases: Databases) -> Iterator[Engine]:
    engine = databases.fresh_engine("finance")
    yield engine
    engine.dispose()


def sender_for(engine: Engine, treasury: FakeTreasury) -> Sender:
    statuses = StatusHandlers(AuditLog(platform_tables("finance").audit))
    followed: list[Change] = []
    statuses.register(KIND, lambda _session, change: followed.append(change))
    return Sender(for_writing(engine), engine, treasury, statuses)  # type: ignore[arg-type]


def write_unsent(session: Session, count: int) -> list[str]:
    ids = [f"PR-BATCH-{uuid.uuid4().hex[:12].upper()}" for _ in range(count)]
    for instruction_id in ids:
        session.add(
            Instruction(
                instruction_id=instruction_id,
                kind=KIND,
                subject_id=uuid.uuid4(),
                payload={"instruction_id": instruction_id, "amount": "1.00"},
            )
        )
    session.flush()
    return ids


def send_batch(engine: Engine, sender: Sender, count: int) -> list[str]:
    """Write ``count`` unsent instructions and hand them to the sender in the same unit of
    work, as paying a run does; wait until its threads are done."""
    with unit_of_work(for_writing(engine)) as session:
        ids = write_unsent(session, count)
        sender.send_many_after_commit(session, ids)
        assert not _senders(), "nothing is sent before the commit"
    deadline = time.monotonic() + 30
    while _senders():
        assert time.monotonic() < deadline, "the batch did not finish"
        time.sleep(0.02)
    return ids


def _senders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("treasury-send")]


def statuses_of(engine: Engine, ids: list[str]) -> dict[str, tuple[str, int]]:
    with Session(engine) as session:
        rows = session.exec(select(Instruction).where(col(Instruction.instruction_id).in_(ids)))
        return {r.instruction_id: (r.status, r.attempts) for r in rows}


def test_a_batch_is_sent_once_each_a_bounded_few_at_a_time(engine: Engine) -> None:
    treasury = FakeTreasury(wave=Sender.concurrency)
    sender = sender_for(engine, treasury)
    assert sender.concurrency > 1
    ids = send_batch(engine, sender, 5 * sender.concurrency)
    assert treasury.received == Counter(set(ids))
    assert treasury.most_in_flight == sender.concurrency
    assert set(statuses_of(engine, ids).values()) == {(InstructionStatus.RECEIVED, 1)}


def test_an_unreachable_treasury_stops_the_batch_and_the_worker_sends_the_rest(
    engine: Engine,
) -> None:
    treasury = FakeTreasury()
    treasury.down = True
    sender = sender_for(engine, treasury)
    ids = send_batch(engine, sender, 5 * sender.concurrency)
    # a thread's failure stops them all: at most one try a thread, not a failed try (and its
    # backoff) for every instruction
    assert 1 <= treasury.tries <= sender.concurrency and not treasury.received
    states = statuses_of(engine, ids)
    assert {s for s, _ in states.values()} == {InstructionStatus.UNSENT}
    tried = [i for i, (_, attempts) in states.items() if attempts == 1]
    assert len(tried) == treasury.tries
    treasury.down = False
    assert sender.send_due() == len(ids) - len(tried)  # the tried ones wait out their backoff
    assert treasury.received == Counter(set(ids) - set(tried))


def test_the_worker_drains_a_backlog_in_one_pass_a_few_at_a_time(engine: Engine) -> None:
    treasury = FakeTreasury(wave=Sender.concurrency)
    sender = sender_for(engine, treasury)
    sender.batch = 2 * sender.concurrency
    with unit_of_work(for_writing(engine)) as session:
        ids = write_unsent(session, 5 * sender.batch)  # left by an outage
    assert sender.send_due() == len(ids)  # five batches, one pass
    assert treasury.received == Counter(set(ids))
    assert treasury.most_in_flight == sender.concurrency
    assert sender.send_due() == 0


def test_the_worker_stops_a_pass_at_an_unreachable_treasury(engine: Engine) -> None:
    treasury = FakeTreasury()
    treasury.down = True
    sender = sender_for(engine, treasury)
    sender.batch = 2 * sender.concurrency
    with unit_of_work(for_writing(engine)) as session:
        ids = write_unsent(session, 5 * sender.batch)
    tried = sender.send_due()
    assert 1 <= tried == treasury.tries <= sender.concurrency  # not one backoff per instruction
    treasury.down = False
    assert sender.send_due() == len(ids) - tried  # the tried ones wait out their backoff
