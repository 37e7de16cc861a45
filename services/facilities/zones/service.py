"""Zones, liaisons and entrances: create, correct, read, and what is missing. Functions only
flush.

Rules:
- the places named are assets' (``sites.buildings_checked``, the ``locations`` facade): a
  building assets does not know is 422 ``UNKNOWN_LOCATION``, one outside the zone's compound
  422 ``LOCATION_MISMATCH``; with assets unreachable the cached reading answers, and a place
  never read is 503 ``LOCATIONS_UNAVAILABLE``; checked on create and whenever a correction
  names the compound or the buildings;
- a zone covers buildings or a named area, or both (422 ``ZONE_EMPTY``); its code is unique
  (409 ``CODE_TAKEN``); a building, or an office unit, is in one zone at most (409
  ``BUILDING_IN_OTHER_ZONE`` / ``UNIT_IN_OTHER_ZONE``); lists given in a correction replace
  the zone's (``If-Match``);
- a liaison is set (or replaced) for a unit: personnel's staff id, a name, a phone;
- an entrance is registered on a building of a zone (422 ``BUILDING_NOT_IN_ZONE``), once per
  label (409 ``ENTRANCE_EXISTS``); its manager is a member of staff (their staff id) or a
  resident named with a phone number (422 ``MANAGER_INCOMPLETE`` for a name without a phone
  or a phone without a name, when no staff id is given);
- the gaps: the units of active zones without a liaison, the entrances without a manager.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from services.facilities.locations.service import PlaceSource
from services.facilities.sites import buildings_checked, checked
from services.facilities.zones.models import Entrance, Liaison, Zone, ZoneBuilding, ZoneUnit
from services.facilities.zones.schemas import (
    EntranceCreate,
    EntranceGap,
    EntrancePublic,
    EntranceUpdate,
    Gaps,
    LiaisonPublic,
    LiaisonSet,
    UnitGap,
    ZoneCreate,
    ZonePublic,
    ZoneUpdate,
)
from shared.audit import AuditLog
from shared.changes import apply_update, record_change, record_creation
from shared.concurrency import check_version
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound


def public(session: Session, row: Zone) -> ZonePublic:
    buildings = session.exec(
        select(ZoneBuilding.building_id).where(ZoneBuilding.zone_id == row.id)
    ).all()
    units = session.exec(select(ZoneUnit.unit_id).where(ZoneUnit.zone_id == row.id)).all()
    return ZonePublic.model_validate(
        {**{n: getattr(row, n) for n in _ZONE_FIELDS}, "building_ids": sorted(buildings, key=str),
         "unit_ids": sorted(units, key=str)}
    )  # fmt: skip


_ZONE_FIELDS = tuple(n for n in ZonePublic.model_fields if n not in ("building_ids", "unit_ids"))


def _audited(session: Session, row: Zone) -> dict[str, Any]:
    data: dict[str, Any] = public(session, row).model_dump(mode="json", exclude={"version"})
    return data


def get(session: Session, zone_id: uuid.UUID, *, lock: bool = False) -> Zone:
    row = session.get(Zone, zone_id, with_for_update=lock or None)
    if row is None:
        raise NotFound("safety_zone", zone_id)
    return row


def _link(
    session: Session,
    zone: Zone,
    link: type[ZoneBuilding] | type[ZoneUnit],
    key: str,
    given: Sequence[uuid.UUID],
    code: str,
) -> None:
    """Replace the zone's rows of ``link`` with ``given``, refusing any another zone has."""
    wanted = set(given)
    column = getattr(link, key)
    zone_of = col(link.zone_id)
    taken = session.exec(select(column).where(col(column).in_(wanted), zone_of != zone.id)).first()
    if taken is not None:
        raise Conflict(code, f"{key} {taken} is in another zone")
    session.execute(delete(link).where(zone_of == zone.id))
    session.add_all(link(zone_id=zone.id, **{key: ident}) for ident in sorted(wanted, key=str))


def _cover(
    session: Session,
    zone: Zone,
    buildings: Sequence[uuid.UUID] | None,
    units: Sequence[uuid.UUID] | None,
) -> None:
    """Set the zone's buildings and units (None: leave them as they are)."""
    if buildings is not None:
        _link(session, zone, ZoneBuilding, "building_id", buildings, "BUILDING_IN_OTHER_ZONE")
    if units is not None:
        _link(session, zone, ZoneUnit, "unit_id", units, "UNIT_IN_OTHER_ZONE")
    session.flush()


