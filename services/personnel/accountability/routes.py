"""Routes of accountability, rewards and penalties (问责, 奖惩, 评优表先)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from services.personnel.accountability import service
from services.personnel.accountability.models import (
    RecordCreate,
    RecordKind,
    RecordPublic,
    VoidCreate,
)
from services.personnel.appraisal.access import (
    ScopeDep,
    read_records,
)
from services.personnel.roles import MANAGERS
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = APIRouter(tags=["accountability"])
Manager = Annotated[Principal, Depends(require_roles(*MANAGERS))]


@router.post("/accountability-records", status_code=status.HTTP_201_CREATED)
def create_record(
    request: Request,
    session: SessionDep,
    body: RecordCreate,
    principal: Manager,
    response: Response,
) -> RecordPublic:
    """Record a reward, commendation, penalty or accountability measure against a person;
    with ``corrects`` it also voids the earlier record it replaces."""
    record, void = service.create_record(
        session=session, audit=request.app.state.audit, principal=principal, data=body
    )
    response.headers["Location"] = f"/accountability-records/{record.id}"
    return service.public(record, void)


@router.get("/accountability-records", dependencies=read_records)
async def list_records(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    staff_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    kind: RecordKind | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_void: bool = True,
) -> Page[RecordPublic]:
    """Records newest first, by person, unit, kind, or days of effect meeting a date range
    (a liaison sees its own unit, staff their own)."""
    rows, total = service.list_records(
        session,
        params,
        scope=scope,
        staff_id=staff_id,
        unit_id=unit_id,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        include_void=include_void,
    )
    items = [service.public(r, v) for r, v in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/accountability-records/{record_id}", dependencies=read_records)
async def get_record(session: SessionDep, scope: ScopeDep, record_id: uuid.UUID) -> RecordPublic:
    """One record, with its void if it was voided."""
    record, void = service.get_record(session, record_id)
    scope.check(record.unit_id, record.staff_id)
    return service.public(record, void)


@router.post("/accountability-records/{record_id}/void")
def void_record(
    request: Request,
    session: SessionDep,
    record_id: uuid.UUID,
    body: VoidCreate,
    principal: Manager,
) -> RecordPublic:
    """Declare a record void, with the reason (it stays on file, marked void)."""
    record, void = service.void_record(
        session=session,
        audit=request.app.state.audit,
        principal=principal,
        record_id=record_id,
        reason=body.reason,
    )
    return service.public(record, void)
