"""Demo fire equipment: in every building, extinguishers (four a floor's worth: four an
office block, two elsewhere, checked monthly, expiring five years after they entered
service), a hydrant (quarterly) and an alarm panel (monthly), and a sprinkler valve in office
blocks (half-yearly); a few hundred items in all. Their first checks are posted as a phone
would post them, so that some are overdue, some due within 30 days, and a few
extinguishers expire soon. Made through the module's services (rules and audit apply, the
buildings checked against the cache the assets step filled: ``locations.demo``); an item is
known by its code and its demo check ids are fixed, so seeding again creates
nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from services.facilities.equipment import checks, service
from services.facilities.equipment.models import Equipment, Kind, Result
from services.facilities.equipment.schemas import CheckBatch, CheckIn, EquipmentCreate
from services.facilities.locations.service import CachedPlaces
from shared.audit import AuditLog
from shared.types import today

NAMESPACE = uuid.UUID("5b0e3c52-64a1-4f0e-9d7e-3f6f4c1c9a11")
# kind, code prefix, interval in days, life in days (None: no expiry)
KINDS = {
    Kind.EXTINGUISHER: ("EXT", 30, 5 * 365),
    Kind.HYDRANT: ("HYD", 90, None),
    Kind.ALARM: ("ALM", 30, None),
    Kind.SPRINKLER: ("SPR", 180, None),
}


def _items(kind: str) -> list[tuple[Kind, int]]:
    extinguishers = 4 if kind == "office" else 2
    items = [(Kind.EXTINGUISHER, n) for n in range(1, extinguishers + 1)]
    items += [(Kind.HYDRANT, 1), (Kind.ALARM, 1)]
    return items + ([(Kind.SPRINKLER, 1)] if kind == "office" else [])


def seed(
    session: Session,
    audit: AuditLog,
    *,
    buildings: Sequence[tuple[uuid.UUID, uuid.UUID, str, str]],
) -> int:
    """Create the missing items and post their demo checks; how many items were made."""
    known = set(session.exec(select(Equipment.code)))
    now = today()
    made: list[tuple[Equipment, int]] = []
    n = 0
    for building, _, building_code, kind in sorted(buildings, key=lambda b: b[2]):
        for item_kind, number in _items(kind):
            n += 1
            prefix, interval, life = KINDS[item_kind]
            code = f"{prefix}-{building_code}-{number}"[:30]
            if code in known:
                continue
            # entered service a year or more ago; every 17th extinguisher near its end of life
            since = now - timedelta(days=400 + n % 300)
            if life is not None and n % 17 == 0:
                since = now - timedelta(days=life - 12)
            data = EquipmentCreate(
                code=code,
                kind=item_kind,
                description=f"{item_kind.value.title()} {number}, {building_code}",
                building_id=building,
                check_interval_days=interval,
                in_service_from=since,
                expires_on=since + timedelta(days=life) if life is not None else None,
            )
            made.append((service.create(session, audit, data=data, places=CachedPlaces()), n))
    if made:
        _first_checks(session, audit, made)
    return len(made)


def _first_checks(session: Session, audit: AuditLog, made: list[tuple[Equipment, int]]) -> None:
    """The last check of each new item, so many days ago that about one in six is overdue
    and more fall due within 30 days; one in nine has never been checked."""
    batch: list[CheckIn] = []
    for item, n in made:
        if n % 9 == 0:
            continue
        days_ago = 1 + (n * 7) % (item.check_interval_days + item.check_interval_days // 5)
        at = datetime.combine(today() - timedelta(days=days_ago), time(2, 30), UTC)
        batch.append(
            CheckIn(
                check_id=uuid.uuid5(NAMESPACE, item.code),
                equipment_id=item.id,
                checked_at=at,
                result=Result.DEFECT if n % 23 == 0 else Result.OK,
                note="Gauge in the red" if n % 23 == 0 else None,
                checked_by="Security patrol",
            )
        )
    for start in range(0, len(batch), 500):
        checks.post(session, audit, batch=CheckBatch(checks=batch[start : start + 500]))
