"""Demo work orders: requests from units and staff in every state of the life of an order
(requested, triaged, assigned, in progress, done, verified, cancelled), with labour and
materials on the ones at work, some of them past their SLA clocks; and the oldest preventive
occurrences walked to done and verified. Made through the module's services, the work in
the demo facilities officer's name and its verification in the demo director's (never the
person who did it). An order is known by its title, so seeding again creates nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from services.facilities.workorders import costs, decisions, service
from services.facilities.workorders.models import Priority, Source, Status, WorkOrder
from services.facilities.workorders.schemas import (
    Assignment,
    Cancellation,
    LabourCreate,
    MaterialCreate,
    StepNote,
    Triage,
)
from shared.audit import AuditLog
from shared.context import Principal, principal_var
from shared.types import today, utcnow

S = Status
# title, priority, the state it is walked to, hours ago it was raised
REQUESTS = (
    ("Office 305 ceiling light flickering", Priority.LOW, S.REQUESTED, 2),
    ("Blocked drain in the east canteen kitchen", Priority.URGENT, S.REQUESTED, 5),
    ("Meeting room 2 air conditioner noisy", Priority.NORMAL, S.TRIAGED, 30),
    ("Window latch broken, archive room", Priority.NORMAL, S.TRIAGED, 6),
    ("Water leak above the 4th floor corridor", Priority.HIGH, S.ASSIGNED, 20),
    ("Door closer of the north stairwell", Priority.NORMAL, S.ASSIGNED, 50),
    ("Heating radiator cold in office 512", Priority.HIGH, S.IN_PROGRESS, 70),
    ("Car park barrier arm stuck", Priority.URGENT, S.IN_PROGRESS, 20),
    ("Replace worn stair nosing, block B", Priority.LOW, S.DONE, 200),
    ("Toilet cistern running, 2nd floor", Priority.NORMAL, S.DONE, 90),
    ("Repaint the lobby handrail", Priority.LOW, S.VERIFIED, 400),
    ("Entrance door card reader dead", Priority.HIGH, S.VERIFIED, 60),
    ("Duplicate: drain in canteen", Priority.NORMAL, S.CANCELLED, 10),
)
PATH = (S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.DONE, S.VERIFIED)


def _walk(
    session: Session,
    audit: AuditLog,
    order: WorkOrder,
    target: Status,
    officer: Principal,
    checker: Principal,
) -> None:
    """Take an order along the main path to ``target`` (cancel it for ``cancelled``)."""
    if target == S.CANCELLED:
        decisions.cancel(session, audit, order.id, data=Cancellation(reason="Raised twice"),
                         expected_version=None)  # fmt: skip
        return
    while order.status != target:
        step = PATH[PATH.index(order.status) + 1] if order.status in PATH else PATH[0]
        if step == S.TRIAGED:
            decisions.triage(session, audit, order.id, data=Triage(priority=order.priority),
                             expected_version=None)  # fmt: skip
        elif step == S.ASSIGNED:
            decisions.assign(session, audit, order.id, expected_version=None,
                             data=Assignment(assignee=officer.sub))  # fmt: skip
        elif step == S.IN_PROGRESS:
            decisions.start(session, audit, order.id, data=StepNote(), expected_version=None)
            _costs(session, audit, order)
        elif step == S.DONE:
            decisions.complete(session, audit, order.id, data=StepNote(note="Done"),
                               expected_version=None)  # fmt: skip
        else:
            token = principal_var.set(checker)
            try:
                decisions.verify(session, audit, order.id, data=StepNote(note="Checked on site"),
                                 expected_version=None)  # fmt: skip
            finally:
                principal_var.reset(token)


def _costs(session: Session, audit: AuditLog, order: WorkOrder) -> None:
    work = LabourCreate(worker="Maintenance team A", worked_on=today(), hours=Decimal("2.50"),
                        rate=Decimal("85.00"))  # fmt: skip
    costs.add_labour(session, audit, order.id, data=work)
    part = MaterialCreate(item="Sundry parts", quantity=Decimal("2"), unit_cost=Decimal("36.50"))
    costs.add_material(session, audit, order.id, data=part)


def seed(
    session: Session,
    audit: AuditLog,
    *,
    unit_ids: Sequence[uuid.UUID],
    staff_ids: Sequence[uuid.UUID],
    buildings: Sequence[uuid.UUID],
    officer: Principal,
    checker: Principal,
) -> int:
    """Create the missing demo requests; how many were. The caller's principal raises them
    (``principal_var``), ``officer`` works them, ``checker`` verifies."""
    titles = set(session.exec(select(WorkOrder.title).where(WorkOrder.source == Source.REQUEST)))
    made = 0
    for n, (title, priority, target, hours_ago) in enumerate(REQUESTS):
        if title in titles:
            continue
        since = utcnow() - timedelta(hours=hours_ago)
        fields = {
            "title": title,
            "source": Source.REQUEST,
            "unit_id": unit_ids[n % len(unit_ids)] if unit_ids else None,
            "requester_staff_id": staff_ids[n % len(staff_ids)] if staff_ids else None,
            "building_id": buildings[n % len(buildings)] if buildings else None,
        }
        order = service.insert(session, audit, fields=fields, priority=priority, since=since)
        _walk(session, audit, order, target, officer, checker)
        made += 1
    return made + _preventive(session, audit, officer, checker)


def _preventive(session: Session, audit: AuditLog, officer: Principal, checker: Principal) -> int:
    """Walk the preventive occurrences due more than three weeks ago to verified, those due
    in the last three weeks to assigned (once: only triaged ones move)."""
    cutoff = today() - timedelta(days=21)
    due = session.exec(
        select(WorkOrder).where(WorkOrder.source == Source.PREVENTIVE,
                                WorkOrder.status == S.TRIAGED, col(WorkOrder.due_on) <= today())
        .order_by(col(WorkOrder.due_on), col(WorkOrder.id))
    ).all()  # fmt: skip
    for order in due:
        assert order.due_on is not None
        target = S.VERIFIED if order.due_on < cutoff else S.ASSIGNED
        _walk(session, audit, order, target, officer, checker)
    return len(due)
