"""Reading and changing the sandbox's tables; every change of state is one transaction with
the booking and the callback it causes (so neither is lost nor sent without the other)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    and_,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from deploy.treasury.config import TreasurySettings
from deploy.treasury.protocol import Instruction, InstructionStatus
from deploy.treasury.rules import judge
from deploy.treasury.tables import callbacks, entries, instructions
from shared.db import for_writing
from shared.problems import Conflict, NotFound
from shared.types import today

# the states an instruction moves out of by itself when ``due_at`` comes
_MOVING = ("received", "accepted")


@dataclass(frozen=True)
class CallbackPlan:
    """How the callbacks of a change are sent: the control's mode and delay at that moment."""

    mode: str
    delay_seconds: float


@dataclass(frozen=True)
class PendingCallback:
    event_id: str
    body: bytes


@dataclass(frozen=True)
class Entry:
    """One booking on the treasury single account, with what a statement line shows."""

    reference: str
    booked_on: date
    direction: str
    code: str
    amount: str
    currency: str
    instruction_id: str
    counterparty_name: str
    counterparty_account: str


def status_of(row: Row[Any]) -> InstructionStatus:
    return InstructionStatus(
        instruction_id=row.instruction_id,
        kind=row.kind,
        status=row.status,
        reason_code=row.reason_code,
        reason=row.reason,
        amount=row.amount,
        currency=row.currency,
        received_at=row.received_at,
        updated_at=row.updated_at,
        settled_on=row.settled_on,
    )


