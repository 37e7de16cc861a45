"""Retirees (离退休干部) and their entitlements: vehicle, medical, allowance, welfare levels."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import func
from sqlmodel import Session, col, select

from services.personnel.organisation.models import Rank
from services.personnel.roles import WIDE_READERS, manage
from services.personnel.staff.models import RetireeEntitlement, StaffPeriod, StaffStatus
from services.personnel.staff.schemas import EntitlementIn, EntitlementPublic
from services.personnel.staff.service import get_staff, period_on
from shared.audit import AuditLog
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, check_version, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.problems import NotFound, ProblemError
from shared.types import today, utcnow

router = APIRouter(tags=["retirees"])
read_entitlements = [Depends(require_roles(*WIDE_READERS))]


def set_entitlement(
    *,
    session: Session,
    audit: AuditLog,
    staff_id: uuid.UUID,
    data: EntitlementIn,
    expected_version: int | None,
) -> RetireeEntitlement:
    """Record what a retired member of staff is entitled to (only for someone retired today)."""
    get_staff(session, staff_id, lock=True)  # one entitlement change of a person at a time
    posting = session.exec(
        select(StaffPeriod).where(StaffPeriod.staff_id == staff_id, period_on(today()))
    ).first()
    if posting is None or posting.status != StaffStatus.RETIRED:
        raise ProblemError(
            409,
            "NOT_RETIRED",
            "entitlements belong to retired staff; record the retirement as a posting change first",
        )
    if session.get(Rank, data.former_rank_code) is None:
        raise ProblemError(422, "UNKNOWN_RANK", f"rank {data.former_rank_code!r} does not exist")
    current = session.get(RetireeEntitlement, staff_id)
    before = None
    if current is None:
        current = RetireeEntitlement(staff_id=staff_id, **data.model_dump())
    else:
        check_version("retiree entitlement", current.version, expected_version)
        before = EntitlementPublic.model_validate(current, from_attributes=True).model_dump()
        for name, value in data.model_dump().items():
            setattr(current, name, value)
        current.version += 1
        current.updated_at = utcnow()
    session.add(current)
    session.flush()
    audit.record(
        session,
        action="retiree.entitlement",
        resource_type="staff",
        resource_id=staff_id,
        before=before,
        after=EntitlementPublic.model_validate(current, from_attributes=True).model_dump(),
    )
    session.commit()
    return current


@router.put("/staff/{staff_id}/retiree-entitlement", dependencies=manage)
def put_entitlement(
    request: Request,
    session: SessionDep,
    staff_id: uuid.UUID,
    body: EntitlementIn,
    response: Response,
    expected: ExpectedVersion,
) -> EntitlementPublic:
    """Set a retiree's entitlement levels (``If-Match`` when changing existing ones)."""
    entitlement = set_entitlement(
        session=session,
        audit=request.app.state.audit,
        staff_id=staff_id,
        data=body,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(entitlement.version)
    return EntitlementPublic.model_validate(entitlement, from_attributes=True)


@router.get("/staff/{staff_id}/retiree-entitlement", dependencies=read_entitlements)
async def get_entitlement(
    session: SessionDep, staff_id: uuid.UUID, response: Response
) -> EntitlementPublic:
    """A retiree's entitlement levels, for the services that grant them."""
    entitlement = session.get(RetireeEntitlement, staff_id)
    if entitlement is None:
        raise NotFound("retiree_entitlement", staff_id)
    response.headers["ETag"] = etag(entitlement.version)
    return EntitlementPublic.model_validate(entitlement, from_attributes=True)


@router.get("/retirees", dependencies=read_entitlements)
async def list_retirees(
    session: SessionDep,
    params: PageDep,
    category: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[EntitlementPublic]:
    """Entitlements of retirees, by staff id, optionally of one category."""
    query = select(RetireeEntitlement)
    if category is not None:
        query = query.where(RetireeEntitlement.category == category)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(RetireeEntitlement.staff_id)).offset(params.offset).limit(params.limit)
    )
    items = [EntitlementPublic.model_validate(r, from_attributes=True) for r in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)
