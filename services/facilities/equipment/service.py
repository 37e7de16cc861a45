"""The fire equipment register: register, correct, read. Functions only flush.

Rules: a code is unique (409 ``CODE_TAKEN``); a zone named exists (422 ``UNKNOWN_ZONE``),
and without one an item takes its building's zone; its building and room are assets'
(``sites.checked``, the ``locations`` facade): 422 ``UNKNOWN_LOCATION`` for a place assets
does not know, 422 ``LOCATION_MISMATCH`` for a room outside the building or a building outside
the compound of the zone named, the cached reading when assets is down and 503
``LOCATIONS_UNAVAILABLE`` for a place never read; a room alone fills in its building. Checked
on create and whenever a correction names the building, the room or the zone; an item does
not expire before it
entered service (422 ``DATES_OUT_OF_ORDER``; days from 1950 to 2200,
422 ``DATE_OUT_OF_RANGE``); its next check falls due its interval after
its last check, or after it entered service when never checked (a new interval moves it).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from services.facilities.days import in_range
from services.facilities.equipment.models import Check, Equipment, Kind
from services.facilities.equipment.schemas import (
    CheckPublic,
    EquipmentCreate,
    EquipmentPublic,
    EquipmentUpdate,
)
from services.facilities.locations.service import PlaceSource
from services.facilities.sites import checked
from services.facilities.zones.models import Zone, ZoneBuilding
from shared.audit import AuditLog
from shared.changes import apply_update, record_creation
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound


def public(row: Equipment) -> EquipmentPublic:
    return EquipmentPublic.model_validate(row, from_attributes=True)


def audited(row: Equipment) -> dict[str, Any]:
    data: dict[str, Any] = public(row).model_dump(mode="json", exclude={"version"})
    return data


def next_due(row: Equipment) -> date:
    return (row.last_checked_on or row.in_service_from) + timedelta(days=row.check_interval_days)


def get(session: Session, equipment_id: uuid.UUID) -> Equipment:
    row = session.get(Equipment, equipment_id)
    if row is None:
        raise NotFound("fire_equipment", equipment_id)
    return row


PLACED_BY = frozenset({"building_id", "room_id", "zone_id"})


def _site(session: Session, places: PlaceSource, values: dict[str, Any]) -> dict[str, Any]:
    """The building and room of ``values`` as assets has them (a room's building filled in),
    within the compound of the zone named when it names one."""
    building, room, zone_id = (values.get(k) for k in ("building_id", "room_id", "zone_id"))
    if building is None and room is None:
        return {}
    zone = session.get(Zone, zone_id) if zone_id is not None else None
    compound = zone.compound_id if zone is not None else None
    site = {"compound_id": compound, "building_id": building, "room_id": room}
    place = checked(session, places, site)
    return {"building_id": place["building_id"], "room_id": place["room_id"]}


def _place(session: Session, row: Equipment, zone_given: bool) -> None:
    """Check the zone named, or take the building's when none was."""
    if row.zone_id is not None:
        if session.get(Zone, row.zone_id) is None:
            raise Invalid("UNKNOWN_ZONE", f"zone {row.zone_id} does not exist")
    elif not zone_given and row.building_id is not None:
        row.zone_id = session.exec(
            select(ZoneBuilding.zone_id).where(ZoneBuilding.building_id == row.building_id)
        ).first()
    in_range(row.in_service_from, "in_service_from")
    in_range(row.expires_on, "expires_on")
    if row.expires_on is not None and row.expires_on < row.in_service_from:
        raise Invalid("DATES_OUT_OF_ORDER", "expires_on is before in_service_from")


def create(
    session: Session, audit: AuditLog, *, data: EquipmentCreate, places: PlaceSource
) -> Equipment:
    if session.exec(select(Equipment.id).where(Equipment.code == data.code)).first() is not None:
        raise Conflict("CODE_TAKEN", f"equipment {data.code} exists")
    values = data.model_dump()
    row = Equipment(**{**values, **_site(session, places, values)}, next_check_due=date.min)
    _place(session, row, zone_given=False)
    row.next_check_due = next_due(row)
    return record_creation(session, audit, row, action="fire_equipment.create",
                           resource_type="fire_equipment", after=audited(row))  # fmt: skip


def update(
    session: Session,
    audit: AuditLog,
    equipment_id: uuid.UUID,
    *,
    data: EquipmentUpdate,
    expected_version: int | None,
    places: PlaceSource,
) -> Equipment:
    row = session.get(Equipment, equipment_id, with_for_update=True)
    if row is None:
        raise NotFound("fire_equipment", equipment_id)
    changes = data.model_dump(exclude_unset=True)
    if PLACED_BY & changes.keys():
        changes |= _site(session, places, {k: changes.get(k, getattr(row, k)) for k in PLACED_BY})
    if "check_interval_days" in changes:
        last = row.last_checked_on or row.in_service_from
        changes["next_check_due"] = last + timedelta(days=changes["check_interval_days"])
    apply_update(session, audit, row, changes, resource_type="fire_equipment", view=audited,
                 expected_version=expected_version)  # fmt: skip
    _place(session, row, zone_given="zone_id" in changes)
    return row


def list_equipment(
    session: Session,
    params: PageParams,
    *,
    kind: Kind | None,
    zone_id: uuid.UUID | None,
    building_id: uuid.UUID | None,
    active: bool | None,
) -> Page[EquipmentPublic]:
    query = select(Equipment)
    filters = {"kind": kind, "zone_id": zone_id, "building_id": building_id, "active": active}
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(Equipment, name) == value)
    return paginate(session, query, params, col(Equipment.code), view=public)


def list_checks(session: Session, equipment_id: uuid.UUID, params: PageParams) -> Page[CheckPublic]:
    get(session, equipment_id)
    query = select(Check).where(Check.equipment_id == equipment_id)
    return paginate(session, query, params, col(Check.checked_at).desc(), col(Check.check_id),
                    view=lambda c: CheckPublic.model_validate(c, from_attributes=True))  # fmt: skip
