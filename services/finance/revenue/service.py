"""Revenue use cases: record a receipt, remit it in full, follow the remittance, report
what is still unremitted by age.

- Recording posts Dr 100201 revenue collection account / Cr 2103 revenue owed to the
  treasury for the unit: held for the treasury, never available to spend.
- Remitting sends the whole amount (never part, never netted against anything) through the
  treasury adapter; settled posts Dr 2103 / Cr 100201 and marks the receipt remitted. A
  rejected or returned remittance leaves (or puts) the receipt back as unremitted, to be
  remitted again under a new instruction id.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, select

from services.finance.counters import next_number
from services.finance.ledger import posting
from services.finance.ledger.chart import COLLECTION_ACCOUNT, OWED_TO_TREASURY
from services.finance.ledger.models import EntrySource
from services.finance.periods import service as periods
from services.finance.revenue.models import ReceiptStatus, RevenueKind, RevenueReceipt
from services.finance.revenue.schemas import AgingReport, AgingRow, ReceiptCreate, ReceiptPublic
from services.finance.treasury.models import Instruction, InstructionKind, InstructionStatus
from services.finance.treasury.sender import Sender
from services.finance.treasury.status import Change
from services.finance.units.models import BudgetUnit
from shared.audit import AuditLog
from shared.changes import record_change, touch
from shared.context import Principal
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound
from shared.scope import RowScope
from shared.types import today

ZERO = Decimal("0.00")


def record(
    session: Session,
    audit: AuditLog,
    *,
    data: ReceiptCreate,
    recorded_by: str,
    principal: Principal | None,
    source_event_id: uuid.UUID | None = None,
) -> RevenueReceipt:
    if data.received_on > today():
        raise Invalid("FUTURE_DATE", "a receipt cannot be dated in the future")
    unit = session.get(BudgetUnit, data.unit_id)
    if unit is None or not unit.active:
        raise Invalid("UNKNOWN_UNIT", f"{data.unit_id} is not an active budget unit")
    receipt = RevenueReceipt(
        **data.model_dump(),
        number=next_number(session, "receipt"),
        source_event_id=source_event_id,
        recorded_by=recorded_by,
    )
    session.add(receipt)
    session.flush()
    entry = posting.post(
        session,
        entry_date=periods.posting_day(session, data.received_on),
        memo=f"Revenue receipt {receipt.number} ({data.kind}) from {data.payer}",
        lines=[
            posting.LineSpec(account=COLLECTION_ACCOUNT, unit_id=unit.id, debit=data.amount),
            posting.LineSpec(account=OWED_TO_TREASURY, unit_id=unit.id, credit=data.amount),
        ],
        source=EntrySource.REVENUE,
        source_ref=str(receipt.id),
        posted_by=recorded_by,
    )
    receipt.entry_id = entry.id
    audit.record(
        session,
        action="revenue.recorded",
        resource_type="revenue_receipt",
        resource_id=receipt.id,
        after={**data.model_dump(mode="json"), "source_event_id": source_event_id},
        principal=principal,
    )
    return receipt


def public(receipt: RevenueReceipt) -> ReceiptPublic:
    return ReceiptPublic.model_validate(receipt, from_attributes=True)


def search(
    session: Session,
    params: PageParams,
    *,
    unit_id: uuid.UUID | None,
    status: ReceiptStatus | None,
    kind: RevenueKind | None,
) -> Page[ReceiptPublic]:
    query = select(RevenueReceipt)
    if unit_id is not None:
        query = query.where(RevenueReceipt.unit_id == unit_id)
    if status is not None:
        query = query.where(RevenueReceipt.status == status)
    if kind is not None:
        query = query.where(RevenueReceipt.kind == kind)
    return paginate(session, query, params, col(RevenueReceipt.number).desc(), view=public)


def get(session: Session, receipt_id: uuid.UUID, scope: RowScope) -> RevenueReceipt:
    receipt = session.get(RevenueReceipt, receipt_id)
    if receipt is None or not scope.allows(unit_id=receipt.unit_id):
        raise NotFound("revenue_receipt", receipt_id)
    return receipt


def fresh(session: Session, receipt: RevenueReceipt) -> RevenueReceipt:
    """The receipt as stored now (after what was done to it after the commit)."""
    session.refresh(receipt)
    return receipt


def unremitted(session: Session, unit_id: uuid.UUID) -> int:
    """How many of the unit's receipts are not remitted yet."""
    return session.exec(
        select(func.count())
        .select_from(RevenueReceipt)
        .where(
            RevenueReceipt.unit_id == unit_id,
            col(RevenueReceipt.status) != ReceiptStatus.REMITTED,
        )
    ).one()


def locked(session: Session, receipt_id: uuid.UUID) -> RevenueReceipt:
    receipt = session.get(RevenueReceipt, receipt_id, with_for_update=True, populate_existing=True)
    if receipt is None:
        raise NotFound("revenue_receipt", receipt_id)
    return receipt


