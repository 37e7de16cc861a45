"""Following the treasury: each payroll transfer follows its instruction, and its run
follows its transfers.

- Settled: the reservation on the unit's 301 line is consumed and Dr 2201 / Cr 4001 posted
  (keyed by the transfer); once every transfer of the run is settled (or superseded by a
  later attempt) the run is ``closed``.
- Rejected: the transfer is ``failed``, an exception to re-pay (``payment.repay``).
- Returned by the payee's bank: the settlement is reversed and the money reserved again; a
  closed run goes back to ``paid`` until the re-payment settles.
- Run moves are audited (``Follower``) and only move a run in the state they expect, so a
  state heard twice changes it once.
- Until its transfers are done they keep their unit open (``in_flight``), as does a run
  approved and not yet paid (``approved_unpaid``).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, distinct, func, update
from sqlalchemy import select as core
from sqlmodel import Session, col, select

from services.finance.budget import availability
from services.finance.ledger import posting
from services.finance.ledger.chart import APPROPRIATION_REVENUE, PAYROLL_PAYABLE, QUOTA_FUND
from services.finance.ledger.models import EntrySource, JournalEntry
from services.finance.payroll.decisions import draws
from services.finance.payroll.models import (
    OPEN,
    PayrollRun,
    PayrollTransfer,
    Payslip,
    RunStatus,
    TransferStatus,
)
from services.finance.payroll.service import get_run
from services.finance.periods import service as periods
from services.finance.treasury.models import InstructionStatus as Status
from services.finance.treasury.status import Change
from shared.audit import AuditLog
from shared.bulk import table_of
from shared.changes import record_change
from shared.context import Principal
from shared.types import today, utcnow

_TRANSFERS: Any = table_of(PayrollTransfer)

_LOCK = core(_TRANSFERS).where(_TRANSFERS.c.id == bindparam("tid")).with_for_update()
_SET = update(_TRANSFERS).where(_TRANSFERS.c.id == bindparam("tid"))


_OPEN_LEFT = (
    core(func.count())
    .select_from(_TRANSFERS)
    .where(
        _TRANSFERS.c.run_id == bindparam("run_id"),
        _TRANSFERS.c.status.not_in([TransferStatus.SETTLED, TransferStatus.SUPERSEDED]),
    )
)


def _close_if_settled(session: Session, audit: AuditLog, run_id: uuid.UUID, actor: str) -> None:
    """A paid run whose transfers are all settled (or superseded) is ``closed``. Counted again
    under the run's lock: a return committed meanwhile (``_reopen`` takes the same lock) keeps
    it open. (Two settlements never count at once: each posts its entry first, and the
    ledger's entry numbering makes the second wait for the first to commit.)"""
    conn = session.connection()
    if conn.execute(_OPEN_LEFT, {"run_id": run_id}).scalar_one() == 0:
        run = get_run(session, run_id, lock=True)
        if (
            run.status == RunStatus.PAID
            and conn.execute(_OPEN_LEFT, {"run_id": run_id}).scalar_one() == 0
        ):
            run.status, run.closed_at = RunStatus.CLOSED, utcnow()
            _audit_run(session, audit, run, RunStatus.PAID, "closed", actor)


def _reopen(session: Session, audit: AuditLog, run_id: uuid.UUID, change: Change) -> None:
    """A closed run one of whose transfers came back is ``paid`` again: a payee is owed."""
    run = get_run(session, run_id, lock=True)
    if run.status == RunStatus.CLOSED:
        run.status, run.closed_at = RunStatus.PAID, None
        _audit_run(
            session,
            audit,
            run,
            RunStatus.CLOSED,
            "reopened",
            change.actor,
            returned=change.instruction.instruction_id,
            reason_code=change.instruction.reason_code,
        )


def _audit_run(
    session: Session,
    audit: AuditLog,
    run: PayrollRun,
    before: RunStatus,
    action: str,
    actor: str,
    **after: object,
) -> None:
    """A run's state moved by its transfers, audited as the treasury's report's actor."""
    record_change(
        session,
        audit,
        run,
        action=f"payroll_run.{action}",
        resource_type="payroll_run",
        before={"status": before},
        after={"status": run.status, **after},
        principal=Principal(sub=actor),
    )


def _run_of(session: Session, run_id: uuid.UUID) -> tuple[int, int]:
    row = session.exec(
        select(PayrollRun.year, PayrollRun.month).where(PayrollRun.id == run_id)
    ).one()
    return row[0], row[1]


class Follower:
    """The ``payroll`` kind's handler of ``StatusHandlers`` (registered in ``main.py``): the
    transfer follows its instruction (``follow``), and its run follows the transfer, closed
    once every transfer is settled and back to ``paid`` when one of them is returned, each
    change of the run audited in ``audit``."""

    def __init__(self, audit: AuditLog) -> None:
        self.audit = audit

    def __call__(self, session: Session, change: Change) -> None:
        run_id, status = follow(session, change)
        if status == TransferStatus.SETTLED:
            _close_if_settled(session, self.audit, run_id, change.actor)
        elif status == TransferStatus.RETURNED:
            _reopen(session, self.audit, run_id, change)


def follow(session: Session, change: Change) -> tuple[uuid.UUID, str | None]:
    """What a state of a transfer's instruction does to it; its run and its new status (None:
    a state that changes nothing but the reason)."""
    conn = session.connection()
    t = conn.execute(_LOCK, {"tid": change.instruction.subject_id}).one()
    values: dict[str, Any] = {
        "reason_code": change.instruction.reason_code,
        "reason": change.instruction.reason,
        "updated_at": utcnow(),
    }
    if change.new == Status.RECEIVED:
        values["status"] = TransferStatus.SUBMITTED
    elif change.new == Status.ACCEPTED:
        values["status"] = TransferStatus.ACCEPTED
    elif change.new == Status.REJECTED:
        values["status"] = TransferStatus.FAILED
    elif change.new == Status.SETTLED:
        year, month = _run_of(session, t.run_id)
        availability.consume(session, draws(session, year, month, t.unit_id), t.amount)
        entry = posting.post(
            session,
            entry_date=periods.posting_day(session, today()),
            memo=f"Payroll {year}-{month:02d} paid to {t.payee_name}",
            lines=[
                posting.LineSpec(
                    account=PAYROLL_PAYABLE,
                    unit_id=t.unit_id,
                    debit=t.amount,
                    fund_source=QUOTA_FUND,
                ),
                posting.LineSpec(
                    account=APPROPRIATION_REVENUE,
                    unit_id=t.unit_id,
                    credit=t.amount,
                    fund_source=QUOTA_FUND,
                ),
            ],
            source=EntrySource.PAYROLL_PAYMENT,
            source_ref=str(t.id),
            posted_by=change.actor,
        )
        values.update(status=TransferStatus.SETTLED, entry_id=entry.id)
    elif change.new == Status.RETURNED:
        year, month = _run_of(session, t.run_id)
        rows = draws(session, year, month, t.unit_id)
        availability.refund(session, rows, t.amount)
        availability.reserve(session, rows, t.amount)  # owed again: held for the re-payment
        settled = session.get(JournalEntry, t.entry_id)
        assert settled is not None
        posting.reverse(
            session,
            settled,
            entry_date=today(),
            memo=f"Payroll transfer to {t.payee_name} returned ({change.instruction.reason_code})",
            posted_by=change.actor,
            source=EntrySource.PAYROLL_RETURN,
        )
        values["status"] = TransferStatus.RETURNED
    conn.execute(_SET.values(**values), {"tid": t.id})
    return t.run_id, values.get("status")


def in_flight(session: Session, unit_id: uuid.UUID) -> int:
    """How many of the unit's payroll transfers are not done: under way, or an exception
    (account-less, failed, returned) still to be re-paid, its money reserved on the unit's
    301 line. A settled transfer is done, and so is one superseded by a later attempt."""
    return session.exec(
        select(func.count())
        .select_from(PayrollTransfer)
        .where(PayrollTransfer.unit_id == unit_id, col(PayrollTransfer.status).in_(list(OPEN)))
    ).one()


def approved_unpaid(session: Session, unit_id: uuid.UUID) -> int:
    """How many approved runs not yet paid pay someone of the unit (the unit's gross is
    reserved on its 301 line, and paying writes its transfers)."""
    return session.exec(
        select(func.count(distinct(col(PayrollRun.id))))
        .join(Payslip, col(Payslip.run_id) == PayrollRun.id)
        .where(PayrollRun.status == RunStatus.APPROVED, Payslip.unit_id == unit_id)
    ).one()