def _not_empty(session: Session, zone: Zone) -> None:
    if (
        zone.area_name is None
        and not session.exec(
            select(ZoneBuilding.building_id).where(ZoneBuilding.zone_id == zone.id)
        ).first()
    ):
        raise Invalid("ZONE_EMPTY", "a zone covers buildings or a named area")


def _buildings(session: Session, zone: Zone) -> list[uuid.UUID]:
    return list(
        session.exec(select(ZoneBuilding.building_id).where(ZoneBuilding.zone_id == zone.id))
    )


def create(session: Session, audit: AuditLog, *, data: ZoneCreate, places: PlaceSource) -> Zone:
    if session.exec(select(Zone.id).where(Zone.code == data.code)).first() is not None:
        raise Conflict("CODE_TAKEN", f"zone {data.code} exists")
    buildings_checked(session, places, data.building_ids, compound_id=data.compound_id)
    row = Zone(**data.model_dump(exclude={"building_ids", "unit_ids"}))
    session.add(row)
    session.flush()
    _cover(session, row, data.building_ids, data.unit_ids)
    _not_empty(session, row)
    return record_creation(session, audit, row, action="safety_zone.create",
                           resource_type="safety_zone", after=_audited(session, row))  # fmt: skip


def update(
    session: Session,
    audit: AuditLog,
    zone_id: uuid.UUID,
    *,
    data: ZoneUpdate,
    expected_version: int | None,
    places: PlaceSource,
) -> Zone:
    row = get(session, zone_id, lock=True)
    check_version("safety_zone", row.version, expected_version)
    before = _audited(session, row)
    changes = data.model_dump(exclude_unset=True)
    if {"compound_id", "building_ids"} & changes.keys():
        compound = changes.get("compound_id", row.compound_id)
        buildings = changes.get("building_ids")
        covered = _buildings(session, row) if buildings is None else buildings
        buildings_checked(session, places, covered, compound_id=compound)
    _cover(session, row, changes.pop("building_ids", None), changes.pop("unit_ids", None))
    for name, value in changes.items():
        setattr(row, name, value)
    _not_empty(session, row)
    return record_change(session, audit, row, action="safety_zone.update",
                         resource_type="safety_zone", before=before,
                         after_view=lambda z: _audited(session, z))  # fmt: skip


def list_zones(session: Session, params: PageParams) -> Page[ZonePublic]:
    return paginate(session, select(Zone), params, col(Zone.code),
                    view=lambda z: public(session, z))  # fmt: skip


def liaison_public(row: Liaison) -> LiaisonPublic:
    return LiaisonPublic.model_validate(row, from_attributes=True)


def set_liaison(
    session: Session,
    audit: AuditLog,
    unit_id: uuid.UUID,
    *,
    data: LiaisonSet,
    expected_version: int | None,
) -> Liaison:
    """Name (or replace) a unit's fire and safety liaison."""
    row = session.get(Liaison, unit_id, with_for_update=True)
    if row is None:
        row = Liaison(unit_id=unit_id, **data.model_dump())
        return record_creation(
            session, audit, row, action="safety_liaison.set", resource_type="safety_liaison",
            after=liaison_public(row).model_dump(mode="json"),
        )  # fmt: skip
    return apply_update(session, audit, row, data.model_dump(), resource_type="safety_liaison",
                        view=lambda r: liaison_public(r).model_dump(mode="json"),
                        expected_version=expected_version)  # fmt: skip


def list_liaisons(session: Session, params: PageParams) -> Page[LiaisonPublic]:
    return paginate(session, select(Liaison), params, col(Liaison.unit_id), view=liaison_public)


def _zone_of(session: Session, building_id: uuid.UUID) -> uuid.UUID | None:
    return session.exec(
        select(ZoneBuilding.zone_id).where(ZoneBuilding.building_id == building_id)
    ).first()


def entrance_public(session: Session, row: Entrance) -> EntrancePublic:
    values = {n: getattr(row, n) for n in _ENTRANCE_FIELDS}
    return EntrancePublic.model_validate(
        {**values, "zone_id": _zone_of(session, row.building_id), "managed": managed(row)}
    )


