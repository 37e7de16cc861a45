"""Routes of staff records and their postings."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response, status

from services.personnel.roles import STAFF_READERS, WIDE_READERS, manage
from services.personnel.staff import service
from services.personnel.staff.access import StaffScopeDep
from services.personnel.staff.identity_numbers import VaultDep
from services.personnel.staff.models import StaffStatus
from services.personnel.staff.schemas import (
    ContactUpdate,
    PeriodPublic,
    PostingChange,
    StaffBulkPage,
    StaffCreate,
    StaffPublic,
)
from shared.audit import AuditDep
from shared.auth import CurrentPrincipal, require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.types import today

router = Router(tags=["staff"])
read_staff = [Depends(require_roles(*STAFF_READERS))]
MAX_BULK = 2000
AsOf = Annotated[date | None, Query(description="Posting on this day (default: today)")]
UnitIds = Annotated[list[uuid.UUID] | None, Query(max_length=100)]


@router.get("/staff", dependencies=read_staff)
def list_staff(
    session: SessionDep,
    vault: VaultDep,
    scope: StaffScopeDep,
    params: PageDep,
    as_of: AsOf = None,
    unit_id: UnitIds = None,
    status: StaffStatus | None = None,
    rank_code: str | None = None,
    position_id: uuid.UUID | None = None,
) -> Page[StaffPublic]:
    """Staff as posted on ``as_of``, by staff number; a unit liaison sees its own unit."""
    return service.list_staff(
        session,
        params,
        scope,
        vault,
        day=as_of or today(),
        unit_ids=unit_id,
        status=status,
        rank_code=rank_code,
        position_id=position_id,
    )


@router.get("/staff/bulk", dependencies=[Depends(require_roles(*WIDE_READERS))])
def bulk_staff(
    session: SessionDep,
    vault: VaultDep,
    scope: StaffScopeDep,
    after: Annotated[
        str | None, Query(max_length=20, description="next_after of the last slice")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_BULK)] = 1000,
    as_of: AsOf = None,
    unit_id: UnitIds = None,
    status: StaffStatus | None = None,
) -> StaffBulkPage:
    """Everyone (or a filtered set) as posted on ``as_of``, up to 2,000 a slice, for peers."""
    return service.bulk_page(
        session,
        scope,
        vault,
        day=as_of or today(),
        after=after,
        limit=limit,
        unit_ids=unit_id,
        status=status,
    )


@router.get("/staff/me", dependencies=read_staff)
def my_record(
    session: SessionDep,
    vault: VaultDep,
    scope: StaffScopeDep,
    principal: CurrentPrincipal,
    as_of: AsOf = None,
) -> StaffPublic:
    """The caller's own staff record."""
    return service.read_own(session, vault, scope, principal.staff_id, as_of or today())


@router.get("/staff/{staff_id}", dependencies=read_staff)
def get_staff(
    session: SessionDep,
    vault: VaultDep,
    scope: StaffScopeDep,
    staff_id: uuid.UUID,
    response: Response,
    as_of: AsOf = None,
) -> StaffPublic:
    """One staff record with the posting on ``as_of`` (``ETag`` carries its version)."""
    staff = service.read(session, vault, scope, staff_id, as_of or today())
    response.headers["ETag"] = etag(staff.version)
    return staff


@router.get("/staff/{staff_id}/history", dependencies=read_staff)
def posting_history(
    session: SessionDep, scope: StaffScopeDep, staff_id: uuid.UUID
) -> Page[PeriodPublic]:
    """Every posting, oldest first: transfers, rank changes, retirement."""
    return service.history(session, scope, staff_id)


@router.post("/staff", status_code=status.HTTP_201_CREATED, dependencies=manage)
def hire(
    session: SessionDep, audit: AuditDep, vault: VaultDep, body: StaffCreate, response: Response
) -> StaffPublic:
    """Create a staff record with its first posting (the ID number is stored encrypted)."""
    staff = service.hire(session=session, audit=audit, vault=vault, data=body)
    response.headers["Location"] = f"/staff/{staff.id}"
    response.headers["ETag"] = etag(staff.version)
    return staff


@router.patch("/staff/{staff_id}", dependencies=manage)
def update_contact(
    session: SessionDep,
    audit: AuditDep,
    vault: VaultDep,
    staff_id: uuid.UUID,
    body: ContactUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> StaffPublic:
    """Correct name or contact details (``If-Match``)."""
    staff = service.update_contact(
        session=session,
        audit=audit,
        vault=vault,
        staff_id=staff_id,
        data=body,
        expected_version=expected,
    )
    response.headers["ETag"] = etag(staff.version)
    return staff


@router.post("/staff/{staff_id}/postings", status_code=status.HTTP_201_CREATED, dependencies=manage)
def change_posting(
    session: SessionDep,
    audit: AuditDep,
    staff_id: uuid.UUID,
    body: PostingChange,
    expected: ExpectedVersion,
) -> PeriodPublic:
    """Transfer, promote, retire or record a departure from a day on; history is kept."""
    return service.change_posting(
        session=session, audit=audit, staff_id=staff_id, data=body, expected_version=expected
    )
