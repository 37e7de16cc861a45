"""Routes of the real-estate register: compounds, buildings, floors, rooms, area totals."""

from __future__ import annotations

import uuid
from typing import Annotated, TypeVar

from fastapi import Query, Response, status
from pydantic import BaseModel

from services.assets.realestate import service, summary
from services.assets.realestate.models import Building, BuildingKind, Compound, Floor, Room, RoomUse
from services.assets.realestate.schemas import (
    AreaSummary,
    BuildingCreate,
    BuildingPublic,
    BuildingUpdate,
    CompoundCreate,
    CompoundPublic,
    CompoundUpdate,
    FloorCreate,
    FloorPublic,
    FloorUpdate,
    RoomCreate,
    RoomPublic,
    RoomSlice,
    RoomUpdate,
)
from services.assets.roles import manage, read_locations
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["real estate"])
MAX_SLICE = 2000
P = TypeVar("P", bound=BaseModel)


def _answer(
    row: service.Row, response: Response, schema: type[P], location: str | None = None
) -> P:
    """The row as ``schema`` shows it, its version as ``ETag`` (and where a new row lives)."""
    response.headers["ETag"] = etag(row.version)
    if location is not None:
        response.headers["Location"] = f"/{location}/{row.id}"
    return schema.model_validate(row, from_attributes=True)


@router.get("/compounds", dependencies=read_locations)
def list_compounds(
    session: SessionDep, params: PageDep, active: bool | None = None
) -> Page[CompoundPublic]:
    """The compounds (机关大院) by code."""
    return service.list_compounds(session, params, active=active)


