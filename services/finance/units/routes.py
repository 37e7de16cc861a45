"""Routes of the budget units finance keeps books for."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from sqlmodel import col, func, select

from services.finance.payments.models import RESERVED, Payment
from services.finance.revenue.models import ReceiptStatus, RevenueReceipt
from services.finance.roles import PREPARERS, UNIT_READERS
from services.finance.units.models import (
    BudgetUnit,
    BudgetUnitCreate,
    BudgetUnitPublic,
    BudgetUnitUpdate,
)
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, check_version, etag
from shared.context import Principal
from shared.db import SessionDep
from shared.problems import Conflict, NotFound

router = APIRouter(tags=["budget units"])
Preparer = Annotated[Principal, Depends(require_roles(*PREPARERS))]
readers = [Depends(require_roles(*UNIT_READERS))]


def get_unit(session: SessionDep, unit_id: uuid.UUID) -> BudgetUnit:
    unit = session.get(BudgetUnit, unit_id)
    if unit is None:
        raise NotFound("budget_unit", unit_id)
    return unit


def _refuse_closing_with_work_in_flight(session: SessionDep, unit_id: uuid.UUID) -> None:
    """A unit with payments under way or revenue not yet remitted stays open until they end."""
    payments = session.exec(
        select(func.count())
        .select_from(Payment)
        .where(Payment.unit_id == unit_id, col(Payment.status).in_(list(RESERVED)))
    ).one()
    receipts = session.exec(
        select(func.count())
        .select_from(RevenueReceipt)
        .where(
            RevenueReceipt.unit_id == unit_id,
            col(RevenueReceipt.status) != ReceiptStatus.REMITTED,
        )
    ).one()
    if payments or receipts:
        raise Conflict(
            "UNIT_HAS_WORK_IN_FLIGHT",
            f"{payments} payments are under way and {receipts} receipts are not remitted; "
            "the unit can be closed once they are done",
        )


@router.get("/budget-units", dependencies=readers)
def list_units(session: SessionDep, include_inactive: bool = False) -> list[BudgetUnitPublic]:
    """The budget units, by code."""
    query = select(BudgetUnit).order_by(col(BudgetUnit.code))
    if not include_inactive:
        query = query.where(col(BudgetUnit.active))
    return [BudgetUnitPublic.model_validate(u, from_attributes=True) for u in session.exec(query)]


@router.get("/budget-units/{unit_id}", dependencies=readers)
def read_unit(session: SessionDep, unit_id: uuid.UUID, response: Response) -> BudgetUnitPublic:
    unit = get_unit(session, unit_id)
    response.headers["ETag"] = etag(unit.version)
    return BudgetUnitPublic.model_validate(unit, from_attributes=True)


@router.post("/budget-units", status_code=status.HTTP_201_CREATED)
def create_unit(
    request: Request,
    session: SessionDep,
    body: BudgetUnitCreate,
    principal: Preparer,
    response: Response,
) -> BudgetUnitPublic:
    """Open the books of a unit (its id is personnel's unit id) with its zero-balance account."""
    if session.get(BudgetUnit, body.id) is not None:
        raise Conflict("BUDGET_UNIT_EXISTS", f"budget unit {body.id} already exists")
    if session.exec(select(BudgetUnit).where(BudgetUnit.code == body.code)).first():
        raise Conflict("BUDGET_UNIT_CODE_TAKEN", f"code {body.code} is already used")
    unit = BudgetUnit(**body.model_dump())
    session.add(unit)
    request.app.state.audit.record(
        session,
        action="budget_unit.created",
        resource_type="budget_unit",
        resource_id=unit.id,
        after=body.model_dump(mode="json"),
        principal=principal,
    )
    session.commit()
    response.headers["Location"] = f"/budget-units/{unit.id}"
    response.headers["ETag"] = etag(unit.version)
    return BudgetUnitPublic.model_validate(unit, from_attributes=True)


@router.patch("/budget-units/{unit_id}")
def update_unit(
    request: Request,
    session: SessionDep,
    unit_id: uuid.UUID,
    body: BudgetUnitUpdate,
    principal: Preparer,
    expected: ExpectedVersion,
    response: Response,
) -> BudgetUnitPublic:
    """Change a unit's name, zero-balance account or whether it is active (If-Match)."""
    unit = session.exec(
        select(BudgetUnit).where(BudgetUnit.id == unit_id).with_for_update()
    ).first()
    if unit is None:
        raise NotFound("budget_unit", unit_id)
    check_version("budget unit", unit.version, expected)
    before = unit.model_dump(mode="json")
    changes = body.model_dump(exclude_unset=True)
    if changes.get("active") is False and unit.active:
        _refuse_closing_with_work_in_flight(session, unit.id)
    if changes:
        for field, value in changes.items():
            setattr(unit, field, value)
        unit.version += 1
        session.add(unit)
        request.app.state.audit.record(
            session,
            action="budget_unit.updated",
            resource_type="budget_unit",
            resource_id=unit.id,
            before=before,
            after=unit.model_dump(mode="json"),
            principal=principal,
        )
    session.commit()
    response.headers["ETag"] = etag(unit.version)
    return BudgetUnitPublic.model_validate(unit, from_attributes=True)
