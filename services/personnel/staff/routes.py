"""Routes of staff records, postings and retiree entitlements."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import Session

from services.personnel.roles import STAFF_READERS, WIDE_READERS, manage
from services.personnel.staff import service
from services.personnel.staff.identity_numbers import IdVault
from services.personnel.staff.models import Staff, StaffPeriod, StaffStatus
from services.personnel.staff.schemas import (
    ContactUpdate,
    PeriodPublic,
    PostingChange,
    StaffBulkPage,
    StaffCreate,
    StaffPublic,
)
from services.personnel.staff.scope import StaffScope, claim_uuid, scope_for
from shared.auth import CurrentPrincipal, require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.problems import NotFound, ProblemError
from shared.types import today

router = APIRouter(tags=["staff"])
read_staff = [Depends(require_roles(*STAFF_READERS))]
MAX_BULK = 2000


def _vault(request: Request) -> IdVault:
    vault: IdVault = request.app.state.id_vault
    return vault


async def _scope(session: SessionDep, principal: CurrentPrincipal) -> StaffScope:
    return scope_for(session, principal)


ScopeDep = Annotated[StaffScope, Depends(_scope)]
AsOf = Annotated[date | None, Query(description="Posting on this day (default: today)")]


def _visible(
    session: Session, scope: StaffScope, staff_id: uuid.UUID, day: date
) -> tuple[Staff, StaffPeriod | None]:
    """The staff record if the caller may see it; 404 (not 403) so ids cannot be probed."""
    staff = session.get(Staff, staff_id)
    period = service.posting_on(session, staff_id, day) if staff else None
    if staff is None or not scope.allows(staff_id, period.unit_id if period else None):
        raise NotFound("staff", staff_id)
    if scope.units is not None and day != today():
        # a unit sees its people's past only while they are still its people: the record
        # carries today's contact details, which belong to the unit they are in now
        now = service.posting_on(session, staff_id, today())
        if not scope.allows(staff_id, now.unit_id if now else None):
            raise NotFound("staff", staff_id)
    return staff, period


@router.get("/staff", dependencies=read_staff)
async def list_staff(
    request: Request,
    session: SessionDep,
    scope: ScopeDep,
    params: PageDep,
    as_of: AsOf = None,
    unit_id: Annotated[list[uuid.UUID] | None, Query(max_length=100)] = None,
    status: StaffStatus | None = None,
    rank_code: str | None = None,
    position_id: uuid.UUID | None = None,
) -> Page[StaffPublic]:
    """Staff as posted on ``as_of``, by staff number; a unit liaison sees its own unit."""
    day = as_of or today()
    rows, total = service.list_staff(
        session,
        params,
        scope,
        day=day,
        unit_ids=unit_id,
        status=status,
        rank_code=rank_code,
        position_id=position_id,
    )
    vault = _vault(request)
    items = [service.public(s, p, day, scope, vault) for s, p in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/staff/bulk", dependencies=[Depends(require_roles(*WIDE_READERS))])
async def bulk_staff(
    request: Request,
    session: SessionDep,
    scope: ScopeDep,
    after: Annotated[
        str | None, Query(max_length=20, description="next_after of the last slice")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_BULK)] = 1000,
    as_of: AsOf = None,
    unit_id: Annotated[list[uuid.UUID] | None, Query(max_length=100)] = None,
    status: StaffStatus | None = None,
) -> StaffBulkPage:
    """Everyone (or a filtered set) as posted on ``as_of``, up to 2,000 a slice, for peers."""
    day = as_of or today()
    # one row more than asked tells whether another slice follows
    rows = service.bulk(
        session, scope, day=day, after=after, limit=limit + 1, unit_ids=unit_id, status=status
    )
    vault = _vault(request)
    items = [service.public(s, p, day, scope, vault) for s, p in rows[:limit]]
    return StaffBulkPage(items=items, next_after=items[-1].staff_no if len(rows) > limit else None)


@router.get("/staff/me", dependencies=read_staff)
async def my_record(
    request: Request, session: SessionDep, principal: CurrentPrincipal, as_of: AsOf = None
) -> StaffPublic:
    """The caller's own staff record."""
    scope = scope_for(session, principal)
    own = scope.staff_id or claim_uuid(principal.staff_id)
    if own is None:
        raise ProblemError(404, "NO_STAFF_RECORD", "this account is not linked to a staff record")
    day = as_of or today()
    staff, period = _visible(
        session, StaffScope(units=None, staff_id=own, full_ids=scope.full_ids), own, day
    )
    return service.public(staff, period, day, scope, _vault(request))


@router.get("/staff/{staff_id}", dependencies=read_staff)
async def get_staff(
    request: Request,
    session: SessionDep,
    scope: ScopeDep,
    staff_id: uuid.UUID,
    response: Response,
    as_of: AsOf = None,
) -> StaffPublic:
    """One staff record with the posting on ``as_of`` (``ETag`` carries its version)."""
    day = as_of or today()
    staff, period = _visible(session, scope, staff_id, day)
    response.headers["ETag"] = etag(staff.version)
    return service.public(staff, period, day, scope, _vault(request))


@router.get("/staff/{staff_id}/history", dependencies=read_staff)
async def posting_history(
    session: SessionDep, scope: ScopeDep, staff_id: uuid.UUID
) -> list[PeriodPublic]:
    """Every posting, oldest first: transfers, rank changes, retirement."""
    _visible(session, scope, staff_id, today())
    return [
        PeriodPublic.model_validate(p, from_attributes=True)
        for p in service.history(session, staff_id)
    ]


@router.post("/staff", status_code=status.HTTP_201_CREATED, dependencies=manage)
def hire(
    request: Request, session: SessionDep, body: StaffCreate, response: Response
) -> StaffPublic:
    """Create a staff record with its first posting (the ID number is stored encrypted)."""
    vault = _vault(request)
    staff = service.hire(session=session, audit=request.app.state.audit, vault=vault, data=body)
    response.headers["Location"] = f"/staff/{staff.id}"
    response.headers["ETag"] = etag(staff.version)
    period = service.posting_on(session, staff.id, body.effective_from)
    return service.public(
        staff, period, body.effective_from, StaffScope(units=None, full_ids=True), vault
    )


@router.patch("/staff/{staff_id}", dependencies=manage)
def update_contact(
    request: Request,
    session: SessionDep,
    staff_id: uuid.UUID,
    body: ContactUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> StaffPublic:
    """Correct name or contact details (``If-Match``)."""
    staff = service.update_contact(
        session=session,
        audit=request.app.state.audit,
        staff_id=staff_id,
        data=body,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(staff.version)
    day = today()
    return service.public(
        staff,
        service.posting_on(session, staff_id, day),
        day,
        StaffScope(units=None, full_ids=True),
        _vault(request),
    )


@router.post("/staff/{staff_id}/postings", status_code=status.HTTP_201_CREATED, dependencies=manage)
def change_posting(
    request: Request,
    session: SessionDep,
    staff_id: uuid.UUID,
    body: PostingChange,
    expected: ExpectedVersion,
) -> PeriodPublic:
    """Transfer, promote, retire or record a departure from a day on; history is kept."""
    period = service.change_posting(
        session=session,
        audit=request.app.state.audit,
        staff_id=staff_id,
        data=body,
        expected_version=expected,
    )
    return PeriodPublic.model_validate(period, from_attributes=True)
