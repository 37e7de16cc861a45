"""Routes of retirees (离退休干部) and their entitlements."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Response

from services.personnel.retirees import service
from services.personnel.retirees.schemas import EntitlementIn, EntitlementPublic
from services.personnel.roles import WIDE_READERS, manage
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["retirees"])
read_entitlements = [Depends(require_roles(*WIDE_READERS))]


@router.put("/staff/{staff_id}/retiree-entitlement", dependencies=manage)
def put_entitlement(
    session: SessionDep,
    audit: AuditDep,
    staff_id: uuid.UUID,
    body: EntitlementIn,
    response: Response,
    expected: ExpectedVersion,
) -> EntitlementPublic:
    """Set a retiree's entitlement levels (``If-Match`` when changing existing ones)."""
    entitlement = service.set_entitlement(
        session=session, audit=audit, staff_id=staff_id, data=body, expected_version=expected
    )
    response.headers["ETag"] = etag(entitlement.version)
    return service.entitlement_public(entitlement)


@router.get("/staff/{staff_id}/retiree-entitlement", dependencies=read_entitlements)
def get_entitlement(
    session: SessionDep, staff_id: uuid.UUID, response: Response
) -> EntitlementPublic:
    """A retiree's entitlement levels, for the services that grant them."""
    entitlement = service.get_entitlement(session, staff_id)
    response.headers["ETag"] = etag(entitlement.version)
    return service.entitlement_public(entitlement)


@router.get("/retirees", dependencies=read_entitlements)
def list_retirees(
    session: SessionDep,
    params: PageDep,
    category: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[EntitlementPublic]:
    """Entitlements of retirees, by staff id, optionally of one category."""
    return service.list_retirees(session, params, category=category)
