"""``make run``'s demo data: each component seeds its own database through its own code.

The steps run in the order of ``SEED_STEPS``. A step opens one unit of work on its own
component's database, calls that component's demo code, and may leave plain values (ids,
codes) in ``DemoFacts`` for the steps after it; no step reads or writes another component's
tables. A new service's demo data is one more step in ``SEED_STEPS``.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from deploy.components import BY_NAME, GATEWAY, unit_of_work
from shared.types import today


@dataclass
class DemoFacts:
    """What the seeding steps hand each other: plain values, never rows."""

    demo_password: str
    # each demo role's gateway user id (the ``sub`` of its tokens), by role
    demo_users: dict[str, str] = field(default_factory=dict)
    # personnel's budget units as (id, code, Chinese name), by code
    budget_units: list[tuple[uuid.UUID, str, str]] = field(default_factory=list)
    # the bureau's own unit (AAB) and one serving member: (unit id, staff id)
    bureau_member: tuple[uuid.UUID, uuid.UUID] | None = None
    # assets' compounds: (id, code, name, [(building id, code, name), …])
    compounds: list[tuple[uuid.UUID, str, str, list[tuple[uuid.UUID, str, str]]]] = field(
        default_factory=list
    )
    # assets' buildings' kinds (office, residential …), by building id
    building_kinds: dict[uuid.UUID, str] = field(default_factory=dict)
    # serving staff and retirees with rank, unit, posting and latest annual grade, as plain
    # values (personnel's demo.payroll_people), for finance's demo payroll
    payroll_people: list[dict[str, object]] = field(default_factory=list)


# a seeding step: what it created, to tell the developer, or None when there was nothing to do
SeedStep = Callable[[DemoFacts], str | None]


def gateway_demo_users(facts: DemoFacts) -> str | None:
    """One demo user per role (password ``demo_password``)."""
    from gateway.identity.demo import ensure_demo_users

    with unit_of_work(GATEWAY) as session:
        facts.demo_users = ensure_demo_users(session, facts.demo_password)
    return None


def personnel_demo(facts: DemoFacts) -> str | None:
    """Units, positions and staff; tells the later steps the budget units and the bureau."""
    from services.personnel import demo
    from services.personnel.config import PersonnelSettings

    settings = PersonnelSettings()
    with unit_of_work(BY_NAME["personnel"]) as session:
        seeded = demo.seed_with_secret(session, settings.id_secret, settings.grade_subscribers)
        facts.budget_units = demo.budget_units(session)
        facts.bureau_member = demo.bureau_member(session)
        first = today().replace(day=1)
        facts.payroll_people = demo.payroll_people(session, first)
    return "personnel: demo units, positions and staff created" if seeded else None


def finance_demo(facts: DemoFacts) -> str | None:
    """Books for personnel's budget units (same ids; made-up units when there are none)."""
    from services.finance import demo
    from services.finance.config import FinanceSettings
    from services.finance.payroll.payment import Treasury

    settings = FinanceSettings()
    with unit_of_work(BY_NAME["finance"]) as session:
        seeded = demo.seed(
            session,
            facts.budget_units or None,
            users=facts.demo_users,
            payroll_people=facts.payroll_people,
            treasury=Treasury(settings.treasury_account_name, settings.treasury_account),
        )
    return (
        "finance: demo standards, budget lines, plans, quotas, requests, payroll and claims created"
        if seeded
        else None
    )


def assets_demo(facts: DemoFacts) -> str | None:
    """The six compounds' buildings, floors and rooms (office floors go to personnel's budget
    units in turn, by id) and the asset cards of what they hold."""
    from services.assets import demo

    with unit_of_work(BY_NAME["assets"]) as session:
        units = [unit_id for unit_id, _, _ in facts.budget_units]
        seeded = demo.seed(
            session,
            units,
            users=facts.demo_users,
            bureau_member=facts.bureau_member,
            unit_names={unit_id: name for unit_id, _, name in facts.budget_units},
        )
        facts.compounds = demo.compounds(session)
        facts.building_kinds = demo.building_kinds(session)
    return "assets: demo real estate and asset register created" if seeded else None


def facilities_demo(facts: DemoFacts) -> str | None:
    """A year of inspections of assets' compounds (by id, from the assets step), the hazards
    they found in every state, a three-phase remediation plan, and the upkeep: safety zones,
    fire equipment, preventive plans and work orders (personnel's staff as liaisons)."""
    from services.facilities import demo

    serving = [
        uuid.UUID(str(p["staff_id"])) for p in facts.payroll_people if p["status"] == "serving"
    ]
    with unit_of_work(BY_NAME["facilities"]) as session:
        seeded = demo.seed(
            session,
            facts.compounds,
            units=[unit_id for unit_id, _, _ in facts.budget_units],
            users=facts.demo_users,
            bureau_member=facts.bureau_member,
            building_kinds=facts.building_kinds,
            staff=serving[:60],
        )
    return (
        "facilities: demo inspections, hazards, a remediation plan, safety zones, fire "
        "equipment, preventive plans and work orders created"
        if seeded
        else None
    )


def gateway_unit_links(facts: DemoFacts) -> str | None:
    """The demo liaison speaks for the bureau's unit, and the demo staff user is its member,
    so that unit scope and self-service can be tried at once."""
    from gateway.identity.demo import link_unit_users

    if facts.bureau_member is None:
        return None
    unit_id, staff_id = facts.bureau_member
    with unit_of_work(GATEWAY) as session:
        link_unit_users(session, unit_id=str(unit_id), staff_id=str(staff_id))
    return None


# The demo seeding, in order. Add a service's seeding here, after the steps whose facts it
# needs; it seeds through the service's own demo code.
SEED_STEPS: tuple[SeedStep, ...] = (
    gateway_demo_users,
    personnel_demo,
    finance_demo,
    assets_demo,
    facilities_demo,
    gateway_unit_links,
)


def seed_demo(demo_password: str) -> None:
    """Run every seeding step; each one changes nothing when its data is already there."""
    facts = DemoFacts(demo_password)
    for step in SEED_STEPS:
        created = step(facts)
        if created:
            print(created, file=sys.stderr)