@router.post("/compounds", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_compound(
    session: SessionDep, audit: AuditDep, body: CompoundCreate, response: Response
) -> CompoundPublic:
    """Register a compound (its code is unique)."""
    return _answer(
        service.create_compound(session, audit, data=body), response, CompoundPublic, "compounds"
    )


@router.get("/compounds/{compound_id}", dependencies=read_locations)
def get_compound(session: SessionDep, compound_id: uuid.UUID, response: Response) -> CompoundPublic:
    """One compound (``ETag`` carries its version)."""
    return _answer(service.get(session, Compound, compound_id), response, CompoundPublic)


@router.patch("/compounds/{compound_id}", dependencies=manage)
def update_compound(
    session: SessionDep,
    audit: AuditDep,
    compound_id: uuid.UUID,
    body: CompoundUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> CompoundPublic:
    """Correct a compound, or deactivate it once its buildings are (send ``If-Match``)."""
    row = service.update(
        session, audit, Compound, compound_id, data=body, expected_version=expected
    )
    return _answer(row, response, CompoundPublic)


@router.get("/buildings", dependencies=read_locations)
def list_buildings(
    session: SessionDep,
    params: PageDep,
    compound_id: uuid.UUID | None = None,
    kind: BuildingKind | None = None,
    active: bool | None = None,
) -> Page[BuildingPublic]:
    """Buildings by code, filtered by compound, kind or active state."""
    return service.list_buildings(
        session, params, compound_id=compound_id, kind=kind, active=active
    )


@router.post("/buildings", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_building(
    session: SessionDep, audit: AuditDep, body: BuildingCreate, response: Response
) -> BuildingPublic:
    """Register a building of an active compound, with its land parcel and certificates."""
    return _answer(
        service.create_building(session, audit, data=body), response, BuildingPublic, "buildings"
    )


@router.get("/buildings/{building_id}", dependencies=read_locations)
def get_building(session: SessionDep, building_id: uuid.UUID, response: Response) -> BuildingPublic:
    """One building (``ETag`` carries its version)."""
    return _answer(service.get(session, Building, building_id), response, BuildingPublic)


@router.patch("/buildings/{building_id}", dependencies=manage)
def update_building(
    session: SessionDep,
    audit: AuditDep,
    building_id: uuid.UUID,
    body: BuildingUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> BuildingPublic:
    """Correct a building, or deactivate it once its floors and rooms are (``If-Match``)."""
    row = service.update(
        session, audit, Building, building_id, data=body, expected_version=expected
    )
    return _answer(row, response, BuildingPublic)


@router.get("/floors", dependencies=read_locations)
def list_floors(
    session: SessionDep,
    params: PageDep,
    building_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[FloorPublic]:
    """Floors by building and level."""
    return service.list_floors(session, params, building_id=building_id, active=active)


@router.post("/floors", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_floor(
    session: SessionDep, audit: AuditDep, body: FloorCreate, response: Response
) -> FloorPublic:
    """Add a floor to an active building (one per level)."""
    return _answer(service.create_floor(session, audit, data=body), response, FloorPublic, "floors")


@router.get("/floors/{floor_id}", dependencies=read_locations)
def get_floor(session: SessionDep, floor_id: uuid.UUID, response: Response) -> FloorPublic:
    """One floor (``ETag`` carries its version)."""
    return _answer(service.get(session, Floor, floor_id), response, FloorPublic)


@router.patch("/floors/{floor_id}", dependencies=manage)
def update_floor(
    session: SessionDep,
    audit: AuditDep,
    floor_id: uuid.UUID,
    body: FloorUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> FloorPublic:
    """Rename a floor, or deactivate it once its rooms are (``If-Match``)."""
    row = service.update(session, audit, Floor, floor_id, data=body, expected_version=expected)
    return _answer(row, response, FloorPublic)


@router.get("/rooms", dependencies=read_locations)
def list_rooms(
    session: SessionDep,
    params: PageDep,
    compound_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
    floor_id: uuid.UUID | None = None,
    use: RoomUse | None = None,
    unit_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[RoomPublic]:
    """Rooms by code, filtered by compound, building, floor, use or assigned budget unit."""
    filters = service.room_filters(
        compound_id=compound_id,
        building_id=building_id,
        floor_id=floor_id,
        use=use,
        unit_id=unit_id,
        active=active,
    )
    return service.list_rooms(session, params, filters)


@router.get("/rooms/bulk", dependencies=read_locations)
def bulk_rooms(
    session: SessionDep,
    after: Annotated[
        str | None, Query(max_length=30, description="next_after of the last slice")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_SLICE)] = 1000,
    compound_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> RoomSlice:
    """Every room (or a compound's, or a unit's) in keyset slices of up to 2,000, for peers."""
    filters = service.room_filters(compound_id=compound_id, unit_id=unit_id, active=active)
    items, next_after = service.room_slice(session, after=after, limit=limit, filters=filters)
    return RoomSlice(items=items, next_after=next_after)


@router.post("/rooms", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_room(
    session: SessionDep, audit: AuditDep, body: RoomCreate, response: Response
) -> RoomPublic:
    """Register a room on a floor of its building, with its use, area and budget unit."""
    return _answer(service.create_room(session, audit, data=body), response, RoomPublic, "rooms")


@router.get("/rooms/{room_id}", dependencies=read_locations)
def get_room(session: SessionDep, room_id: uuid.UUID, response: Response) -> RoomPublic:
    """One room (``ETag`` carries its version)."""
    return _answer(service.get(session, Room, room_id), response, RoomPublic)


@router.patch("/rooms/{room_id}", dependencies=manage)
def update_room(
    session: SessionDep,
    audit: AuditDep,
    room_id: uuid.UUID,
    body: RoomUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> RoomPublic:
    """Change a room's use, area, seats, unit or floor (in its building), or deactivate it."""
    row = service.update(session, audit, Room, room_id, data=body, expected_version=expected)
    return _answer(row, response, RoomPublic)


@router.get("/area-summary", dependencies=read_locations)
def area_summary(session: SessionDep, compound_id: uuid.UUID | None = None) -> AreaSummary:
    """Area totals (buildings' gross floor area, rooms' area, seats, area by use) of all
    compounds with one part per compound, or of one compound with one part per building."""
    return summary.area_summary(session, compound_id=compound_id)
