"""Demo upkeep of the facilities service for ``make run``: safety zones with their liaisons
and entrances, the fire equipment register, preventive plans with their generated orders,
and work orders in every state; in the names of the demo security officer (zones,
equipment), the demo facilities officer (plans, orders) and the demo director (who verifies
work). ``services.facilities.demo`` (the inspections' demo) and this are joined by the lead.

Another service's ids come in as arguments (assets' compounds and buildings, personnel's
units and staff); nothing here reads another service's database. Seeding again changes
nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from services.facilities.equipment import demo as equipment
from services.facilities.preventive import demo as preventive
from services.facilities.workorders import demo as workorders
from services.facilities.zones import demo as zones
from shared.audit import AuditLog
from shared.context import Principal, principal_var
from shared.tables import platform_tables

FACILITIES = Principal(sub="demo:facilities.officer", roles=frozenset({"facilities_officer"}))
SECURITY = Principal(sub="demo:security.officer", roles=frozenset({"security_officer"}))
DIRECTOR = Principal(sub="demo:director", roles=frozenset({"director"}))


@dataclass(frozen=True)
class Seeded:
    """How many rows of each part one seeding made."""

    zones: int = 0
    equipment: int = 0
    preventive: int = 0
    work_orders: int = 0

    def __bool__(self) -> bool:
        return any((self.zones, self.equipment, self.preventive, self.work_orders))


def seed(
    session: Session,
    *,
    compounds: Mapping[uuid.UUID, str],
    buildings: Sequence[tuple[uuid.UUID, uuid.UUID, str, str]],
    unit_ids: Sequence[uuid.UUID] = (),
    staff_ids: Sequence[uuid.UUID] = (),
    users: dict[str, str] | None = None,
) -> Seeded:
    """Create whatever of the demo upkeep is missing. ``compounds``: assets' compound id →
    code; ``buildings``: (id, compound id, code, kind) of assets' buildings; ``unit_ids``:
    personnel's office units; ``staff_ids``: personnel's staff who serve as liaisons and
    managers; ``users``: the demo users' ids by role (rows are made in their names)."""
    audit = AuditLog(platform_tables("facilities").audit)
    token = principal_var.set(SECURITY.as_user(users))
    try:
        made_zones = zones.seed(session, audit, compounds=compounds, buildings=buildings,
                                unit_ids=unit_ids, staff_ids=staff_ids)  # fmt: skip
        made_equipment = equipment.seed(session, audit, buildings=buildings)
        officer = FACILITIES.as_user(users)
        principal_var.set(officer)
        made_plans = preventive.seed(session, audit, compounds=compounds)
        made_orders = workorders.seed(
            session, audit, unit_ids=unit_ids, staff_ids=staff_ids,
            buildings=[b for b, _, _, _ in buildings], officer=officer,
            checker=DIRECTOR.as_user(users),
        )  # fmt: skip
    finally:
        principal_var.reset(token)
    return Seeded(made_zones, made_equipment, made_plans, made_orders)
