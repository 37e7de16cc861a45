"""Routes of the safety zones (安全责任区域), the units' liaisons and the entrances' managers."""

from __future__ import annotations

import uuid

from fastapi import Response, status

from services.facilities.locations.deps import PlacesDep
from services.facilities.roles import manage_safety, read_wide
from services.facilities.zones import service
from services.facilities.zones.schemas import (
    EntranceCreate,
    EntrancePublic,
    EntranceUpdate,
    Gaps,
    LiaisonPublic,
    LiaisonSet,
    ZoneCreate,
    ZonePublic,
    ZoneUpdate,
)
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["safety zones"])


@router.get("/safety-zones", dependencies=read_wide)
def list_zones(session: SessionDep, params: PageDep) -> Page[ZonePublic]:
    """Zones by code, with the buildings and units each covers."""
    return service.list_zones(session, params)


@router.post("/safety-zones", status_code=status.HTTP_201_CREATED, dependencies=manage_safety)
def create_zone(
    session: SessionDep, audit: AuditDep, places: PlacesDep, body: ZoneCreate, response: Response
) -> ZonePublic:
    """A zone over buildings and/or a named area, with the office units housed in it; its
    compound and buildings are assets' (checked, or from the cache when assets is down)."""
    row = service.create(session, audit, data=body, places=places)
    response.headers["Location"] = f"/safety-zones/{row.id}"
    response.headers["ETag"] = etag(row.version)
    return service.public(session, row)


@router.get("/safety-zones/gaps", dependencies=read_wide)
def zone_gaps(session: SessionDep) -> Gaps:
    """The units of active zones without a liaison and the entrances without a manager."""
    return service.gaps(session)


@router.get("/safety-zones/{zone_id}", dependencies=read_wide)
def get_zone(session: SessionDep, zone_id: uuid.UUID, response: Response) -> ZonePublic:
    """One zone (``ETag`` carries its version)."""
    row = service.get(session, zone_id)
    response.headers["ETag"] = etag(row.version)
    return service.public(session, row)


@router.patch("/safety-zones/{zone_id}", dependencies=manage_safety)
def update_zone(
    session: SessionDep,
    audit: AuditDep,
    places: PlacesDep,
    zone_id: uuid.UUID,
    body: ZoneUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> ZonePublic:
    """Correct a zone (``If-Match``); building and unit lists given replace its own."""
    row = service.update(
        session, audit, zone_id, data=body, expected_version=expected, places=places
    )
    response.headers["ETag"] = etag(row.version)
    return service.public(session, row)


@router.get("/safety-liaisons", dependencies=read_wide)
def list_liaisons(session: SessionDep, params: PageDep) -> Page[LiaisonPublic]:
    """Each office unit's fire and safety liaison."""
    return service.list_liaisons(session, params)


@router.put("/safety-liaisons/{unit_id}", dependencies=manage_safety)
def set_liaison(
    session: SessionDep,
    audit: AuditDep,
    unit_id: uuid.UUID,
    body: LiaisonSet,
    response: Response,
    expected: ExpectedVersion,
) -> LiaisonPublic:
    """Name or replace a unit's liaison (``If-Match`` when replacing)."""
    row = service.set_liaison(session, audit, unit_id, data=body, expected_version=expected)
    response.headers["ETag"] = etag(row.version)
    return service.liaison_public(row)


@router.get("/entrances", dependencies=read_wide)
def list_entrances(
    session: SessionDep,
    params: PageDep,
    building_id: uuid.UUID | None = None,
    zone_id: uuid.UUID | None = None,
) -> Page[EntrancePublic]:
    """Residential entrances by building and label, with their managers."""
    return service.list_entrances(session, params, building_id=building_id, zone_id=zone_id)


@router.post("/entrances", status_code=status.HTTP_201_CREATED, dependencies=manage_safety)
def create_entrance(
    session: SessionDep,
    audit: AuditDep,
    places: PlacesDep,
    body: EntranceCreate,
    response: Response,
) -> EntrancePublic:
    """Register an entrance of a zone's building (assets'), with its manager when known."""
    row = service.create_entrance(session, audit, data=body, places=places)
    response.headers["Location"] = f"/entrances/{row.id}"
    response.headers["ETag"] = etag(row.version)
    return service.entrance_public(session, row)


@router.patch("/entrances/{entrance_id}", dependencies=manage_safety)
def update_entrance(
    session: SessionDep,
    audit: AuditDep,
    entrance_id: uuid.UUID,
    body: EntranceUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> EntrancePublic:
    """Name, change or clear an entrance's manager (``If-Match``)."""
    row = service.update_entrance(session, audit, entrance_id, data=body, expected_version=expected)
    response.headers["ETag"] = etag(row.version)
    return service.entrance_public(session, row)