class Store:
    def __init__(self, engine: Engine, settings: TreasurySettings) -> None:
        self.engine = engine
        self.write_engine = for_writing(engine)
        self.settings = settings

    # ---- instructions ----------------------------------------------------------------------

    def submit(self, instruction: Instruction, now: datetime) -> tuple[InstructionStatus, bool]:
        """Store a new instruction (``True``), or answer the stored one when the same id comes
        with the same content (``False``); the same id with other content is a conflict."""
        canonical = instruction.canonical()
        try:
            with self.write_engine.begin() as conn:
                row = self._row(conn, instruction.instruction_id)
                if row is None:
                    conn.execute(
                        insert(instructions).values(
                            instruction_id=instruction.instruction_id,
                            kind=instruction.kind,
                            canonical=canonical,
                            debtor_name=instruction.debtor.name,
                            debtor_account=instruction.debtor.account,
                            creditor_name=instruction.creditor.name,
                            creditor_account=instruction.creditor.account,
                            amount=instruction.amount,
                            currency=instruction.currency,
                            status="received",
                            received_at=now,
                            updated_at=now,
                            due_at=now + timedelta(seconds=self.settings.accept_delay_seconds),
                        )
                    )
                    created = self._row(conn, instruction.instruction_id)
                    assert created is not None
                    return status_of(created), True
        except IntegrityError:
            # a concurrent submission of the same id won (PostgreSQL): judge against it
            with self.engine.connect() as conn:
                row = self._row(conn, instruction.instruction_id)
            assert row is not None
        if row.canonical != canonical:
            raise Conflict(
                "INSTRUCTION_ID_REUSED",
                f"instruction {instruction.instruction_id} was received with other content",
            )
        return status_of(row), False

    def get(self, instruction_id: str) -> InstructionStatus:
        with self.engine.connect() as conn:
            row = self._row(conn, instruction_id)
        if row is None:
            raise NotFound("instruction", instruction_id)
        return status_of(row)

    @staticmethod
    def _row(conn: Connection, instruction_id: str) -> Row[Any] | None:
        return conn.execute(
            select(instructions).where(instructions.c.instruction_id == instruction_id)
        ).first()

    def advance_due(self, now: datetime, plan: CallbackPlan, limit: int = 100) -> int:
        """Take every instruction whose step is due one step on: ``received`` → ``accepted``
        or ``rejected`` (rules.py); ``accepted`` → ``settled`` on today's date (Asia/Shanghai),
        booked on the account. Returns how many moved."""
        moved = 0
        with self.write_engine.begin() as conn:
            due = conn.execute(
                select(instructions)
                .where(instructions.c.due_at <= now, instructions.c.status.in_(_MOVING))
                .order_by(instructions.c.due_at)
                .limit(limit)
            ).all()
            for row in due:
                values: dict[str, Any] = {"due_at": None}
                if row.status == "received":
                    rejection = judge(self.settings, row.creditor_account, Decimal(row.amount))
                    if rejection is None:
                        values["status"] = "accepted"
                        values["due_at"] = now + timedelta(
                            seconds=self.settings.settle_delay_seconds
                        )
                    else:
                        values.update(
                            status="rejected", reason_code=rejection.code, reason=rejection.reason
                        )
                else:
                    values.update(status="settled", settled_on=today())
                changed = self._move(conn, row.instruction_id, row.status, values, now, plan)
                if changed is not None and changed.status == "settled":
                    debit = changed.kind == "payment"
                    self._book(
                        conn,
                        changed,
                        changed.settled_on,
                        "DBIT" if debit else "CRDT",
                        "PMNT" if debit else "RMTC",
                    )
                moved += changed is not None
        return moved

    def return_payment(
        self, instruction_id: str, code: str, reason: str, now: datetime, plan: CallbackPlan
    ) -> InstructionStatus:
        """A settled payment comes back: ``returned``, credited to the account today."""
        with self.write_engine.begin() as conn:
            row = self._row(conn, instruction_id)
            if row is None:
                raise NotFound("instruction", instruction_id)
            if row.kind != "payment" or row.status != "settled":
                raise Conflict(
                    "INSTRUCTION_NOT_RETURNABLE",
                    f"only a settled payment can be returned; {instruction_id} is a "
                    f"{row.status} {row.kind}",
                )
            values = {"status": "returned", "reason_code": code, "reason": reason}
            changed = self._move(conn, instruction_id, "settled", values, now, plan)
            if changed is None:  # pragma: no cover - the write lock makes this impossible
                raise Conflict("INSTRUCTION_NOT_RETURNABLE", f"{instruction_id} changed meanwhile")
            self._book(conn, changed, today(), "CRDT", "RTRN")
            return status_of(changed)

    def _move(
        self,
        conn: Connection,
        instruction_id: str,
        from_status: str,
        values: dict[str, Any],
        now: datetime,
        plan: CallbackPlan,
    ) -> Row[Any] | None:
        """Change the state (only if still ``from_status``) and record its callback."""
        done = conn.execute(
            update(instructions)
            .where(
                instructions.c.instruction_id == instruction_id,
                instructions.c.status == from_status,
            )
            .values(updated_at=now, **values)
        )
        if done.rowcount != 1:
            return None
        row = self._row(conn, instruction_id)
        assert row is not None
        self._add_callback(conn, row, now, plan)
        return row

    @staticmethod
    def _book(conn: Connection, row: Row[Any], on: date, direction: str, code: str) -> None:
        conn.execute(
            insert(entries).values(
                instruction_id=row.instruction_id,
                booked_on=on,
                direction=direction,
                code=code,
                amount=row.amount,
            )
        )

    # ---- callbacks -------------------------------------------------------------------------

    def _add_callback(
        self, conn: Connection, row: Row[Any], now: datetime, plan: CallbackPlan
    ) -> None:
        event_id = f"evt_{uuid.uuid4().hex}"
        body = {
            "type": "payment.status",
            "event_id": event_id,
            "instruction_id": row.instruction_id,
            "kind": row.kind,
            "status": row.status,
            "reason_code": row.reason_code,
            "reason": row.reason,
            "amount": row.amount,
            "currency": row.currency,
            "settled_on": row.settled_on.isoformat() if row.settled_on else None,
            "occurred_at": now.isoformat().replace("+00:00", "Z"),
        }
        delay = plan.delay_seconds if plan.mode == "delay" else 0.0
        conn.execute(
            insert(callbacks).values(
                event_id=event_id,
                instruction_id=row.instruction_id,
                body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
                state="dropped" if plan.mode == "drop" else "pending",
                copies_wanted=2 if plan.mode == "duplicate" else 1,
                copies_sent=0,
                attempts=0,
                due_at=None if plan.mode == "drop" else now + timedelta(seconds=delay),
                created_at=now,
            )
        )

    def claim_due_callbacks(
        self, now: datetime, lease_seconds: float, limit: int = 50
    ) -> list[PendingCallback]:
        """The callbacks due now, each leased (``due_at`` moved past the send's timeout) so
        that no other pass takes it; a lease left by a stopped process simply expires.

        The callbacks of one instruction go out in order: one waits while an earlier one of
        the same instruction is still pending (in flight or backing off)."""
        claimed: list[PendingCallback] = []
        lease = now + timedelta(seconds=lease_seconds)
        with self.write_engine.begin() as conn:
            due = conn.execute(
                select(callbacks.c.event_id, callbacks.c.body, callbacks.c.due_at)
                .where(_first_pending(), callbacks.c.due_at <= now)
                .order_by(callbacks.c.due_at)
                .limit(limit)
            ).all()
            for row in due:
                taken = conn.execute(
                    update(callbacks)
                    .where(callbacks.c.event_id == row.event_id, callbacks.c.due_at == row.due_at)
                    .values(due_at=lease)
                )
                if taken.rowcount == 1:
                    claimed.append(PendingCallback(row.event_id, row.body.encode()))
        return claimed

    def release_callbacks(self, event_ids: list[str], now: datetime) -> None:
        """Give up the leases of callbacks still pending: due again now."""
        with self.write_engine.begin() as conn:
            conn.execute(
                update(callbacks)
                .where(callbacks.c.event_id.in_(event_ids), callbacks.c.state == "pending")
                .values(due_at=now)
            )

    def callback_sent(self, event_id: str, now: datetime) -> None:
        """One copy arrived; in duplicate mode the second copy is due at once."""
        with self.write_engine.begin() as conn:
            row = conn.execute(select(callbacks).where(callbacks.c.event_id == event_id)).one()
            sent = row.copies_sent + 1
            finished = sent >= row.copies_wanted
            conn.execute(
                update(callbacks)
                .where(callbacks.c.event_id == event_id)
                .values(
                    copies_sent=sent,
                    attempts=0,
                    last_error=None,
                    state="delivered" if finished else "pending",
                    due_at=None if finished else now,
                )
            )

    def callback_failed(self, event_id: str, error: str, now: datetime) -> bool:
        """A try failed: due again after the backoff, or given up after the last attempt
        (returns ``True`` then)."""
        settings = self.settings
        with self.write_engine.begin() as conn:
            row = conn.execute(select(callbacks).where(callbacks.c.event_id == event_id)).one()
            attempts: int = row.attempts + 1
            gave_up = attempts >= settings.callback_attempts
            wait = settings.callback_backoff_seconds * 2 ** (attempts - 1)
            conn.execute(
                update(callbacks)
                .where(callbacks.c.event_id == event_id)
                .values(
                    attempts=attempts,
                    last_error=error[:200],
                    state="failed" if gave_up else "pending",
                    due_at=None if gave_up else now + timedelta(seconds=wait),
                )
            )
        return gave_up

    def next_due(self) -> datetime | None:
        """When the earliest instruction step or callback try is due (None: nothing is)."""
        with self.engine.connect() as conn:
            step = conn.execute(
                select(func.min(instructions.c.due_at)).where(instructions.c.status.in_(_MOVING))
            ).scalar()
            send = conn.execute(
                select(func.min(callbacks.c.due_at)).where(_first_pending())
            ).scalar()
        times: list[datetime] = [t for t in (step, send) if t is not None]
        return min(times) if times else None

    # ---- statements ------------------------------------------------------------------------

    def entries_on(self, day: date, account: str | None) -> list[Entry]:
        """The bookings of one day in booking order, optionally only those whose instruction
        names ``account`` as its debtor or creditor account."""
        i = instructions.c
        query = (
            select(
                entries,
                i.debtor_name,
                i.debtor_account,
                i.creditor_name,
                i.creditor_account,
                i.currency,
            )
            .join(instructions, entries.c.instruction_id == i.instruction_id)
            .where(entries.c.booked_on == day)
            .order_by(entries.c.id)
        )
        if account is not None:
            query = query.where(or_(i.debtor_account == account, i.creditor_account == account))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_entry(row) for row in rows]

    def balance_before(self, day: date, account: str | None) -> Decimal:
        """The account's balance at the start of ``day``: every earlier booking, credits in
        and debits out (the sandbox's account starts at zero)."""
        i = instructions.c
        query = (
            select(entries.c.direction, entries.c.amount)
            .join(instructions, entries.c.instruction_id == i.instruction_id)
            .where(entries.c.booked_on < day)
        )
        if account is not None:
            query = query.where(or_(i.debtor_account == account, i.creditor_account == account))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return sum(
            (Decimal(r.amount) if r.direction == "CRDT" else -Decimal(r.amount) for r in rows),
            Decimal("0.00"),
        )


def _first_pending() -> ColumnElement[bool]:
    """A pending callback with no earlier pending one of the same instruction."""
    earlier = callbacks.alias("earlier")
    return and_(
        callbacks.c.state == "pending",
        ~exists().where(
            earlier.c.instruction_id == callbacks.c.instruction_id,
            earlier.c.state == "pending",
            earlier.c.seq < callbacks.c.seq,
        ),
    )


def _entry(row: Row[Any]) -> Entry:
    # a payment's debit names whom it paid; a remittance's credit whom it came from; a
    # returned payment's credit comes back from the creditor it was paid to
    if row.code == "RMTC":
        name, account = row.debtor_name, row.debtor_account
    else:
        name, account = row.creditor_name, row.creditor_account
    return Entry(
        reference=f"TSA{row.booked_on:%Y%m%d}{row.id:08d}",
        booked_on=row.booked_on,
        direction=row.direction,
        code=row.code,
        amount=row.amount,
        currency=row.currency,
        instruction_id=row.instruction_id,
        counterparty_name=name,
        counterparty_account=account,
    )
