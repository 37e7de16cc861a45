"""Sending instructions and asking after them: the submitter and the poller.

``send`` posts one instruction and applies the answer. A treasury that cannot be reached
leaves the instruction ``unsent`` with a growing backoff (``next_attempt_at``); the worker
sends it again later, with the very same body, so the treasury pays it once whatever
happened to the earlier attempts. A treasury that refuses it for good (400/409/422) rejects
it: the payment fails and its money is released. Anything else — a refused signature
(401/403: our misconfiguration, not the payment's fault), a 404 (a wrong URL), an answer that
is not a status — is retried, and logged loudly.

``poll`` asks the treasury about instructions it has not called back about for a while
(``treasury_poll_after_seconds``): the fallback when callbacks are lost (the treasury gives
up calling back while finance or the gateway is down). An instruction the treasury says it
never received is sent again (one exported in a file is waited for). Instructions in flight
are asked about first, the longest unheard of first, so that a lost callback is recovered
within a pass or two however many file instructions wait to be loaded (a payroll paid by
file is a thousand and more); those are asked about only every
``treasury_file_poll_after_seconds``, with what is left of the pass.

One instruction's failure never holds up the others: each is tried on its own, a failure is
recorded on it (``last_error``) and it goes to the back of the queue. While the treasury is
unreachable the rest of a pass waits for the next one instead of timing out one by one.
Sends and polls go ``concurrency`` at a time, and a pass sends every due instruction (up to
``drain_batches`` batches), so a payroll's backlog after an outage drains in one pass.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, func, or_
from sqlmodel import Session, col, select

from services.finance.treasury.client import (
    StatusReport,
    TreasuryClient,
    TreasuryRefused,
    TreasuryUnavailable,
)
from services.finance.treasury.models import Channel, Instruction, InstructionStatus
from services.finance.treasury.status import StatusHandlers, lock_row, locked
from shared.db import after_commit, unit_of_work
from shared.deps import from_app_state
from shared.outbox import backoff_seconds
from shared.types import utcnow

log = logging.getLogger("finance.treasury")
_PERMANENT = frozenset({400, 409, 422})
POLLER = "system:treasury-poller"
SUBMITTER = "system:treasury-submitter"


@dataclass
class Sender:
    engine: Engine  # the writing engine
    read_engine: Engine
    client: TreasuryClient
    statuses: StatusHandlers
    poll_after_seconds: float = 60.0
    file_poll_after_seconds: float = 600.0
    batch: int = 200
    # instructions sent or polled at once (in_turns)
    concurrency: int = 4
    # batches of unsent instructions one pass may send (send_due)
    drain_batches: int = 25

    def _apply(
        self, instruction_id: str, report: StatusReport, actor: str, *, sent: bool = False
    ) -> None:
        """Apply ``report`` in one transaction (counting the attempt that got it when
        ``sent``); a failure to apply it is recorded on the instruction instead."""
        try:
            with unit_of_work(self.engine) as session:
                instruction = lock_row(session, instruction_id)
                if instruction is None:
                    return
                instruction.attempts += 1 if sent else 0
                instruction.last_error = None
                self.statuses.apply(session, instruction, report, actor)
        except Exception as exc:
            log.exception("applying %s to %s failed", report.status, instruction_id)
            self._failed(instruction_id, f"applying {report.status}: {exc}", sent=sent)

    def _failed(self, instruction_id: str, error: str, *, sent: bool = True) -> None:
        """Record a failure and put the instruction at the back of both queues."""
        with unit_of_work(self.engine) as session:
            instruction = locked(session, instruction_id)
            if instruction is None:
                return
            instruction.attempts += 1 if sent else 0
            instruction.last_error = error[:2000]
            delay = backoff_seconds(max(1, instruction.attempts), cap=300.0)
            instruction.next_attempt_at = utcnow() + timedelta(seconds=delay)
            instruction.last_heard_at = utcnow()
            session.add(instruction)

    def send(
        self,
        instruction_id: str,
        *,
        retries: int | None = None,
        payload: dict[str, Any] | None = None,
    ) -> bool:
        """Send one unsent instruction; False when the treasury could not be reached.

        ``payload``: the body of an instruction just committed ``unsent`` (it is not read
        again; were it sent meanwhile by the worker, the treasury keys it by id)."""
        body = payload if payload is not None else self._unsent_payload(instruction_id)
        if body is None:
            return True
        try:
            report = self.client.submit(body, retries=retries)
        except TreasuryUnavailable as exc:
            log.warning("treasury unavailable for %s: %s", instruction_id, exc)
            self._failed(instruction_id, str(exc))
            return False
        except TreasuryRefused as exc:
            if exc.status not in _PERMANENT:
                log.error("treasury refused %s (check URL and secrets): %s", instruction_id, exc)
                self._failed(instruction_id, str(exc))
                return True
            log.warning("treasury refused %s for good: %s", instruction_id, exc)
            report = StatusReport(
                instruction_id, InstructionStatus.REJECTED, "NARR", f"{exc.code}: {exc.detail}"
            )
        self._apply(instruction_id, report, SUBMITTER, sent=True)
        return True

    def _unsent_payload(self, instruction_id: str) -> dict[str, Any] | None:
        with unit_of_work(self.read_engine) as session:
            instruction = session.get(Instruction, instruction_id)
            if (
                instruction is None
                or instruction.status != InstructionStatus.UNSENT
                or instruction.channel != Channel.API
            ):
                return None
            return dict(instruction.payload)

    def send_after_commit(
        self, session: Session, instruction_id: str, payload: dict[str, Any] | None = None
    ) -> None:
        """Send the instruction ``session`` wrote once its unit of work has committed: one
        quick attempt (if the treasury does not answer, the worker keeps trying). Pass its
        ``payload`` to spare reading it back."""
        body = None if payload is None else dict(payload)
        after_commit(session, partial(self.send, instruction_id, retries=0, payload=body))

    def send_many_after_commit(self, session: Session, instruction_ids: list[str]) -> None:
        """Send many instructions once ``session`` has committed, on threads of their own
        (``in_turns``, one attempt each), so the request that wrote them answers at once (a
        payroll run's thousand transfers would outlast the gateway's timeout); what is still
        unsent (the treasury unreachable, or the process stopped) the worker sends."""
        ids = list(instruction_ids)
        if ids:
            send = partial(self.send, retries=0)
            after_commit(
                session,
                lambda: threading.Thread(
                    target=self.in_turns, args=(ids, send), name="treasury-send-batch", daemon=True
                ).start(),
            )

    def in_turns(self, ids: list[str], act: Callable[[str], bool]) -> int:
        """``act`` on each of ``ids`` (send or poll), ``concurrency`` threads taking them in
        turn, each id by one thread only, and return how many were taken. An act waits mostly
        on the treasury's answer, so a few in flight keep both sides busy. Once an act finds
        the treasury unreachable (False) no thread takes another: the rest wait for a later
        pass instead of each failing (and backing off) in turn."""
        turns = iter(ids)
        lock = threading.Lock()
        down = threading.Event()
        taken = 0

        def take() -> str | None:
            nonlocal taken
            with lock:
                item = None if down.is_set() else next(turns, None)
                taken += item is not None
                return item

        def act_in_turn() -> None:
            while (instruction_id := take()) is not None:
                try:
                    if not act(instruction_id):
                        down.set()
                except Exception:  # a later pass tries it again
                    log.exception("treasury work on instruction %s failed", instruction_id)

        threads = [
            threading.Thread(target=act_in_turn, name=f"treasury-send-{n}", daemon=True)
            for n in range(min(self.concurrency, len(ids)))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return taken

    def _due(self) -> list[str]:
        with unit_of_work(self.read_engine) as session:
            return list(
                session.exec(
                    select(Instruction.instruction_id)
                    .where(
                        Instruction.status == InstructionStatus.UNSENT,
                        Instruction.channel == Channel.API,
                        col(Instruction.next_attempt_at) <= utcnow(),
                    )
                    .order_by(col(Instruction.next_attempt_at))
                    .limit(self.batch)
                ).all()
            )

    def send_due(self) -> int:
        """Send unsent instructions whose time has come, ``batch`` at a time (``in_turns``),
        until none is due, the treasury cannot be reached, or ``drain_batches`` were sent (a
        backlog after an outage drains in one pass, not one batch a pass); return how many
        were tried. Each try that fails waits out its backoff, so a pass always ends."""
        tried = 0
        for _ in range(self.drain_batches):
            due = self._due()
            taken = self.in_turns(due, self.send) if due else 0
            tried += taken
            if taken < len(due) or len(due) < self.batch:
                break  # the treasury is down, or nothing more is due
        return tried

    def poll(self, instruction_id: str) -> bool:
        """Ask about one instruction; False when the treasury could not be reached."""
        try:
            report = self.client.status(instruction_id)
        except TreasuryUnavailable as exc:
            log.warning("polling %s failed: %s", instruction_id, exc)
            return False
        except TreasuryRefused as exc:
            log.error("treasury refused the poll of %s: %s", instruction_id, exc)
            self._failed(instruction_id, str(exc), sent=False)
            return True
        if report is None:
            self._resend(instruction_id)  # (a file the treasury has not loaded yet: wait)
            return True
        self._apply(instruction_id, report, POLLER)
        return True

    def _resend(self, instruction_id: str) -> None:
        with unit_of_work(self.engine) as session:
            instruction = locked(session, instruction_id)
            if instruction is None or instruction.status != InstructionStatus.RECEIVED:
                if instruction is not None:
                    instruction.last_heard_at = utcnow()  # asked: back of the queue
                return
            log.warning("treasury does not know %s; sending it again", instruction_id)
            instruction.status = InstructionStatus.UNSENT
            instruction.next_attempt_at = utcnow()
            session.add(instruction)
        self.send(instruction_id)

    def quiet(self) -> list[str]:
        """What to poll now, at most ``batch``: instructions in flight (received, accepted)
        not heard of for ``poll_after_seconds``, never heard of first, then the oldest heard
        of; after them, instructions exported in a file and not loaded yet, quiet for
        ``file_poll_after_seconds`` since their export or their last poll."""
        now = utcnow()
        heard = col(Instruction.last_heard_at)
        with unit_of_work(self.read_engine) as session:
            in_flight = session.exec(
                select(Instruction.instruction_id)
                .where(
                    col(Instruction.status).in_(
                        [InstructionStatus.RECEIVED, InstructionStatus.ACCEPTED]
                    ),
                    or_(
                        heard.is_(None),
                        heard <= now - timedelta(seconds=self.poll_after_seconds),
                    ),
                )
                .order_by(heard.asc().nulls_first())
                .limit(self.batch)
            ).all()
            room = self.batch - len(in_flight)
            if room <= 0:
                return list(in_flight)
            asked = func.coalesce(heard, col(Instruction.created_at))
            waiting = session.exec(
                select(Instruction.instruction_id)
                .where(
                    col(Instruction.status) == InstructionStatus.UNSENT,
                    col(Instruction.channel) == Channel.FILE,
                    asked <= now - timedelta(seconds=self.file_poll_after_seconds),
                )
                .order_by(asked)
                .limit(room)
            ).all()
        return [*in_flight, *waiting]

    def poll_quiet(self) -> int:
        """Poll what the treasury has been quiet about (``quiet``, ``in_turns``); a pass stops
        at the first poll that cannot reach the treasury."""
        return self.in_turns(self.quiet(), self.poll)

    def run_once(self) -> tuple[int, int]:
        return self.send_due(), self.poll_quiet()


SenderDep = Annotated[Sender, Depends(from_app_state("treasury_sender", Sender))]
