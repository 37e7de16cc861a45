"""Routes of the budget units finance keeps books for."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Response, status

from services.finance.roles import PREPARERS, UNIT_READERS
from services.finance.units import service
from services.finance.units.schemas import BudgetUnitCreate, BudgetUnitPublic, BudgetUnitUpdate
from services.finance.units.service import WorkInFlightDep
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import SessionDep
from shared.pagination import Page
from shared.routing import Router

router = Router(tags=["budget units"])
Preparer = Annotated[Principal, Depends(require_roles(*PREPARERS))]
readers = [Depends(require_roles(*UNIT_READERS))]


@router.get("/budget-units", dependencies=readers)
def list_units(session: SessionDep, include_inactive: bool = False) -> Page[BudgetUnitPublic]:
    """The budget units, by code."""
    return service.list_units(session, include_inactive=include_inactive)


@router.get("/budget-units/{unit_id}", dependencies=readers)
def read_unit(session: SessionDep, unit_id: uuid.UUID, response: Response) -> BudgetUnitPublic:
    unit = service.get(session, unit_id)
    response.headers["ETag"] = etag(unit.version)
    return service.public(unit)


@router.post("/budget-units", status_code=status.HTTP_201_CREATED)
def create_unit(
    session: SessionDep,
    audit: AuditDep,
    body: BudgetUnitCreate,
    principal: Preparer,
    response: Response,
) -> BudgetUnitPublic:
    """Open the books of a unit (its id is personnel's unit id) with its zero-balance account."""
    unit = service.create(session, audit, principal, body)
    response.headers["Location"] = f"/budget-units/{unit.id}"
    response.headers["ETag"] = etag(unit.version)
    return service.public(unit)


@router.patch("/budget-units/{unit_id}")
def update_unit(
    session: SessionDep,
    audit: AuditDep,
    work: WorkInFlightDep,
    unit_id: uuid.UUID,
    body: BudgetUnitUpdate,
    principal: Preparer,
    expected: ExpectedVersion,
    response: Response,
) -> BudgetUnitPublic:
    """Change a unit's name, zero-balance account or whether it is active (If-Match)."""
    unit = service.update(session, audit, work, unit_id, body, expected)
    response.headers["ETag"] = etag(unit.version)
    return service.public(unit)
