"""Routes of accountability, rewards and penalties (问责, 奖惩, 评优表先)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Response, status

from services.personnel.accountability import service
from services.personnel.accountability.models import RecordKind
from services.personnel.accountability.schemas import RecordCreate, RecordPublic, VoidCreate
from services.personnel.roles import MANAGERS, SCORE_READERS, ReadScope
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["accountability"])
Manager = Annotated[Principal, Depends(require_roles(*MANAGERS))]
# not for peer services, like scores
read_records = [Depends(require_roles(*SCORE_READERS))]


@router.post("/accountability-records", status_code=status.HTTP_201_CREATED)
def create_record(
    session: SessionDep,
    audit: AuditDep,
    body: RecordCreate,
    principal: Manager,
    response: Response,
) -> RecordPublic:
    """Record a reward, commendation, penalty or accountability measure against a person;
    with ``corrects`` it also voids the earlier record it replaces."""
    record = service.create_record(session=session, audit=audit, principal=principal, data=body)
    response.headers["Location"] = f"/accountability-records/{record.id}"
    return record


@router.get("/accountability-records", dependencies=read_records)
def list_records(
    session: SessionDep,
    params: PageDep,
    scope: ReadScope,
    staff_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    kind: RecordKind | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_void: bool = True,
) -> Page[RecordPublic]:
    """Records newest first, by person, unit, kind, or days of effect meeting a date range
    (a liaison sees its own unit, staff their own)."""
    return service.list_records(
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


@router.get("/accountability-records/{record_id}", dependencies=read_records)
def get_record(session: SessionDep, scope: ReadScope, record_id: uuid.UUID) -> RecordPublic:
    """One record, with its void if it was voided."""
    return service.get_record(session, record_id, scope)


@router.post("/accountability-records/{record_id}/void")
def void_record(
    session: SessionDep,
    audit: AuditDep,
    record_id: uuid.UUID,
    body: VoidCreate,
    principal: Manager,
) -> RecordPublic:
    """Declare a record void, with the reason (it stays on file, marked void)."""
    return service.void_record(
        session=session, audit=audit, principal=principal, record_id=record_id, reason=body.reason
    )
