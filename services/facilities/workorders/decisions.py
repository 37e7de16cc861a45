"""The life of a work order: triage, assignment, work, completion, verification and
cancellation (service layer of ``workorders``). Functions only flush.

    requested → triaged → assigned → in_progress → done → verified
    requested | triaged | assigned → cancelled

A step from any other state is refused (409 ``INVALID_TRANSITION``, nothing changed); an
order already at work or done is not cancelled (409 ``NOT_CANCELLABLE``). Triage may run
again before assignment (a new priority resets the clocks), and an assigned order may be
given to someone else. Verification is a second person's check (maker–checker): whoever
completed the work, or was assigned it, cannot verify it (403 ``SELF_VERIFICATION``). Each
step is timestamped on the order, kept in the steps table with its note, versioned
(``If-Match``) and audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from services.facilities.workorders.access import order_in_scope
from services.facilities.workorders.models import Status, Step, WorkOrder
from services.facilities.workorders.schemas import Assignment, Cancellation, StepNote, Triage
from services.facilities.workorders.service import audited, deadlines
from shared.audit import AuditLog
from shared.changes import record_change
from shared.concurrency import check_version
from shared.context import actor
from shared.problems import Conflict, Forbidden
from shared.types import utcnow

CANCELLABLE = (Status.REQUESTED, Status.TRIAGED, Status.ASSIGNED)


def _open(
    session: Session,
    order_id: uuid.UUID,
    expected_version: int | None,
    to: Status,
    allowed: tuple[Status, ...],
) -> WorkOrder:
    row = order_in_scope(session, order_id, lock=True)
    check_version("work order", row.version, expected_version)
    if row.status not in allowed:
        if to == Status.CANCELLED:
            raise Conflict("NOT_CANCELLABLE", f"a {row.status} order is not cancelled")
        raise Conflict("INVALID_TRANSITION", f"a {row.status} order does not become {to}")
    return row


def _step(
    session: Session,
    audit: AuditLog,
    row: WorkOrder,
    to: Status,
    note: str | None,
    **fields: Any,
) -> WorkOrder:
    before = audited(row)
    now = utcnow()
    by = actor()
    session.add(Step(work_order_id=row.id, from_status=row.status, to_status=to, at=now, by=by,
                     note=note))  # fmt: skip
    stamp = {
        Status.TRIAGED: "triaged_at",
        Status.ASSIGNED: "assigned_at",
        Status.IN_PROGRESS: "started_at",
        Status.DONE: "done_at",
        Status.VERIFIED: "verified_at",
        Status.CANCELLED: "cancelled_at",
    }[to]
    setattr(row, stamp, now)
    for name, value in fields.items():
        setattr(row, name, value)
    row.status = to
    return record_change(
        session,
        audit,
        row,
        action=f"work_order.{to}",
        resource_type="work_order",
        before=before,
        after={**audited(row), "note": note},
    )


def triage(
    session: Session,
    audit: AuditLog,
    order_id: uuid.UUID,
    *,
    data: Triage,
    expected_version: int | None,
) -> WorkOrder:
    row = _open(session, order_id, expected_version, Status.TRIAGED,
                (Status.REQUESTED, Status.TRIAGED))  # fmt: skip
    fields: dict[str, Any] = {"priority": data.priority}
    if data.priority != row.priority:
        respond, resolve = deadlines(session, data.priority, row.requested_at)
        if row.due_on is not None:  # a plan's occurrence keeps at least its due day
            resolve = max(resolve, row.resolution_due_at)
        fields.update(response_due_at=respond, resolution_due_at=resolve)
    return _step(session, audit, row, Status.TRIAGED, data.note, **fields)


def assign(
    session: Session,
    audit: AuditLog,
    order_id: uuid.UUID,
    *,
    data: Assignment,
    expected_version: int | None,
) -> WorkOrder:
    row = _open(session, order_id, expected_version, Status.ASSIGNED,
                (Status.TRIAGED, Status.ASSIGNED))  # fmt: skip
    return _step(session, audit, row, Status.ASSIGNED, data.note, assignee=data.assignee)


def start(
    session: Session,
    audit: AuditLog,
    order_id: uuid.UUID,
    *,
    data: StepNote,
    expected_version: int | None,
) -> WorkOrder:
    row = _open(session, order_id, expected_version, Status.IN_PROGRESS, (Status.ASSIGNED,))
    return _step(session, audit, row, Status.IN_PROGRESS, data.note)


def complete(
    session: Session,
    audit: AuditLog,
    order_id: uuid.UUID,
    *,
    data: StepNote,
    expected_version: int | None,
) -> WorkOrder:
    row = _open(session, order_id, expected_version, Status.DONE, (Status.IN_PROGRESS,))
    return _step(session, audit, row, Status.DONE, data.note, done_by=actor())


def verify(
    session: Session,
    audit: AuditLog,
    order_id: uuid.UUID,
    *,
    data: StepNote,
    expected_version: int | None,
) -> WorkOrder:
    row = _open(session, order_id, expected_version, Status.VERIFIED, (Status.DONE,))
    who = actor()
    if who in (row.done_by, row.assignee):
        raise Forbidden("SELF_VERIFICATION", "the work is verified by someone who did not do it")
    return _step(session, audit, row, Status.VERIFIED, data.note, verified_by=who)


def cancel(
    session: Session,
    audit: AuditLog,
    order_id: uuid.UUID,
    *,
    data: Cancellation,
    expected_version: int | None,
) -> WorkOrder:
    row = _open(session, order_id, expected_version, Status.CANCELLED, CANCELLABLE)
    return _step(session, audit, row, Status.CANCELLED, data.reason)
