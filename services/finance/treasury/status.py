"""Applying what the treasury says about an instruction, from a callback or a poll alike.

A report only ever moves an instruction forward (received → accepted → settled → returned,
or → rejected); a late or repeated report of an earlier state changes nothing. The
instruction row is locked while a report is applied, so a callback and a poll arriving
together apply it once. Each state change is handed to the handler of the instruction's
kind (payments, remittances), in the same transaction: a settled payment's journal entry
commits together with the state that says it is settled, or neither does. ``main.py`` builds
the ``StatusHandlers`` of an app and registers each kind's handler on it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from services.finance.treasury.client import StatusReport
from services.finance.treasury.models import FINAL, RANK, Instruction, InstructionStatus
from shared.audit import AuditLog
from shared.context import Principal
from shared.deps import from_app_state
from shared.types import utcnow


@dataclass
class InstructionRow:
    """An instruction as a status report changes it: its row, locked, read and written back
    by Core statements (``lock_row``, ``StatusHandlers.apply``)."""

    instruction_id: str
    kind: str
    subject_id: uuid.UUID
    status: str
    reason_code: str | None
    reason: str | None
    settled_on: date | None
    attempts: int
    last_error: str | None
    updated_at: datetime


_INSTRUCTIONS: Any = Instruction.__table__  # type: ignore[attr-defined]
_ROW = tuple(f.name for f in fields(InstructionRow))
_LOCK_ROW = (
    select(*(_INSTRUCTIONS.c[name] for name in _ROW))
    .where(_INSTRUCTIONS.c.instruction_id == bindparam("iid"))
    .with_for_update()
)
_SAVE_ROW = (
    update(_INSTRUCTIONS)
    .where(_INSTRUCTIONS.c.instruction_id == bindparam("iid"))
    .values(
        {
            name: bindparam(f"new_{name}")
            for name in (*_ROW[3:], "last_heard_at")  # all but the id, kind and subject
        }
    )
)


@dataclass(frozen=True)
class Change:
    """One step an instruction took, for its kind's handler."""

    instruction: InstructionRow
    old: InstructionStatus
    new: InstructionStatus
    actor: str


Handler = Callable[[Session, Change], None]


def locked(session: Session, instruction_id: str) -> Instruction | None:
    return session.get(Instruction, instruction_id, with_for_update=True, populate_existing=True)


def lock_row(session: Session, instruction_id: str) -> InstructionRow | None:
    """The instruction's row, locked until the transaction ends (None: no such instruction)."""
    row = session.connection().execute(_LOCK_ROW, {"iid": instruction_id}).first()
    return None if row is None else InstructionRow(*row)


def _steps(old: InstructionStatus, new: InstructionStatus) -> list[InstructionStatus]:
    """The states to pass through: a return heard before the settlement settles first."""
    if old in FINAL or RANK[new] <= RANK[old]:
        return []
    if new == InstructionStatus.RETURNED and old != InstructionStatus.SETTLED:
        return [InstructionStatus.SETTLED, InstructionStatus.RETURNED]
    return [new]


@dataclass
class StatusHandlers:
    """What follows an instruction's state: the handler of each kind (it must not commit),
    and the audit log each step is recorded in."""

    audit: AuditLog
    handlers: dict[str, Handler] = field(default_factory=dict)

    def register(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    def apply(
        self, session: Session, instruction: InstructionRow, report: StatusReport, actor: str
    ) -> bool:
        """Apply ``report`` to the (locked) instruction and write it back (with whatever else
        the caller changed on it); True if its state changed."""
        try:
            new = InstructionStatus(report.status)
        except ValueError:
            return False
        changed = False
        for step in _steps(InstructionStatus(instruction.status), new):
            self._step(session, instruction, report, step, actor)
            changed = True
        values = {f"new_{name}": getattr(instruction, name) for name in _ROW[3:]}
        session.connection().execute(
            _SAVE_ROW, {"iid": instruction.instruction_id, "new_last_heard_at": utcnow(), **values}
        )
        return changed

    def _step(
        self,
        session: Session,
        instruction: InstructionRow,
        report: StatusReport,
        step: InstructionStatus,
        actor: str,
    ) -> None:
        old = InstructionStatus(instruction.status)
        instruction.status = step
        if step in (InstructionStatus.REJECTED, InstructionStatus.RETURNED):
            instruction.reason_code = report.reason_code
            instruction.reason = report.reason
        if step == InstructionStatus.SETTLED:
            instruction.settled_on = report.settled_on or instruction.settled_on
        instruction.updated_at = utcnow()
        self.handlers[instruction.kind](session, Change(instruction, old, step, actor))
        self.audit.record(
            session,
            action=f"instruction.{step}",
            resource_type="instruction",
            resource_id=instruction.instruction_id,
            before={"status": old},
            after={
                "status": step,
                "reason_code": instruction.reason_code,
                "settled_on": instruction.settled_on,
            },
            principal=Principal(sub=actor),
        )


StatusHandlersDep = Annotated[
    StatusHandlers, Depends(from_app_state("treasury_statuses", StatusHandlers))
]
