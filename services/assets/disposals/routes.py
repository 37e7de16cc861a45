"""Routes of disposals: request (the asset officer), decide (the disposal right's holder),
read (like the asset)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Response, status

from services.assets.disposals import service
from services.assets.disposals.models import Disposal, DisposalKind, DisposalStatus
from services.assets.disposals.schemas import DisposalCreate, DisposalPublic, DisposalRejection
from services.assets.roles import DIRECTOR, OFFICER, ScopeDep, manage, read_assets
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import SessionDep
from shared.outbox import OutboxDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["disposals"])
# who may decide: an officer or director of the unit holding the disposal right
Decider = Annotated[Principal, Depends(require_roles(OFFICER, DIRECTOR))]


def _answer(disposal: Disposal, response: Response) -> DisposalPublic:
    response.headers["ETag"] = etag(disposal.version)
    return service.public(disposal)


@router.post("/disposals", status_code=status.HTTP_201_CREATED, dependencies=manage)
def request_disposal(
    session: SessionDep, audit: AuditDep, body: DisposalCreate, response: Response
) -> DisposalPublic:
    """Ask to dispose of an asset: it goes ``pending_disposal`` until the holder of the
    disposal right decides."""
    disposal = service.create(session, audit, data=body)
    response.headers["Location"] = f"/disposals/{disposal.id}"
    return _answer(disposal, response)


@router.get("/disposals", dependencies=read_assets)
def list_disposals(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    status: DisposalStatus | None = None,
    unit_id: uuid.UUID | None = None,
    kind: DisposalKind | None = None,
) -> Page[DisposalPublic]:
    """Disposals, newest first (a liaison: its unit's; staff: of the assets they keep)."""
    return service.search(session, params, scope, status=status, unit_id=unit_id, kind=kind)


@router.get("/disposals/{disposal_id}", dependencies=read_assets)
def get_disposal(
    session: SessionDep, scope: ScopeDep, disposal_id: uuid.UUID, response: Response
) -> DisposalPublic:
    """One disposal (``ETag`` carries its version)."""
    return _answer(service.get(session, disposal_id, scope), response)


@router.post("/disposals/{disposal_id}/approve")
def approve_disposal(
    session: SessionDep,
    audit: AuditDep,
    outbox: OutboxDep,
    principal: Decider,
    disposal_id: uuid.UUID,
    expected: ExpectedVersion,
    response: Response,
) -> DisposalPublic:
    """Approve as the disposal right's holder: the asset is disposed of, and a sale's
    proceeds go to finance as revenue owed to the treasury."""
    disposal = service.approve(
        session, audit, outbox, principal, disposal_id, expected_version=expected
    )
    return _answer(disposal, response)


@router.post("/disposals/{disposal_id}/reject")
def reject_disposal(
    session: SessionDep,
    audit: AuditDep,
    principal: Decider,
    disposal_id: uuid.UUID,
    body: DisposalRejection,
    expected: ExpectedVersion,
    response: Response,
) -> DisposalPublic:
    """Refuse as the disposal right's holder, with the reason: the asset is back as it was."""
    disposal = service.reject(
        session, audit, principal, disposal_id, reason=body.reason, expected_version=expected
    )
    return _answer(disposal, response)
