"""Routes of the fire equipment register (消防器材): items, checks, what is due."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Query, Response, status

from services.facilities.equipment import checks, report, service
from services.facilities.equipment.models import Equipment, Kind
from services.facilities.equipment.schemas import (
    CheckBatch,
    CheckPublic,
    CheckReceipt,
    DueReport,
    EquipmentCreate,
    EquipmentPublic,
    EquipmentUpdate,
)
from services.facilities.locations.deps import PlacesDep
from services.facilities.roles import manage_safety, read_wide
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.types import today

router = Router(tags=["fire equipment"])


def _answer(row: Equipment, response: Response) -> EquipmentPublic:
    response.headers["ETag"] = etag(row.version)
    return service.public(row)


@router.get("/fire-equipment", dependencies=read_wide)
def list_equipment(
    session: SessionDep,
    params: PageDep,
    kind: Kind | None = None,
    zone_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[EquipmentPublic]:
    """Items by code, filtered by kind, zone, building or whether in service."""
    return service.list_equipment(session, params, kind=kind, zone_id=zone_id,
                                  building_id=building_id, active=active)  # fmt: skip


@router.post("/fire-equipment", status_code=status.HTTP_201_CREATED, dependencies=manage_safety)
def register_equipment(
    session: SessionDep,
    audit: AuditDep,
    places: PlacesDep,
    body: EquipmentCreate,
    response: Response,
) -> EquipmentPublic:
    """Register an item in an assets building or room (checked, or from the cache when assets
    is down); its first check falls due its interval after it entered service."""
    row = service.create(session, audit, data=body, places=places)
    response.headers["Location"] = f"/fire-equipment/{row.id}"
    return _answer(row, response)


@router.get("/fire-equipment/due", dependencies=read_wide)
def due_report(
    session: SessionDep,
    as_of: date | None = None,
    within_days: Annotated[int, Query(ge=1, le=365, description="the window, in days")] = 30,
    zone_id: uuid.UUID | None = None,
) -> DueReport:
    """Per zone, the checks overdue or due soon and the items expired or expiring."""
    return report.report(session, as_of=as_of or today(), within_days=within_days,
                         zone_id=zone_id)  # fmt: skip


@router.post("/fire-equipment/checks", dependencies=manage_safety)
def post_checks(session: SessionDep, audit: AuditDep, body: CheckBatch) -> CheckReceipt:
    """Up to 500 checks; a check id seen before changes nothing (the receipt counts them)."""
    return checks.post(session, audit, batch=body)


@router.get("/fire-equipment/{equipment_id}", dependencies=read_wide)
def get_equipment(
    session: SessionDep, equipment_id: uuid.UUID, response: Response
) -> EquipmentPublic:
    """One item (``ETag`` carries its version)."""
    return _answer(service.get(session, equipment_id), response)


@router.patch("/fire-equipment/{equipment_id}", dependencies=manage_safety)
def update_equipment(
    session: SessionDep,
    audit: AuditDep,
    places: PlacesDep,
    equipment_id: uuid.UUID,
    body: EquipmentUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> EquipmentPublic:
    """Correct an item, move it, change its interval or take it out of service."""
    row = service.update(
        session, audit, equipment_id, data=body, expected_version=expected, places=places
    )
    return _answer(row, response)


@router.get("/fire-equipment/{equipment_id}/checks", dependencies=read_wide)
def list_checks(session: SessionDep, equipment_id: uuid.UUID, params: PageDep) -> Page[CheckPublic]:
    """The item's checks, latest first."""
    return service.list_checks(session, equipment_id, params)
