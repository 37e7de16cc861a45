"""Demo real estate for ``make run``: the six compounds (机关大院) with 62 office blocks,
residential buildings, service buildings and commercial frontage, their floors and rooms;
generated deterministically, through the register's own service, audited.

Office floors are assigned to the budget units the caller hands over (personnel's unit ids,
in turn); this module never reads another service's database. Seeding again creates only
what is missing, so a second run changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from services.assets.realestate import service
from services.assets.realestate.models import Building, BuildingKind, Compound, Floor, Room, RoomUse
from services.assets.realestate.schemas import (
    BuildingCreate,
    CompoundCreate,
    FloorCreate,
    RoomCreate,
)
from shared.audit import AuditLog

K = BuildingKind
# code, name, 中文名, address, land area m², buildings: (kind, how many)
COMPOUNDS = (
    (
        "PC",
        "Party Committee Compound",
        "市委大院",
        "1 Renmin Road",
        98_000,
        ((K.OFFICE, 12), (K.SERVICE, 2)),
    ),
    (
        "GOV",
        "Government Compound",
        "市政府大院",
        "8 Fuqian Street",
        126_000,
        ((K.OFFICE, 18), (K.SERVICE, 2), (K.COMMERCIAL, 1)),
    ),
    (
        "NPCC",
        "People's Congress and CPPCC Compound",
        "人大政协大院",
        "20 Heping Avenue",
        64_000,
        ((K.OFFICE, 10), (K.SERVICE, 1)),
    ),
    (
        "ADME",
        "Administrative Centre East",
        "行政中心东区",
        "88 Century Avenue",
        112_000,
        ((K.OFFICE, 14), (K.SERVICE, 1), (K.COMMERCIAL, 1)),
    ),
    (
        "ADMW",
        "Administrative Centre West",
        "行政中心西区",
        "66 Century Avenue",
        71_000,
        ((K.OFFICE, 8), (K.SERVICE, 2), (K.COMMERCIAL, 2)),
    ),
    (
        "HOME",
        "Municipal Organs' Residential Compound",
        "机关宿舍大院",
        "3 Qingnian Lane",
        83_000,
        ((K.RESIDENTIAL, 12), (K.SERVICE, 1), (K.COMMERCIAL, 1)),
    ),
)
# per kind: gross floor area a floor, and the rooms on each floor: (use, area m², seats)
FLOOR_AREA = {K.OFFICE: 900, K.RESIDENTIAL: 780, K.SERVICE: 1_200, K.COMMERCIAL: 1_600}
ROOMS = {
    K.OFFICE: ((RoomUse.OFFICE, "46.00", 4),) * 3 + ((RoomUse.MEETING, "82.50", 0),),
    K.RESIDENTIAL: ((RoomUse.RESIDENTIAL, "89.60", 0),) * 4,
    K.SERVICE: (
        (RoomUse.SERVICE, "240.00", 0),
        (RoomUse.MEETING, "180.00", 0),
        (RoomUse.STORAGE, "60.00", 0),
    ),
    K.COMMERCIAL: ((RoomUse.COMMERCIAL_FRONTAGE, "128.00", 0),) * 8,
}
PLANT_ROOM = (RoomUse.EQUIPMENT, "120.00", 0)  # in every office block's basement


@dataclass(frozen=True)
class Plan:
    """One building of the demo: its code, kind, floors and where it stands."""

    compound: str
    code: str
    kind: BuildingKind
    levels: tuple[int, ...]
    n: int


def _floors(kind: BuildingKind, n: int) -> tuple[int, ...]:
    above = {K.OFFICE: 6 + n % 4, K.RESIDENTIAL: 6, K.SERVICE: 3, K.COMMERCIAL: 1}[kind]
    return ((-1,) if kind == K.OFFICE else ()) + tuple(range(1, above + 1))


def plans() -> Iterator[Plan]:
    for code, *_, groups in COMPOUNDS:
        n = 0
        for kind, count in groups:
            for _ in range(count):
                n += 1
                yield Plan(code, f"{code}-{n:02d}", kind, _floors(kind, n), n)


def seed(session: Session, audit: AuditLog, units: list[uuid.UUID]) -> bool:
    """Create whatever of the demo real estate is missing; True when anything was."""
    compounds = {c.code: c for c in session.exec(select(Compound))}
    buildings = {b.code: b for b in session.exec(select(Building))}
    floors = {(f.building_id, f.level): f for f in session.exec(select(Floor))}
    rooms = set(session.exec(select(Room.code)))
    before = len(compounds) + len(buildings) + len(floors) + len(rooms)
    for code, name, name_zh, address, land, _ in COMPOUNDS:
        if code not in compounds:
            made = CompoundCreate(
                code=code, name=name, name_zh=name_zh, address=address, land_area_m2=Decimal(land)
            )
            compounds[code] = service.create_compound(session, audit, data=made)
    office_floor = 0
    for plan in plans():
        building = buildings.get(plan.code)
        if building is None:
            building = service.create_building(session, audit, data=_building(plan, compounds))
            buildings[plan.code] = building
        for level in plan.levels:
            floor = floors.get((building.id, level))
            if floor is None:
                floor = service.create_floor(
                    session, audit, data=FloorCreate(building_id=building.id, level=level)
                )
                floors[building.id, level] = floor
            unit = None
            if plan.kind == K.OFFICE and level > 0 and units:
                unit = units[office_floor % len(units)]  # each office floor serves one unit
                office_floor += 1
            layout = (PLANT_ROOM,) if level < 0 else ROOMS[plan.kind]
            for i, (use, area, seats) in enumerate(layout, start=1):
                code = f"{plan.code}-{floor.name}{i:02d}"
                if code in rooms:
                    continue
                data = RoomCreate(
                    code=code,
                    building_id=building.id,
                    floor_id=floor.id,
                    number=f"{floor.name}{i:02d}",
                    use=use,
                    area_m2=Decimal(area),
                    seats=seats,
                    unit_id=unit if use in (RoomUse.OFFICE, RoomUse.MEETING) else None,
                )
                service.create_room(session, audit, data=data)
                rooms.add(code)
    return len(compounds) + len(buildings) + len(floors) + len(rooms) > before


def _building(plan: Plan, compounds: dict[str, Compound]) -> BuildingCreate:
    above = max(plan.levels)
    names = {K.OFFICE: "Office Block", K.RESIDENTIAL: "Residential Building"}
    return BuildingCreate(
        code=plan.code,
        compound_id=compounds[plan.compound].id,
        name=f"{names.get(plan.kind, plan.kind.title())} {plan.n}",
        kind=plan.kind,
        gross_floor_area_m2=Decimal(FLOOR_AREA[plan.kind] * len(plan.levels)),
        built_year=1985 + (plan.n * 7) % 35,
        land_parcel_no=f"320102{plan.n:03d}{above:02d}",
        land_certificate_no=f"宁国用(2008)第{1000 + plan.n:05d}号",
        property_certificate_no=f"宁房权证字第{plan.compound}{plan.n:04d}号",
    )