def remit(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    receipt: RevenueReceipt,
    *,
    tsa_name: str,
    tsa_account: str,
) -> Instruction:
    """Write the remittance of the receipt's full amount (the receipt row is locked)."""
    if receipt.status != ReceiptStatus.UNREMITTED:
        raise Conflict(
            "RECEIPT_STATE",
            f"receipt {receipt.number} is {receipt.status}; only unremitted revenue is remitted",
        )
    unit = session.get(BudgetUnit, receipt.unit_id)
    if unit is None:
        raise NotFound("budget_unit", receipt.unit_id)
    receipt.remittances += 1
    instruction_id = f"RMT-{receipt.number:08d}-{receipt.remittances:02d}"
    payload = {
        "instruction_id": instruction_id,
        "kind": InstructionKind.REMITTANCE.value,
        "method": None,
        "debtor": {"name": unit.name, "account": unit.zba_account},
        "creditor": {"name": tsa_name, "account": tsa_account, "bank": "国库"},
        "amount": f"{receipt.amount:.2f}",
        "currency": "CNY",
        "purpose": f"非税收入上缴 {receipt.kind} {receipt.reference or receipt.number}",
        "requested_on": today().isoformat(),
    }
    instruction = Instruction(
        instruction_id=instruction_id,
        kind=InstructionKind.REMITTANCE,
        subject_id=receipt.id,
        payload=payload,
    )
    session.add(instruction)
    receipt.instruction_id = instruction_id
    receipt.status = ReceiptStatus.REMITTING
    record_change(
        session,
        audit,
        receipt,
        action="revenue.remitted",
        resource_type="revenue_receipt",
        after={"instruction_id": instruction_id, "amount": receipt.amount},
        principal=principal,
    )
    return instruction


def remit_now(
    session: Session,
    audit: AuditLog,
    sender: Sender,
    principal: Principal,
    receipt_id: uuid.UUID,
    *,
    tsa_name: str,
    tsa_account: str,
) -> RevenueReceipt:
    """Remit a receipt: the instruction is written now and sent once the unit of work has
    committed (one quick attempt; the worker keeps trying after it)."""
    receipt = locked(session, receipt_id)
    instruction = remit(
        session, audit, principal, receipt, tsa_name=tsa_name, tsa_account=tsa_account
    )
    sender.send_after_commit(session, instruction.instruction_id)
    return receipt


def _remittance_lines(receipt: RevenueReceipt) -> list[posting.LineSpec]:
    return [
        posting.LineSpec(account=OWED_TO_TREASURY, unit_id=receipt.unit_id, debit=receipt.amount),
        posting.LineSpec(
            account=COLLECTION_ACCOUNT, unit_id=receipt.unit_id, credit=receipt.amount
        ),
    ]


def follow(session: Session, change: Change) -> None:
    """What a state of the remittance's instruction does to the receipt (the ``remittance``
    kind's handler of ``StatusHandlers``, registered in ``main.py``)."""
    receipt = session.get(
        RevenueReceipt, change.instruction.subject_id, with_for_update=True, populate_existing=True
    )
    assert receipt is not None
    instruction = change.instruction
    if change.new == InstructionStatus.SETTLED:
        receipt.remitted_on = instruction.settled_on or today()
        posting.post(
            session,
            entry_date=today(),
            memo=f"Revenue receipt {receipt.number} remitted to the treasury",
            lines=_remittance_lines(receipt),
            source=EntrySource.REMITTANCE,
            source_ref=instruction.instruction_id,
            posted_by=change.actor,
        )
        receipt.status = ReceiptStatus.REMITTED
    elif change.new == InstructionStatus.REJECTED:
        receipt.status = ReceiptStatus.UNREMITTED
    elif change.new == InstructionStatus.RETURNED:
        # the treasury sent it back: owed again (a mirror entry of the remittance)
        mirror = [
            posting.LineSpec(account=s.account, unit_id=s.unit_id, debit=s.credit, credit=s.debit)
            for s in _remittance_lines(receipt)
        ]
        posting.post(
            session,
            entry_date=today(),
            memo=f"Remittance of receipt {receipt.number} returned ({instruction.reason_code})",
            lines=mirror,
            source=EntrySource.REMITTANCE,
            source_ref=f"{instruction.instruction_id}:returned",
            posted_by=change.actor,
        )
        receipt.status = ReceiptStatus.UNREMITTED
        receipt.remitted_on = None
    touch(receipt)
    session.add(receipt)


def aging(session: Session, *, as_of: date, unit_id: uuid.UUID | None) -> AgingReport:
    """Revenue received on or before ``as_of`` and not yet remitted, by unit and by age."""
    query = (
        select(RevenueReceipt, BudgetUnit.code)
        .join(BudgetUnit, col(BudgetUnit.id) == RevenueReceipt.unit_id)
        .where(
            col(RevenueReceipt.status) != ReceiptStatus.REMITTED,
            col(RevenueReceipt.received_on) <= as_of,
        )
    )
    if unit_id is not None:
        query = query.where(RevenueReceipt.unit_id == unit_id)
    buckets: dict[uuid.UUID, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    counts: dict[uuid.UUID, int] = defaultdict(int)
    oldest: dict[uuid.UUID, date] = {}
    codes: dict[uuid.UUID, str] = {}
    for receipt, code in session.exec(query):
        age = (as_of - receipt.received_on).days
        bucket = (
            "days_0_7"
            if age <= 7
            else "days_8_30"
            if age <= 30
            else "days_31_90"
            if age <= 90
            else "over_90"
        )
        buckets[receipt.unit_id][bucket] += receipt.amount
        counts[receipt.unit_id] += 1
        codes[receipt.unit_id] = code
        oldest[receipt.unit_id] = min(
            oldest.get(receipt.unit_id, receipt.received_on), receipt.received_on
        )
    rows = []
    for unit in sorted(codes, key=codes.__getitem__):
        b = buckets[unit]
        rows.append(
            AgingRow(
                unit_id=unit,
                unit_code=codes[unit],
                receipts=counts[unit],
                days_0_7=b["days_0_7"],
                days_8_30=b["days_8_30"],
                days_31_90=b["days_31_90"],
                over_90=b["over_90"],
                total=sum(b.values(), ZERO),
                oldest_received_on=oldest[unit],
            )
        )
    return AgingReport(as_of=as_of, rows=rows, total=sum((r.total for r in rows), ZERO))
