"""Area totals of the register (a service-layer read): per compound, or per building of one
compound; only active buildings and rooms count."""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from services.assets.realestate.models import Building, Compound, Room, RoomUse
from services.assets.realestate.schemas import AreaPart, AreaSummary, AreaTotals
from services.assets.realestate.service import get

ZERO = Decimal("0.00")


def _m2(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def area_summary(session: Session, *, compound_id: uuid.UUID | None) -> AreaSummary:
    """Totals of everything with one part per compound, or of one compound with one part per
    building."""
    if compound_id is None:
        owners: list[Compound] | list[Building] = list(
            session.exec(select(Compound).order_by(col(Compound.code)))
        )
        building_key, room_key = col(Building.compound_id), col(Room.compound_id)
    else:
        get(session, Compound, compound_id)
        owners = list(
            session.exec(
                select(Building)
                .where(Building.compound_id == compound_id)
                .order_by(col(Building.code))
            )
        )
        building_key, room_key = col(Building.id), col(Room.building_id)
    buildings = sa.select(building_key, func.count(), func.sum(Building.gross_floor_area_m2)).where(
        col(Building.active)
    )
    rooms = sa.select(
        room_key, col(Room.use), func.count(), func.sum(Room.area_m2), func.sum(Room.seats)
    ).where(col(Room.active))
    if compound_id is not None:
        buildings = buildings.where(col(Building.compound_id) == compound_id)
        rooms = rooms.where(col(Room.compound_id) == compound_id)
    per_building = {k: (n, _m2(a)) for k, n, a in session.execute(buildings.group_by(building_key))}
    per_use: dict[uuid.UUID, list[tuple[RoomUse, int, Decimal, int]]] = defaultdict(list)
    for key, use, n, area, seats in session.execute(rooms.group_by(room_key, col(Room.use))):
        per_use[key].append((RoomUse(use), n, _m2(area), int(seats or 0)))
    parts = [
        AreaPart(
            id=owner.id,
            code=owner.code,
            name=owner.name,
            **_totals(per_building.get(owner.id, (0, ZERO)), per_use[owner.id]).model_dump(),
        )
        for owner in owners
    ]
    whole = _totals(
        (
            sum(n for n, _ in per_building.values()),
            sum((a for _, a in per_building.values()), ZERO),
        ),
        [row for rows in per_use.values() for row in rows],
    )
    return AreaSummary(compound_id=compound_id, parts=parts, **whole.model_dump())


def _totals(
    buildings: tuple[int, Decimal], rooms: list[tuple[RoomUse, int, Decimal, int]]
) -> AreaTotals:
    by_use: dict[RoomUse, Decimal] = defaultdict(lambda: ZERO)
    for use, _, area, _ in rooms:
        by_use[use] += area
    return AreaTotals(
        buildings=buildings[0],
        gross_floor_area_m2=buildings[1],
        rooms=sum(n for _, n, _, _ in rooms),
        room_area_m2=sum(by_use.values(), ZERO),
        seats=sum(s for _, _, _, s in rooms),
        by_use=dict(sorted(by_use.items())),
    )
