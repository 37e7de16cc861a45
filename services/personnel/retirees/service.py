"""Retiree entitlements: set for someone retired today, read by the services that grant them
(flushes only; the request's unit of work commits)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from services.personnel.organisation.models import Rank
from services.personnel.retirees.models import RetireeEntitlement
from services.personnel.retirees.schemas import EntitlementIn, EntitlementPublic
from services.personnel.staff.models import StaffStatus
from services.personnel.staff.service import get_staff, posting_on
from shared.audit import AuditLog
from shared.concurrency import check_version
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound
from shared.types import today, utcnow


def entitlement_public(entitlement: RetireeEntitlement) -> EntitlementPublic:
    return EntitlementPublic.model_validate(entitlement, from_attributes=True)


def _view(entitlement: RetireeEntitlement) -> dict[str, Any]:
    return entitlement_public(entitlement).model_dump()


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
    posting = posting_on(session, staff_id, today())
    if posting is None or posting.status != StaffStatus.RETIRED:
        raise Conflict(
            "NOT_RETIRED",
            "entitlements belong to retired staff; record the retirement as a posting change first",
        )
    if session.get(Rank, data.former_rank_code) is None:
        raise Invalid("UNKNOWN_RANK", f"rank {data.former_rank_code!r} does not exist")
    current = session.get(RetireeEntitlement, staff_id)
    before = None
    if current is None:
        current = RetireeEntitlement(staff_id=staff_id, **data.model_dump())
    else:
        # keyed by the person, not an id of its own: audited as a change of the staff record
        check_version("retiree entitlement", current.version, expected_version)
        before = _view(current)
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
        after=_view(current),
    )
    return current


def get_entitlement(session: Session, staff_id: uuid.UUID) -> RetireeEntitlement:
    entitlement = session.get(RetireeEntitlement, staff_id)
    if entitlement is None:
        raise NotFound("retiree_entitlement", staff_id)
    return entitlement


def list_retirees(
    session: Session, params: PageParams, *, category: str | None = None
) -> Page[EntitlementPublic]:
    query = select(RetireeEntitlement)
    if category is not None:
        query = query.where(RetireeEntitlement.category == category)
    return paginate(
        session, query, params, col(RetireeEntitlement.staff_id), view=entitlement_public
    )
