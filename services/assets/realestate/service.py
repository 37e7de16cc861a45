"""Rules and queries of the real-estate register. Functions only flush: the caller's unit of
work commits (or rolls back when a rule below raises, with whatever was changed before it)."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, SQLModel, col, select

from services.assets.realestate.models import Building, BuildingKind, Compound, Floor, Room, RoomUse
from services.assets.realestate.schemas import (
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
    RoomUpdate,
)
from shared.audit import AuditLog
from shared.changes import apply_update, record_creation
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound

Row = Compound | Building | Floor | Room
R = TypeVar("R", Compound, Building, Floor, Room)

NAMES: dict[type[SQLModel], str] = {
    Compound: "compound",
    Building: "building",
    Floor: "floor",
    Room: "room",
}
PUBLIC: dict[type[SQLModel], type[BaseModel]] = {
    Compound: CompoundPublic,
    Building: BuildingPublic,
    Floor: FloorPublic,
    Room: RoomPublic,
}
# what a row may not be deactivated before (its active parts), and what it belongs to
PARTS: dict[type[SQLModel], tuple[tuple[type[Row], str], ...]] = {
    Compound: ((Building, "compound_id"),),
    Building: ((Floor, "building_id"), (Room, "building_id")),
    Floor: ((Room, "floor_id"),),
    Room: (),
}
PARENT: dict[type[SQLModel], tuple[Any, str]] = {
    Building: (Compound, "compound_id"),
    Floor: (Building, "building_id"),
    Room: (Floor, "floor_id"),
}


def public(row: Row) -> Any:
    """The row as the API shows it (``XPublic``)."""
    return PUBLIC[type(row)].model_validate(row, from_attributes=True)


def _audited(row: Row) -> dict[str, Any]:
    """The row as the audit trail keeps it: without ``version`` (``apply_update`` takes the
    "after" view before it bumps the version, so the number would be the old one)."""
    data: dict[str, Any] = public(row).model_dump(mode="json", exclude={"version"})
    return data


def get(session: Session, model: type[R], ident: uuid.UUID, *, lock: bool = False) -> R:
    row = session.get(model, ident, with_for_update=lock)
    if row is None:
        raise NotFound(NAMES[model], ident)
    return row


def _parent(session: Session, model: type[R], ident: uuid.UUID) -> R:
    """The row a new one belongs to: 422 when it does not exist, 409 when deactivated."""
    row = session.get(model, ident)
    name = NAMES[model]
    if row is None:
        raise Invalid(f"UNKNOWN_{name.upper()}", f"{name} {ident} does not exist")
    if not row.active:
        raise Conflict("INACTIVE_PARENT", f"{name} {ident} is deactivated")
    return row


def _free_code(session: Session, model: type[Compound | Building | Room], code: str) -> None:
    if session.exec(select(model.id).where(model.code == code)).first() is not None:
        name = NAMES[model]
        raise Conflict(f"{name.upper()}_CODE_TAKEN", f"{name} code {code!r} is taken")


def _create(session: Session, audit: AuditLog, row: R) -> R:
    name = NAMES[type(row)]
    return record_creation(
        session, audit, row, action=f"{name}.create", resource_type=name, after=_audited(row)
    )


def create_compound(session: Session, audit: AuditLog, *, data: CompoundCreate) -> Compound:
    _free_code(session, Compound, data.code)
    return _create(session, audit, Compound(**data.model_dump()))


def create_building(session: Session, audit: AuditLog, *, data: BuildingCreate) -> Building:
    _parent(session, Compound, data.compound_id)
    _free_code(session, Building, data.code)
    return _create(session, audit, Building(**data.model_dump()))


def floor_name(level: int) -> str:
    return f"{level}F" if level > 0 else f"B{-level}"


def create_floor(session: Session, audit: AuditLog, *, data: FloorCreate) -> Floor:
    _parent(session, Building, data.building_id)
    taken = select(Floor.id).where(Floor.building_id == data.building_id, Floor.level == data.level)
    if session.exec(taken).first() is not None:
        raise Conflict("FLOOR_EXISTS", f"the building already has floor level {data.level}")
    name = data.name or floor_name(data.level)
    return _create(session, audit, Floor(**data.model_dump(exclude={"name"}), name=name))


def _floor_of(session: Session, building_id: uuid.UUID, floor_id: uuid.UUID) -> Floor:
    floor = _parent(session, Floor, floor_id)
    if floor.building_id != building_id:
        raise Invalid("FLOOR_NOT_IN_BUILDING", f"floor {floor_id} is not in building {building_id}")
    return floor


def create_room(session: Session, audit: AuditLog, *, data: RoomCreate) -> Room:
    building = _parent(session, Building, data.building_id)
    _floor_of(session, building.id, data.floor_id)
    _free_code(session, Room, data.code)
    return _create(session, audit, Room(**data.model_dump(), compound_id=building.compound_id))


def _check_state(session: Session, row: Row) -> None:
    """A deactivated row has no active parts; an active one belongs to an active parent."""
    model = type(row)
    if not row.active:
        for part, key in PARTS[model]:
            active_part = _filtered(select(part.id), part, **{key: row.id, "active": True})
            if session.exec(active_part).first() is not None:
                raise Conflict(
                    "HAS_ACTIVE_PARTS",
                    f"deactivate the {NAMES[part]}s of this {NAMES[model]} first",
                )
    elif model in PARENT:
        parent_model, key = PARENT[model]
        _parent(session, parent_model, getattr(row, key))


def update(
    session: Session,
    audit: AuditLog,
    model: type[R],
    ident: uuid.UUID,
    *,
    data: CompoundUpdate | BuildingUpdate | FloorUpdate | RoomUpdate,
    expected_version: int | None,
) -> R:
    """A partial update after ``If-Match`` (versioned and audited); ``active: false``
    deactivates, and a room moves only between floors of its own building."""
    row = get(session, model, ident, lock=True)
    changes = data.model_dump(exclude_unset=True)
    name = NAMES[model]
    apply_update(
        session,
        audit,
        row,
        changes,
        resource_type=name,
        view=_audited,
        expected_version=expected_version,
    )
    if isinstance(row, Room) and "floor_id" in changes:
        _floor_of(session, row.building_id, row.floor_id)
    if "active" in changes:
        _check_state(session, row)
    return row


def list_compounds(session: Session, params: PageParams, *, active: bool | None) -> Page[Any]:
    query = _filtered(select(Compound), Compound, active=active)
    return paginate(session, query, params, col(Compound.code), view=public)


def list_buildings(
    session: Session,
    params: PageParams,
    *,
    compound_id: uuid.UUID | None,
    kind: BuildingKind | None,
    active: bool | None,
) -> Page[Any]:
    query = _filtered(select(Building), Building, compound_id=compound_id, kind=kind, active=active)
    return paginate(session, query, params, col(Building.code), view=public)


def list_floors(
    session: Session, params: PageParams, *, building_id: uuid.UUID | None, active: bool | None
) -> Page[Any]:
    query = _filtered(select(Floor), Floor, building_id=building_id, active=active)
    order = (col(Floor.building_id), col(Floor.level))
    return paginate(session, query, params, *order, view=public)


RoomFilters = dict[str, uuid.UUID | RoomUse | bool | None]


def room_filters(
    *,
    compound_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
    floor_id: uuid.UUID | None = None,
    use: RoomUse | None = None,
    unit_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> RoomFilters:
    return {
        "compound_id": compound_id,
        "building_id": building_id,
        "floor_id": floor_id,
        "use": use,
        "unit_id": unit_id,
        "active": active,
    }


def _filtered(query: Any, model: type[SQLModel], **filters: object) -> Any:
    """``query`` narrowed to the rows whose columns equal the filters given (None: any)."""
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(model, name) == value)
    return query


def list_rooms(session: Session, params: PageParams, filters: RoomFilters) -> Page[Any]:
    query = _filtered(select(Room), Room, **filters)
    return paginate(session, query, params, col(Room.code), view=public)


def room_slice(
    session: Session, *, after: str | None, limit: int, filters: RoomFilters
) -> tuple[list[RoomPublic], str | None]:
    """Keyset slice of rooms by code for peers (one query, no count); the code to continue
    after, or None when this slice is the last."""
    query = _filtered(select(Room), Room, **filters)
    if after is not None:
        query = query.where(col(Room.code) > after)
    rows = list(session.exec(query.order_by(col(Room.code)).limit(limit + 1)))
    items = [RoomPublic.model_validate(r, from_attributes=True) for r in rows[:limit]]
    return items, (items[-1].code if len(rows) > limit else None)
