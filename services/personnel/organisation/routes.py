"""Routes of the organisation: leading bodies, ranks, budget units and sections."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from services.personnel.organisation import service
from services.personnel.organisation.models import (
    BodyPublic,
    RankPublic,
    Unit,
    UnitCreate,
    UnitKind,
    UnitPublic,
    UnitUpdate,
)
from services.personnel.roles import manage, read_organisation
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = APIRouter(tags=["organisation"])


def _public(unit: Unit, response: Response) -> UnitPublic:
    response.headers["ETag"] = etag(unit.version)
    return UnitPublic.model_validate(unit, from_attributes=True)


@router.get("/ranks", dependencies=read_organisation)
async def list_ranks(session: SessionDep) -> list[RankPublic]:
    """Ranks, highest first (级别: 1 is the highest)."""
    return [RankPublic.model_validate(r, from_attributes=True) for r in service.list_ranks(session)]


@router.get("/bodies", dependencies=read_organisation)
async def list_bodies(session: SessionDep) -> list[BodyPublic]:
    """The four leading bodies (四大家)."""
    return [
        BodyPublic.model_validate(b, from_attributes=True) for b in service.list_bodies(session)
    ]


@router.get("/units", dependencies=read_organisation)
async def list_units(
    session: SessionDep,
    params: PageDep,
    body_id: uuid.UUID | None = None,
    kind: UnitKind | None = None,
    parent_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[UnitPublic]:
    """Budget units and sections by code, filtered by body, kind, parent or active state."""
    units, total = service.list_units(
        session, params, body_id=body_id, kind=kind, parent_id=parent_id, active=active
    )
    items = [UnitPublic.model_validate(u, from_attributes=True) for u in units]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/units/{unit_id}", dependencies=read_organisation)
async def get_unit(session: SessionDep, unit_id: uuid.UUID, response: Response) -> UnitPublic:
    """One unit (``ETag`` carries its version)."""
    return _public(service.get_unit(session, unit_id), response)


@router.post("/units", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_unit(
    request: Request, session: SessionDep, body: UnitCreate, response: Response
) -> UnitPublic:
    """Create a budget unit under a leading body, or a section inside a budget unit."""
    unit = service.create_unit(session=session, audit=request.app.state.audit, data=body)
    response.headers["Location"] = f"/units/{unit.id}"
    return _public(unit, response)


@router.patch("/units/{unit_id}", dependencies=manage)
def update_unit(
    request: Request,
    session: SessionDep,
    unit_id: uuid.UUID,
    body: UnitUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> UnitPublic:
    """Rename a unit or mark it inactive (send ``If-Match`` with its ETag)."""
    unit = service.update_unit(
        session=session,
        audit=request.app.state.audit,
        unit_id=unit_id,
        data=body,
        expected_version=expected,
    )
    return _public(unit, response)
