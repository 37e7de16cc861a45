"""Budget units: opening a unit's books, changing its account, closing it.

A unit with work in flight (payments under way, revenue not yet remitted, a payroll run
approved and not paid, payroll transfers to its payees not yet settled, exceptions to re-pay
included, claims in draft, submitted or approved) stays open until that work is done: 409
``UNIT_HAS_WORK_IN_FLIGHT``, naming what is left. The modules that own the work count it
(``WorkInFlight``, wired in ``main.py``), so that this module needs none of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from sqlmodel import Session, col, select

from services.finance.units.models import BudgetUnit
from services.finance.units.schemas import BudgetUnitCreate, BudgetUnitPublic, BudgetUnitUpdate
from shared.audit import AuditLog
from shared.changes import apply_update, record_creation
from shared.concurrency import check_version
from shared.context import Principal
from shared.deps import from_app_state
from shared.pagination import Page
from shared.problems import Conflict, NotFound

# how many of a unit's things are in flight, and what they are ("payments are under way")
Count = Callable[[Session, uuid.UUID], int]


@dataclass(frozen=True)
class WorkInFlight:
    """What keeps a unit open, counted by the module that owns it."""

    counts: Sequence[tuple[str, Count]]

    def refuse_closing(self, session: Session, unit_id: uuid.UUID) -> None:
        """409 ``UNIT_HAS_WORK_IN_FLIGHT`` while any count is above zero, naming those."""
        found = [(n, what) for what, count in self.counts if (n := count(session, unit_id))]
        if found:
            raise Conflict(
                "UNIT_HAS_WORK_IN_FLIGHT",
                " and ".join(f"{n} {what}" for n, what in found)
                + "; the unit can be closed once they are done",
            )


WorkInFlightDep = Annotated[
    WorkInFlight, Depends(from_app_state("unit_work_in_flight", WorkInFlight))
]


def public(unit: BudgetUnit) -> BudgetUnitPublic:
    return BudgetUnitPublic.model_validate(unit, from_attributes=True)


def _view(unit: BudgetUnit) -> dict[str, Any]:
    return unit.model_dump(mode="json")


def get(session: Session, unit_id: uuid.UUID) -> BudgetUnit:
    unit = session.get(BudgetUnit, unit_id)
    if unit is None:
        raise NotFound("budget_unit", unit_id)
    return unit


def list_units(session: Session, *, include_inactive: bool) -> Page[BudgetUnitPublic]:
    """The budget units, by code (a short list: one page)."""
    query = select(BudgetUnit).order_by(col(BudgetUnit.code))
    if not include_inactive:
        query = query.where(col(BudgetUnit.active))
    return Page.whole([public(u) for u in session.exec(query)])


def create(
    session: Session, audit: AuditLog, principal: Principal, data: BudgetUnitCreate
) -> BudgetUnit:
    if session.get(BudgetUnit, data.id) is not None:
        raise Conflict("BUDGET_UNIT_EXISTS", f"budget unit {data.id} already exists")
    if session.exec(select(BudgetUnit).where(BudgetUnit.code == data.code)).first():
        raise Conflict("BUDGET_UNIT_CODE_TAKEN", f"code {data.code} is already used")
    unit = BudgetUnit(**data.model_dump())
    record_creation(
        session,
        audit,
        unit,
        action="budget_unit.created",
        resource_type="budget_unit",
        after=data.model_dump(mode="json"),
        principal=principal,
    )
    return unit


def update(
    session: Session,
    audit: AuditLog,
    work: WorkInFlight,
    unit_id: uuid.UUID,
    data: BudgetUnitUpdate,
    expected_version: int | None,
) -> BudgetUnit:
    """Change a unit (after ``If-Match``); closing it waits for its work in flight."""
    unit = session.exec(
        select(BudgetUnit).where(BudgetUnit.id == unit_id).with_for_update()
    ).first()
    if unit is None:
        raise NotFound("budget_unit", unit_id)
    check_version("budget unit", unit.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("active") is False and unit.active:
        work.refuse_closing(session, unit.id)
    if changes:
        apply_update(
            session,
            audit,
            unit,
            changes,
            resource_type="budget_unit",
            view=_view,
            action="budget_unit.updated",
        )
    return unit