_ENTRANCE_FIELDS = tuple(n for n in EntrancePublic.model_fields if n not in ("zone_id", "managed"))


def managed(row: Entrance) -> bool:
    return row.manager_staff_id is not None or (
        row.manager_name is not None and row.manager_phone is not None
    )


def _check_manager(row: Entrance) -> None:
    named = row.manager_name is not None or row.manager_phone is not None
    if row.manager_staff_id is None and named and not managed(row):
        raise Invalid(
            "MANAGER_INCOMPLETE",
            "a resident manager is named with a phone number, or give a staff id",
        )


def _entrance_audited(session: Session, row: Entrance) -> dict[str, Any]:
    data: dict[str, Any] = entrance_public(session, row).model_dump(mode="json")
    return data


def _label_free(session: Session, row: Entrance) -> None:
    clash = session.exec(
        select(Entrance.id).where(Entrance.building_id == row.building_id,
                                  Entrance.label == row.label, Entrance.id != row.id)
    ).first()  # fmt: skip
    if clash is not None:
        raise Conflict("ENTRANCE_EXISTS", f"building {row.building_id} has {row.label} already")


def create_entrance(
    session: Session, audit: AuditLog, *, data: EntranceCreate, places: PlaceSource
) -> Entrance:
    checked(session, places, {"building_id": data.building_id})
    if _zone_of(session, data.building_id) is None:
        raise Invalid("BUILDING_NOT_IN_ZONE", f"building {data.building_id} is in no zone")
    row = Entrance(**data.model_dump())
    _check_manager(row)
    _label_free(session, row)
    return record_creation(session, audit, row, action="entrance.create", resource_type="entrance",
                           after=_entrance_audited(session, row))  # fmt: skip


def update_entrance(
    session: Session,
    audit: AuditLog,
    entrance_id: uuid.UUID,
    *,
    data: EntranceUpdate,
    expected_version: int | None,
) -> Entrance:
    row = session.get(Entrance, entrance_id, with_for_update=True)
    if row is None:
        raise NotFound("entrance", entrance_id)
    apply_update(
        session,
        audit,
        row,
        data.model_dump(exclude_unset=True),
        resource_type="entrance",
        view=lambda r: _entrance_audited(session, r),
        expected_version=expected_version,
    )
    _check_manager(row)
    _label_free(session, row)
    return row


def list_entrances(
    session: Session,
    params: PageParams,
    *,
    building_id: uuid.UUID | None,
    zone_id: uuid.UUID | None,
) -> Page[EntrancePublic]:
    query = select(Entrance)
    if building_id is not None:
        query = query.where(Entrance.building_id == building_id)
    if zone_id is not None:
        query = query.join(
            ZoneBuilding, col(ZoneBuilding.building_id) == col(Entrance.building_id)
        ).where(ZoneBuilding.zone_id == zone_id)
    return paginate(session, query, params, col(Entrance.building_id), col(Entrance.label),
                    view=lambda e: entrance_public(session, e))  # fmt: skip


def gaps(session: Session) -> Gaps:
    """The units of active zones without a liaison; the entrances without a manager."""
    units = session.exec(
        select(ZoneUnit.unit_id, Zone.id, Zone.code)
        .join(Zone, col(Zone.id) == col(ZoneUnit.zone_id))
        .outerjoin(Liaison, col(Liaison.unit_id) == col(ZoneUnit.unit_id))
        .where(col(Zone.active).is_(True), col(Liaison.unit_id).is_(None))
        .order_by(col(Zone.code), col(ZoneUnit.unit_id))
    ).all()
    entrances = session.exec(
        select(Entrance, Zone.id, Zone.code)
        .outerjoin(ZoneBuilding, col(ZoneBuilding.building_id) == col(Entrance.building_id))
        .outerjoin(Zone, col(Zone.id) == col(ZoneBuilding.zone_id))
        .order_by(col(Zone.code), col(Entrance.building_id), col(Entrance.label))
    ).all()
    return Gaps(
        units_without_liaison=[UnitGap(unit_id=u, zone_id=z, zone_code=c) for u, z, c in units],
        entrances_without_manager=[
            EntranceGap(entrance_id=e.id, building_id=e.building_id, label=e.label, zone_id=z,
                        zone_code=c)
            for e, z, c in entrances
            if not managed(e)
        ],
    )  # fmt: skip
