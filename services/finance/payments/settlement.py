"""A payment's way through the treasury, and what each treasury state does to it.

- Submitting writes the instruction (``unsent``) with the payment's move to ``submitting``;
  sending happens after commit and is retried until the treasury has it.
- received → ``submitted``; accepted → ``accepted``.
- settled → the reservation becomes payment and the expense is posted, exactly once: the
  entry is keyed by the payment (a second settlement of the same payment cannot post).
  Direct payments credit fiscal appropriation revenue (4001); authorized ones the unit's
  zero-balance quota (1011).
- rejected → ``failed`` with the reason code; the reservation is released.
- returned → ``returned``: what was paid is given back to the budget and the settlement
  entry is reversed.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from services.finance.budget import availability
from services.finance.ledger import posting
from services.finance.ledger.chart import APPROPRIATION_REVENUE, QUOTA_ACCOUNT
from services.finance.ledger.models import EntrySource, JournalEntry
from services.finance.payments.decisions import draws
from services.finance.payments.models import Method, Payment, PaymentStatus
from services.finance.payments.service import locked
from services.finance.periods import service as periods
from services.finance.treasury.models import (
    Channel,
    Instruction,
    InstructionKind,
    InstructionStatus,
)
from services.finance.treasury.sender import Sender
from services.finance.treasury.status import Change
from services.finance.units.models import BudgetUnit
from shared.audit import AuditLog
from shared.changes import record_change
from shared.context import Principal
from shared.problems import Conflict
from shared.types import today, utcnow


def instruction_id(payment: Payment) -> str:
    return f"PAY-{payment.number:08d}-{payment.id.hex[:8].upper()}"


def payload(
    payment: Payment, unit: BudgetUnit | None, tsa_name: str, tsa_account: str
) -> dict[str, Any]:
    """The instruction body the treasury receives (also the ISO 20022 EndToEndId); ``unit``
    pays an authorized payment (a direct one needs none)."""
    if payment.method == Method.DIRECT:
        debtor = {"name": tsa_name, "account": tsa_account}
    else:
        assert unit is not None
        debtor = {"name": unit.name, "account": unit.zba_account}
    return {
        "instruction_id": instruction_id(payment),
        "kind": InstructionKind.PAYMENT.value,
        "method": payment.method,
        "debtor": debtor,
        "creditor": {
            "name": payment.payee_name,
            "account": payment.payee_account,
            "bank": payment.payee_bank,
        },
        "amount": f"{payment.amount:.2f}",
        "currency": "CNY",
        "purpose": payment.purpose[:140],
        "requested_on": payment.due_on.isoformat(),
    }


def submit(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    payment: Payment,
    *,
    tsa_name: str,
    tsa_account: str,
    channel: Channel = Channel.API,
) -> Instruction:
    """Write the payment's instruction (the payment row is locked): for the submitter to send
    (``api``), or exported in a pain.001 file (``file``; exporting again re-exports it)."""
    if payment.status == PaymentStatus.SUBMITTING and channel == Channel.FILE:
        earlier = session.get(Instruction, payment.instruction_id)
        if earlier is not None and earlier.channel == Channel.FILE:
            return earlier
    if payment.status != PaymentStatus.APPROVED:
        raise Conflict(
            "PAYMENT_STATE",
            f"payment {payment.number} is {payment.status}; only an approved payment is submitted",
            state=payment.status,
        )
    unit = None  # (the unit pays an authorized payment; the treasury a direct one)
    if payment.method == Method.AUTHORIZED:
        unit = session.get(BudgetUnit, payment.unit_id)
        assert unit is not None
    body = payload(payment, unit, tsa_name, tsa_account)
    instruction = Instruction(
        instruction_id=body["instruction_id"],
        kind=InstructionKind.PAYMENT,
        subject_id=payment.id,
        payload=body,
        channel=channel,
    )
    session.add(instruction)
    payment.instruction_id = instruction.instruction_id
    payment.status = PaymentStatus.SUBMITTING
    record_change(
        session,
        audit,
        payment,
        action="payment.submitted",
        resource_type="payment",
        after={"instruction_id": instruction.instruction_id, "channel": channel},
        principal=principal,
    )
    return instruction


def submit_now(
    session: Session,
    audit: AuditLog,
    sender: Sender,
    principal: Principal,
    payment_id: uuid.UUID,
    *,
    tsa_name: str,
    tsa_account: str,
) -> Payment:
    """Submit an approved payment over the API: its instruction is written now and sent once
    the unit of work has committed (one quick attempt; the worker keeps trying after it)."""
    payment = locked(session, payment_id)
    instruction = submit(
        session, audit, principal, payment, tsa_name=tsa_name, tsa_account=tsa_account
    )
    sender.send_after_commit(session, instruction.instruction_id, instruction.payload)
    return payment


def _post_settlement(session: Session, payment: Any, settled_on: date, actor: str) -> JournalEntry:
    credit_account = QUOTA_ACCOUNT if payment.method == Method.AUTHORIZED else APPROPRIATION_REVENUE
    # (settled today, as nearly always: booked today whatever its month, no query)
    day = settled_on if settled_on == today() else periods.posting_day(session, settled_on)
    return posting.post(
        session,
        entry_date=day,
        memo=f"Payment {payment.number} to {payment.payee_name}: {payment.purpose}",
        lines=[
            posting.LineSpec(
                account=payment.expense_account,
                unit_id=payment.unit_id,
                debit=payment.amount,
                economic_class=payment.economic_class,
                fund_source=payment.fund_source,
            ),
            posting.LineSpec(
                account=credit_account,
                unit_id=payment.unit_id,
                credit=payment.amount,
                fund_source=payment.fund_source,
            ),
        ],
        source=EntrySource.PAYMENT,
        source_ref=str(payment.id),
        posted_by=actor,
    )


_PAYMENTS: Any = Payment.__table__  # type: ignore[attr-defined]
# what a settlement, a refusal or a return needs of the payment, its row locked
_LOCKED = (
    select(
        *(
            _PAYMENTS.c[name]
            for name in (
                "id",
                "number",
                "unit_id",
                "method",
                "payee_name",
                "amount",
                "purpose",
                "appropriation_id",
                "plan_id",
                "quota_id",
                "economic_class",
                "fund_source",
                "expense_account",
                "entry_id",
            )
        )
    )
    .where(_PAYMENTS.c.id == bindparam("payment_id"))
    .with_for_update()
)
_CHANGE = update(_PAYMENTS).where(_PAYMENTS.c.id == bindparam("payment_id"))


def follow(session: Session, change: Change) -> None:
    """What a state of the payment's instruction does to it (the ``payment`` kind's handler
    of ``StatusHandlers``, registered in ``main.py``).

    Core statements: a received or accepted instruction is one UPDATE of the payment (which
    locks its row); the others read the locked row first, for the money and the posting."""
    instruction = change.instruction
    conn = session.connection()
    payment_id = instruction.subject_id
    values: dict[str, Any] = {
        "reason_code": instruction.reason_code,
        "reason": instruction.reason,
        "version": _PAYMENTS.c.version + 1,
        "updated_at": utcnow(),
    }
    if change.new == InstructionStatus.RECEIVED:
        values["status"] = PaymentStatus.SUBMITTED
    elif change.new == InstructionStatus.ACCEPTED:
        values["status"] = PaymentStatus.ACCEPTED
    else:
        payment = conn.execute(_LOCKED, {"payment_id": payment_id}).one()
        if change.new == InstructionStatus.SETTLED:
            availability.consume(session, draws(payment), payment.amount)
            settled_on = min(instruction.settled_on or today(), today())
            entry = _post_settlement(session, payment, settled_on, change.actor)
            values.update(status=PaymentStatus.SETTLED, settled_on=settled_on, entry_id=entry.id)
        elif change.new == InstructionStatus.REJECTED:
            availability.release(session, draws(payment), payment.amount)
            values["status"] = PaymentStatus.FAILED
        elif change.new == InstructionStatus.RETURNED:
            availability.refund(session, draws(payment), payment.amount)
            settlement = session.get(JournalEntry, payment.entry_id)
            assert settlement is not None
            posting.reverse(
                session,
                settlement,
                entry_date=today(),
                memo=f"Payment {payment.number} returned ({instruction.reason_code})",
                posted_by=change.actor,
                source=EntrySource.PAYMENT_RETURN,
            )
            values["status"] = PaymentStatus.RETURNED
    updated = conn.execute(_CHANGE.values(**values), {"payment_id": payment_id}).rowcount
    assert updated == 1, f"no payment {payment_id} for instruction {instruction.instruction_id}"
