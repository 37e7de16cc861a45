"""Demo asset cards for ``make run``: what the demo rooms hold, deterministically.

Each office room of a unit has a computer and a desk set per seat and a printer; each meeting
room a projector and a conference table; each building is itself a card (房屋); each unit runs
two official vehicles. Acquisition days spread over 2012–2026; each card carries what it would
have been depreciated by until the month before last, as a register brought from an older
system does (the demo then runs last month). The bureau's demo member of staff keeps a
laptop, so the demo ``staff`` user sees a card of their own. Written through
``register_many`` (cards and their ``acquired`` steps in bulk) and audited as one batch.
Seeding again adds nothing.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, select

from services.assets.categories.models import Category
from services.assets.realestate.models import Building, Room, RoomUse
from services.assets.register.imports import Opening, register_many
from services.assets.register.models import Asset, FundSource
from services.assets.register.schemas import AssetCreate
from shared.audit import AuditLog
from shared.types import FEN, today

PREFIX = "D"
# (category, name, specification, value) per seat of an office room, per room, per meeting room
PER_SEAT = (
    ("2010100", "Desktop computer", "i5 / 16 GB / 512 GB", "5200.00"),
    ("6010000", "Desk and chair set", "1.4 m steel-wood", "1850.00"),
)
PER_OFFICE = (("2020000", "Laser printer", "A4 mono duplex", "2300.00"),)
PER_MEETING = (
    ("2320000", "Projector", "4,000 lm", "6800.00"),
    ("6010000", "Conference table", "4.8 m", "9600.00"),
)
VEHICLES = (("2030000", "Official sedan", "1.8 L", "180000.00"),) * 2
BUILDING_VALUE_PER_M2 = Decimal("3200.00")


def _openings(session: Session, cards: list[AssetCreate]) -> dict[str, Opening]:
    """What each card would have been depreciated by, straight-line, up to the end of the
    month before last (the demo then runs last month): the register an office brings along."""
    lives = dict(session.exec(select(Category.code, Category.useful_life_years)).all())
    last_month = today().replace(day=1) - timedelta(days=1)
    cutoff = last_month.replace(day=1) - timedelta(days=1)  # the end of the month before last
    openings = {}
    for card in cards:
        life = lives.get(card.category_code)
        months = (cutoff.year - card.acquired_on.year) * 12 + cutoff.month - card.acquired_on.month
        if life is None or months <= 0:
            continue
        months = min(months, life * 12)
        share = card.original_value * months / (life * 12)
        openings[card.number] = Opening(share.quantize(FEN, rounding=ROUND_HALF_UP), months)
    return openings


def _day(n: int) -> date:
    return date(2012 + n % 14, 1 + n % 12, 1 + n % 28)


def seed(
    session: Session,
    audit: AuditLog,
    units: list[uuid.UUID],
    keeper: tuple[uuid.UUID, uuid.UUID] | None = None,
) -> int:
    """Create the demo cards that are missing; how many were created."""
    taken = set(session.exec(select(Asset.number).where(col(Asset.number).startswith(PREFIX))))
    cards: list[AssetCreate] = []

    def add(
        n: int, category: str, name: str, spec: str | None, value: Decimal, **where: object
    ) -> None:
        number = f"{PREFIX}{n:07d}"
        if number not in taken:
            data = {
                "number": number,
                "category_code": category,
                "name": name,
                "specification": spec,
            }
            cards.append(
                AssetCreate.model_validate(
                    {
                        **data,
                        "acquired_on": _day(n),
                        "original_value": value,
                        "fund_source": FundSource.FISCAL,
                        **where,
                    }
                )
            )

    n = 0
    bureau = keeper[0] if keeper else (units[0] if units else None)
    if bureau is None:
        return 0
    for building in session.exec(select(Building).order_by(col(Building.code))):
        n += 1
        value = (building.gross_floor_area_m2 * BUILDING_VALUE_PER_M2).quantize(Decimal("0.01"))
        add(n, "1020200", building.name, building.code, value, unit_id=bureau)
    rooms = session.exec(
        select(Room).where(col(Room.unit_id).is_not(None)).order_by(col(Room.code))
    ).all()
    for room in rooms:
        held = PER_MEETING if room.use == RoomUse.MEETING else PER_OFFICE + PER_SEAT * room.seats
        for category, name, spec, price in held:
            n += 1
            add(n, category, name, spec, Decimal(price), unit_id=room.unit_id, room_id=room.id)
    for unit in units:
        for category, name, spec, price in VEHICLES:
            n += 1
            add(n, category, name, spec, Decimal(price), unit_id=unit)
    if keeper is not None:
        n += 1
        unit_id, staff_id = keeper
        add(
            n,
            "2010100",
            "Laptop",
            "14-inch",
            Decimal("7600.00"),
            unit_id=unit_id,
            custodian_id=staff_id,
        )
    if not cards:
        return 0
    openings = _openings(session, cards)
    register_many(
        session, audit, cards, reason="demo register", source={"file": "demo"}, openings=openings
    )
    return len(cards)
