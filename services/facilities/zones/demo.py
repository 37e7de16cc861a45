"""Demo safety zones: one a compound over all its buildings, the office units shared out
between them in turn; a liaison for every unit but the last two; two entrances on every
residential building, each with a manager (staff and residents alternately) but the last
three. Made through the module's service (rules and audit apply, the places checked against
the cache the assets step filled: ``locations.demo``); a zone is known by its code, an
entrance by its building and label, so seeding again creates nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from sqlmodel import Session, select

from services.facilities.locations.service import CachedPlaces
from services.facilities.zones import service
from services.facilities.zones.models import Entrance, Liaison, Zone
from services.facilities.zones.schemas import EntranceCreate, LiaisonSet, ZoneCreate
from shared.audit import AuditLog

UNLIAISED = 2  # the last units are left without a liaison (the gaps report shows them)
UNMANAGED = 3  # the last entrances are left without a manager
LABELS = ("Entrance 1 (1单元)", "Entrance 2 (2单元)")


def seed(
    session: Session,
    audit: AuditLog,
    *,
    compounds: Mapping[uuid.UUID, str],
    buildings: Sequence[tuple[uuid.UUID, uuid.UUID, str, str]],
    unit_ids: Sequence[uuid.UUID],
    staff_ids: Sequence[uuid.UUID],
) -> int:
    """Create what is missing; how many rows were. ``compounds``: id → code; ``buildings``:
    (id, compound id, code, kind) as assets has them."""
    made = 0
    codes = set(session.exec(select(Zone.code)))
    order = sorted(compounds.items(), key=lambda kv: kv[1])
    for k, (compound_id, code) in enumerate(order):
        zone_code = f"ZONE-{code}"
        if zone_code in codes:
            continue
        units = [u for i, u in enumerate(unit_ids) if i % len(order) == k]
        covered = [b for b, c, _, _ in buildings if c == compound_id]
        data = ZoneCreate(code=zone_code, name=f"Safety zone {code}", compound_id=compound_id,
                          building_ids=covered, unit_ids=units,
                          area_name=f"Grounds and car parks of {code}",
                          responsible=f"Security section, {code}")  # fmt: skip
        service.create(session, audit, data=data, places=CachedPlaces())
        made += 1
    liaised = set(session.exec(select(Liaison.unit_id)))
    keep = list(unit_ids)[: max(0, len(unit_ids) - UNLIAISED)]
    for n, unit in enumerate(keep):
        if unit in liaised or not staff_ids:
            continue
        person = LiaisonSet(staff_id=staff_ids[n % len(staff_ids)], name=f"Liaison {n + 1}",
                            phone=f"025-8400 {1000 + n}")  # fmt: skip
        service.set_liaison(session, audit, unit, data=person, expected_version=None)
        made += 1
    return made + _entrances(session, audit, buildings, staff_ids)


def _entrances(
    session: Session,
    audit: AuditLog,
    buildings: Sequence[tuple[uuid.UUID, uuid.UUID, str, str]],
    staff_ids: Sequence[uuid.UUID],
) -> int:
    known = {(e.building_id, e.label) for e in session.exec(select(Entrance))}
    wanted = [
        (b, label) for b, _, _, kind in buildings if kind == "residential" for label in LABELS
    ]
    made = 0
    for n, (building, label) in enumerate(wanted):
        if (building, label) in known:
            continue
        manager: dict[str, object] = {}
        if n < len(wanted) - UNMANAGED:
            if n % 2 == 0 and staff_ids:
                manager = {"manager_staff_id": staff_ids[n % len(staff_ids)]}
            else:
                manager = {"manager_name": f"Resident {n + 1}", "manager_phone": f"1380000{n:04d}"}
        data = EntranceCreate.model_validate({"building_id": building, "label": label, **manager})
        service.create_entrance(session, audit, data=data, places=CachedPlaces())
        made += 1
    return made
