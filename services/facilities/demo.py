"""Demo data of the facilities service for ``make run``: each module seeds its own part, in
the order their rows refer to each other, all in the demo facilities officer's name.

The compounds and buildings come in as arguments (the assets step's facts); nothing here
reads another service's database. Seeding again changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from sqlmodel import Session

from services.facilities import demo_upkeep
from services.facilities.hazards import demo as hazards
from services.facilities.inspections import demo as inspections
from services.facilities.locations import demo as locations
from services.facilities.locations.demo import Compounds
from services.facilities.remediation import demo as remediation
from shared.audit import AuditLog
from shared.context import Principal, principal_var
from shared.tables import platform_tables

OFFICER = Principal(sub="demo:facilities.officer", roles=frozenset({"facilities_officer"}))


def seed(
    session: Session,
    compounds: Compounds,
    *,
    units: Sequence[uuid.UUID] = (),
    users: dict[str, str] | None = None,
    bureau_member: tuple[uuid.UUID, uuid.UUID] | None = None,
    building_kinds: Mapping[uuid.UUID, str] | None = None,
    staff: Sequence[uuid.UUID] = (),
) -> bool:
    """Create whatever of the demo is missing; True when anything was. ``compounds``: the
    assets compounds with their buildings; ``units``: budget units that take responsibility
    for hazards; ``bureau_member``: the bureau's unit and one of its staff (the demo liaison
    and staff user then see hazards of their own); ``building_kinds``: each building's kind
    (residential ones get entrances; unknown ones count as offices); ``staff``: personnel's
    staff who serve as safety liaisons, managers and requesters (the upkeep's demo)."""
    token = principal_var.set(OFFICER.as_user(users))
    try:
        audit = AuditLog(platform_tables("facilities").audit)
        locations.seed(session, compounds)
        created = inspections.seed(session, audit) > 0
        created = (
            hazards.seed(session, audit, compounds, units=list(units), bureau_member=bureau_member)
            or created
        )
        first = (compounds[0][0], compounds[0][2]) if compounds else None
        created = remediation.seed(session, audit, first) or created
    finally:
        principal_var.reset(token)
    kinds = building_kinds or {}
    upkeep = demo_upkeep.seed(
        session,
        compounds={c: code for c, code, _, _ in compounds},
        buildings=[
            (b, c, code, kinds.get(b, "office"))
            for c, _, _, buildings in compounds
            for b, code, _ in buildings
        ],
        unit_ids=units,
        staff_ids=[*staff] or ([bureau_member[1]] if bureau_member else []),
        users=users,
    )
    return bool(upkeep) or created
