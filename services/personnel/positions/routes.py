"""Routes of positions and their written responsibilities."""

from __future__ import annotations

import uuid

from fastapi import Response, status

from services.personnel.positions import service
from services.personnel.positions.models import Position
from services.personnel.positions.schemas import PositionCreate, PositionPublic, PositionUpdate
from services.personnel.roles import manage, read_organisation
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["positions"])


def _public(position: Position, response: Response) -> PositionPublic:
    response.headers["ETag"] = etag(position.version)
    return service.position_public(position)


@router.get("/positions", dependencies=read_organisation)
def list_positions(
    session: SessionDep,
    params: PageDep,
    unit_id: uuid.UUID | None = None,
    rank_code: str | None = None,
    active: bool | None = None,
) -> Page[PositionPublic]:
    """Positions by code, filtered by unit, rank or active state."""
    return service.list_positions(
        session, params, unit_id=unit_id, rank_code=rank_code, active=active
    )


@router.get("/positions/{position_id}", dependencies=read_organisation)
def get_position(session: SessionDep, position_id: uuid.UUID, response: Response) -> PositionPublic:
    """One position with its responsibilities (``ETag`` carries its version)."""
    return _public(service.get_position(session, position_id), response)


@router.post("/positions", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_position(
    session: SessionDep, audit: AuditDep, body: PositionCreate, response: Response
) -> PositionPublic:
    """Create a position in a unit, at a rank, with its written responsibilities."""
    position = service.create_position(session=session, audit=audit, data=body)
    response.headers["Location"] = f"/positions/{position.id}"
    return _public(position, response)


@router.patch("/positions/{position_id}", dependencies=manage)
def update_position(
    session: SessionDep,
    audit: AuditDep,
    position_id: uuid.UUID,
    body: PositionUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> PositionPublic:
    """Change title, rank, responsibilities, headcount or active state (``If-Match``)."""
    position = service.update_position(
        session=session, audit=audit, position_id=position_id, data=body, expected_version=expected
    )
    return _public(position, response)
