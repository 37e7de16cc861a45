"""Routes of the organisation: leading bodies, ranks, budget units and sections."""

from __future__ import annotations

import uuid

from fastapi import Response, status

from services.personnel.organisation import service
from services.personnel.organisation.models import Unit, UnitKind
from services.personnel.organisation.schemas import (
    BodyPublic,
    RankPublic,
    UnitCreate,
    UnitPublic,
    UnitUpdate,
)
from services.personnel.roles import manage, read_organisation
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["organisation"])


def _public(unit: Unit, response: Response) -> UnitPublic:
    response.headers["ETag"] = etag(unit.version)
    return service.unit_public(unit)


@router.get("/ranks", dependencies=read_organisation)
def list_ranks(session: SessionDep) -> Page[RankPublic]:
    """Ranks, highest first (级别: 1 is the highest)."""
    return service.list_ranks(session)


@router.get("/bodies", dependencies=read_organisation)
def list_bodies(session: SessionDep) -> Page[BodyPublic]:
    """The four leading bodies (四大家)."""
    return service.list_bodies(session)


@router.get("/units", dependencies=read_organisation)
def list_units(
    session: SessionDep,
    params: PageDep,
    body_id: uuid.UUID | None = None,
    kind: UnitKind | None = None,
    parent_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[UnitPublic]:
    """Budget units and sections by code, filtered by body, kind, parent or active state."""
    return service.list_units(
        session, params, body_id=body_id, kind=kind, parent_id=parent_id, active=active
    )


@router.get("/units/{unit_id}", dependencies=read_organisation)
def get_unit(session: SessionDep, unit_id: uuid.UUID, response: Response) -> UnitPublic:
    """One unit (``ETag`` carries its version)."""
    return _public(service.get_unit(session, unit_id), response)


@router.post("/units", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_unit(
    session: SessionDep, audit: AuditDep, body: UnitCreate, response: Response
) -> UnitPublic:
    """Create a budget unit under a leading body, or a section inside a budget unit."""
    unit = service.create_unit(session=session, audit=audit, data=body)
    response.headers["Location"] = f"/units/{unit.id}"
    return _public(unit, response)


@router.patch("/units/{unit_id}", dependencies=manage)
def update_unit(
    session: SessionDep,
    audit: AuditDep,
    unit_id: uuid.UUID,
    body: UnitUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> UnitPublic:
    """Rename a unit or mark it inactive (send ``If-Match`` with its ETag)."""
    unit = service.update_unit(
        session=session, audit=audit, unit_id=unit_id, data=body, expected_version=expected
    )
    return _public(unit, response)
