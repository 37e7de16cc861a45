"""What is due: per zone, the items whose check is overdue or falls due within the window
(default 30 days), and those expired or expiring within it, as of a day (default today).

An item's check is ``overdue`` when its next check's day is before ``as_of``, ``due_soon``
when it is within ``within_days`` after (``as_of`` included); its expiry ``expired`` when it
expired before ``as_of``, ``expiring`` within the window, ``none`` without an expiry day.
Only items in service count; the zones come by code, the items in no zone last.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlmodel import Session, col, select

from services.facilities.days import in_range
from services.facilities.equipment.models import Equipment
from services.facilities.equipment.schemas import (
    DueItem,
    DueReport,
    DueState,
    ExpiryState,
    ZoneDue,
)
from services.facilities.zones.models import Zone


def _check_state(due: date, as_of: date, horizon: date) -> DueState:
    if due < as_of:
        return "overdue"
    return "due_soon" if due <= horizon else "ok"


def _expiry_state(expires: date | None, as_of: date, horizon: date) -> ExpiryState:
    if expires is None:
        return "none"
    if expires < as_of:
        return "expired"
    return "expiring" if expires <= horizon else "ok"


def report(
    session: Session, *, as_of: date, within_days: int, zone_id: uuid.UUID | None
) -> DueReport:
    in_range(as_of, "as_of")
    horizon = as_of + timedelta(days=within_days)
    query = (
        select(Equipment, Zone.code)
        .outerjoin(Zone, col(Zone.id) == col(Equipment.zone_id))
        .where(col(Equipment.active).is_(True))
        .order_by(col(Zone.code).is_(None), col(Zone.code), col(Equipment.code))
    )
    if zone_id is not None:
        query = query.where(Equipment.zone_id == zone_id)
    zones: dict[uuid.UUID | None, ZoneDue] = {}
    items: list[DueItem] = []
    for item, code in session.exec(query):
        zone = zones.setdefault(
            item.zone_id,
            ZoneDue(zone_id=item.zone_id, zone_code=code, items=0, overdue=0, due_soon=0,
                    expired=0, expiring=0),
        )  # fmt: skip
        check = _check_state(item.next_check_due, as_of, horizon)
        expiry = _expiry_state(item.expires_on, as_of, horizon)
        zone.items += 1
        zone.overdue += check == "overdue"
        zone.due_soon += check == "due_soon"
        zone.expired += expiry == "expired"
        zone.expiring += expiry == "expiring"
        if check != "ok" or expiry in ("expired", "expiring"):
            items.append(
                DueItem(equipment_id=item.id, code=item.code, kind=item.kind,
                        zone_id=item.zone_id, building_id=item.building_id,
                        room_id=item.room_id, next_check_due=item.next_check_due,
                        expires_on=item.expires_on, check=check, expiry=expiry)
            )  # fmt: skip
    return DueReport(as_of=as_of, within_days=within_days, zones=list(zones.values()), items=items)
