"""Routes of the five rights: record a holding, its history, who holds what on a day."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import Response, status

from services.assets.rights import service
from services.assets.rights.models import Right, SubjectKind
from services.assets.rights.schemas import Holders, HoldingCreate, HoldingPublic
from services.assets.roles import manage, read_wide
from shared.audit import AuditDep
from shared.concurrency import etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.types import today

router = Router(tags=["rights"])


@router.post("/rights", status_code=status.HTTP_201_CREATED, dependencies=manage)
def record_holding(
    session: SessionDep, audit: AuditDep, body: HoldingCreate, response: Response
) -> HoldingPublic:
    """Record who holds one of the five rights over a building, room or asset from a day on;
    the open holding of that right over that subject ends the same day."""
    row = service.record(session, audit, data=body)
    response.headers["ETag"] = etag(row.version)
    return service.public(row)


@router.get("/rights", dependencies=read_wide)
def list_holdings(
    session: SessionDep,
    params: PageDep,
    subject_kind: SubjectKind | None = None,
    subject_id: uuid.UUID | None = None,
    right: Right | None = None,
) -> Page[HoldingPublic]:
    """The history of holdings (a subject's, a right's), the latest first within a right."""
    return service.history(
        session, params, subject_kind=subject_kind, subject_id=subject_id, right=right
    )


@router.get("/rights/holders", dependencies=read_wide)
def holders(
    session: SessionDep,
    subject_kind: SubjectKind,
    subject_id: uuid.UUID,
    day: date | None = None,
) -> Holders:
    """Who holds which of the five rights over the subject on ``day`` (default today), and
    where each was recorded (on the subject, or inherited from its room or building)."""
    return service.holders(session, kind=subject_kind, subject_id=subject_id, day=day or today())
