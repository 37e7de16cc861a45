"""Labour and materials of a work order, and its cost (service layer of ``workorders``).

Labour (who, which day, hours at a rate) and materials (item, quantity, unit cost) are
recorded once the order is assigned and until it is verified (409 ``NOT_IN_WORK``); a day of
labour is not in the future (422 ``FUTURE_DATE``). Each entry's cost is rounded to the fen;
the order keeps the sums (its total is labour plus materials), bumps its version and audits
the entry.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, select

from services.facilities.workorders.access import order_in_scope
from services.facilities.workorders.models import Labour, Material, Status, WorkOrder
from services.facilities.workorders.schemas import (
    Costs,
    LabourCreate,
    LabourPublic,
    MaterialCreate,
    MaterialPublic,
)
from shared.audit import AuditLog
from shared.changes import record_change
from shared.context import actor
from shared.problems import Conflict, Invalid
from shared.scope import RowScope
from shared.types import FEN, today

IN_WORK = (Status.ASSIGNED, Status.IN_PROGRESS, Status.DONE)


def _fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _in_work(session: Session, order_id: uuid.UUID) -> WorkOrder:
    row = order_in_scope(session, order_id, lock=True)
    if row.status not in IN_WORK:
        raise Conflict("NOT_IN_WORK", f"costs are recorded on an order at work, not {row.status}")
    return row


def _recorded(session: Session, audit: AuditLog, row: WorkOrder, entry: dict[str, str]) -> None:
    record_change(
        session, audit, row, action="work_order.cost", resource_type="work_order",
        after={**entry, "labour_cost": f"{row.labour_cost:.2f}",
               "material_cost": f"{row.material_cost:.2f}"},
    )  # fmt: skip


def add_labour(
    session: Session, audit: AuditLog, order_id: uuid.UUID, *, data: LabourCreate
) -> LabourPublic:
    row = _in_work(session, order_id)
    if data.worked_on > today():
        raise Invalid("FUTURE_DATE", "labour is recorded for a day that has passed or is today")
    entry = Labour(work_order_id=row.id, worker=data.worker, worked_on=data.worked_on,
                   hours=data.hours, rate=data.rate, cost=_fen(data.hours * data.rate),
                   recorded_by=actor())  # fmt: skip
    session.add(entry)
    row.labour_cost += entry.cost
    session.flush()
    _recorded(session, audit, row, {"worker": entry.worker, "hours": f"{entry.hours:.2f}",
                                    "cost": f"{entry.cost:.2f}"})  # fmt: skip
    return LabourPublic.model_validate(entry, from_attributes=True)


def add_material(
    session: Session, audit: AuditLog, order_id: uuid.UUID, *, data: MaterialCreate
) -> MaterialPublic:
    row = _in_work(session, order_id)
    entry = Material(work_order_id=row.id, item=data.item, quantity=data.quantity,
                     unit_cost=data.unit_cost, cost=_fen(data.quantity * data.unit_cost),
                     recorded_by=actor())  # fmt: skip
    session.add(entry)
    row.material_cost += entry.cost
    session.flush()
    _recorded(session, audit, row, {"item": entry.item, "quantity": str(entry.quantity),
                                    "cost": f"{entry.cost:.2f}"})  # fmt: skip
    return MaterialPublic.model_validate(entry, from_attributes=True)


def costs(session: Session, order_id: uuid.UUID, scope: RowScope) -> Costs:
    row = order_in_scope(session, order_id, scope)
    labour = session.exec(
        select(Labour).where(Labour.work_order_id == row.id)
        .order_by(col(Labour.recorded_at), col(Labour.id))
    ).all()  # fmt: skip
    materials = session.exec(
        select(Material).where(Material.work_order_id == row.id)
        .order_by(col(Material.recorded_at), col(Material.id))
    ).all()  # fmt: skip
    return Costs(
        labour=[LabourPublic.model_validate(e, from_attributes=True) for e in labour],
        materials=[MaterialPublic.model_validate(e, from_attributes=True) for e in materials],
        labour_cost=row.labour_cost,
        material_cost=row.material_cost,
        total_cost=row.total_cost,
    )
