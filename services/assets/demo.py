"""Demo data of the assets service for ``make run``: each module seeds its own part, in the
order their rows refer to each other, all in the demo asset officer's name.

Another service's ids come in as arguments (personnel's budget units, the bureau's demo
member of staff); nothing here reads another service's database. Seeding again changes
nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, select

from services.assets.disposals import demo as disposals
from services.assets.leases import demo as leases
from services.assets.realestate import demo as realestate
from services.assets.realestate.models import Building, Compound
from services.assets.register import demo as register
from services.assets.stocktakes import demo as stocktakes
from shared.audit import AuditLog
from shared.context import Principal, principal_var
from shared.tables import platform_tables

OFFICER = Principal(sub="demo:asset.officer", roles=frozenset({"asset_officer"}))


def seed(
    session: Session,
    units: Sequence[uuid.UUID] = (),
    *,
    users: dict[str, str] | None = None,
    bureau_member: tuple[uuid.UUID, uuid.UUID] | None = None,
    unit_names: dict[uuid.UUID, str] | None = None,
) -> bool:
    """Create whatever of the demo is missing; True when anything was. ``users``: the demo
    users' ids by role (the demo is made in the demo asset officer's name); ``bureau_member``:
    the bureau's unit and one of its staff (who keeps a laptop); ``unit_names``: the units'
    names, for the holders of use rights."""
    token = principal_var.set(OFFICER.as_user(users))
    try:
        audit = AuditLog(platform_tables("assets").audit)
        created = realestate.seed(session, audit, list(units))
        created = register.seed(session, audit, list(units), bureau_member) > 0 or created
        bureau = bureau_member[0] if bureau_member else (units[0] if units else None)
        if bureau is not None:  # rights and leases name the bureau, which holds disposal rights
            created = leases.seed(session, audit, bureau, unit_names=unit_names) or created
            created = disposals.seed(session, audit, bureau, users=users) or created
        # campaigns are run in the officer's name; the bureau's director approves write-offs
        created = stocktakes.seed(session, list(units), users=users, bureau=bureau) or created
        return created
    finally:
        principal_var.reset(token)


def compounds(
    session: Session,
) -> list[tuple[uuid.UUID, str, str, list[tuple[uuid.UUID, str, str]]]]:
    """The compounds in service as (id, code, name, [(building id, code, name), …]), by code,
    for the steps after this one (facilities inspects them)."""
    buildings: dict[uuid.UUID, list[tuple[uuid.UUID, str, str]]] = {}
    query = select(Building).where(col(Building.active)).order_by(col(Building.code))
    for b in session.exec(query):
        buildings.setdefault(b.compound_id, []).append((b.id, b.code, b.name))
    query_c = select(Compound).where(col(Compound.active)).order_by(col(Compound.code))
    return [(c.id, c.code, c.name, buildings.get(c.id, [])) for c in session.exec(query_c)]


def building_kinds(session: Session) -> dict[uuid.UUID, str]:
    """Each building in service's kind (office, residential …), for the steps after this one
    (facilities puts a safety manager at each residential entrance)."""
    query = select(Building.id, Building.kind).where(col(Building.active))
    return {b: str(kind) for b, kind in session.exec(query)}
