"""Routes of the pay and travel standards: read (everyone who is paid or claims), draft,
approve, withdraw."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response, status

from services.finance.roles import APPROVER, OFFICER
from services.finance.standards import service
from services.finance.standards.models import StandardKind, StandardStatus
from services.finance.standards.schemas import StandardDraft, StandardPublic
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.roles import REFERENCE_READERS
from shared.routing import Router
from shared.types import today

router = Router(tags=["standards"])
# published policy: everyone paid or claiming reads the standards applied to them
read_standards = [Depends(require_roles(*REFERENCE_READERS))]
Officer = Annotated[Principal, Depends(require_roles(OFFICER))]
Approver = Annotated[Principal, Depends(require_roles(APPROVER))]


@router.get("/standards", dependencies=read_standards)
def list_standards(
    session: SessionDep,
    params: PageDep,
    kind: StandardKind | None = None,
    status: StandardStatus | None = None,
) -> Page[StandardPublic]:
    """Every version of every standard (or of one kind), newest version first."""
    return service.list_standards(session, params, kind=kind, status=status)


@router.get("/standards/in-force", dependencies=read_standards)
def standard_in_force(
    session: SessionDep,
    kind: StandardKind,
    on: Annotated[date | None, Query(description="The day (default: today)")] = None,
) -> StandardPublic:
    """The version of ``kind`` in force on ``on`` (404 NO_STANDARD_IN_FORCE before the first)."""
    return service.public(service.in_force_row(session, kind, on or today()))


@router.get("/standards/{standard_id}", dependencies=read_standards)
def get_standard(session: SessionDep, standard_id: uuid.UUID) -> StandardPublic:
    return service.public(service.get(session, standard_id))


@router.post("/standards", status_code=status.HTTP_201_CREATED)
def draft_standard(
    session: SessionDep,
    audit: AuditDep,
    principal: Officer,
    body: StandardDraft,
    response: Response,
) -> StandardPublic:
    """Draft the next version of a standard, to take effect on ``effective_from`` once a
    finance approver approves it."""
    row = service.draft(session, audit, principal, data=body)
    response.headers["Location"] = f"/standards/{row.id}"
    return service.public(row)


@router.post("/standards/{standard_id}/approve")
def approve_standard(
    session: SessionDep, audit: AuditDep, principal: Approver, standard_id: uuid.UUID
) -> StandardPublic:
    """Put a draft in force from its effective date (never by its drafter); from then on it
    is never edited."""
    return service.public(service.approve(session, audit, principal, standard_id=standard_id))


@router.post("/standards/{standard_id}/withdraw")
def withdraw_standard(
    session: SessionDep, audit: AuditDep, principal: Officer, standard_id: uuid.UUID
) -> StandardPublic:
    """Drop a draft that will not be approved."""
    return service.public(service.withdraw(session, audit, principal, standard_id=standard_id))
