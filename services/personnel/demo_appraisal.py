"""Demo appraisal for ``make run``: the standard scheme, a finalized 2025 annual cycle of every
budget unit (its grades published like any other) and an open 2026 fourth-quarter cycle."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from services.personnel.appraisal import finalization, scoring
from services.personnel.appraisal import service as cycles
from services.personnel.appraisal.models import CycleKind
from services.personnel.appraisal.schemas import (
    CycleCreate,
    SchemeCreate,
    ScoreEntry,
    Thresholds,
    Weights,
)
from services.personnel.appraisal.schemes import create_scheme
from services.personnel.organisation.models import Unit, UnitKind
from services.personnel.staff.models import StaffPeriod, StaffStatus
from services.personnel.staff.service import period_on
from shared.audit import AuditLog
from shared.context import Principal
from shared.outbox import Outbox
from shared.tables import platform_tables

HR = Principal(sub="demo-seed", roles=frozenset({"hr_officer"}))
BATCH = 200


def _serving(
    session: Session, unit_ids: Sequence[uuid.UUID], day: date
) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = session.exec(
        select(StaffPeriod).where(
            period_on(day),
            StaffPeriod.status == StaffStatus.SERVING,
            col(StaffPeriod.unit_id).in_(unit_ids),
        )
    )
    by_unit: dict[uuid.UUID, list[uuid.UUID]] = {u: [] for u in unit_ids}
    for period in rows:
        by_unit[period.unit_id].append(period.staff_id)
    return {u: sorted(s, key=str) for u, s in by_unit.items()}


def _entries(rng: random.Random, by_unit: dict[uuid.UUID, list[uuid.UUID]]) -> list[ScoreEntry]:
    """Most people score 70–89; about a tenth of each unit 91–96, inside the 15 % share."""
    entries = []
    for staff_ids in by_unit.values():
        best = set(rng.sample(staff_ids, len(staff_ids) // 10))
        for staff_id in staff_ids:
            base = rng.randint(91, 96) if staff_id in best else rng.randint(70, 89)
            values = {
                d: Decimal(max(60, min(100, base + rng.randint(-2, 2))))
                for d in ("morality", "ability", "diligence", "performance", "innovation")
            }
            entries.append(
                ScoreEntry(staff_id=staff_id, integrity=Decimal(max(base, 86)), **values)
            )
    return entries


def _enter(
    session: Session, audit: AuditLog, cycle_id: uuid.UUID, entries: list[ScoreEntry]
) -> None:
    for start in range(0, len(entries), BATCH):
        scoring.enter_scores(
            session=session,
            audit=audit,
            principal=HR,
            cycle_id=cycle_id,
            entries=entries[start : start + BATCH],
        )


def seed(session: Session, subscribers: Sequence[str]) -> None:
    rng = random.Random(2006)
    tables = platform_tables("personnel")
    audit = AuditLog(tables.audit)
    scheme = create_scheme(
        session=session,
        audit=audit,
        data=SchemeCreate(
            code="STD",
            name="德能勤绩廉创 standard appraisal",
            weights=Weights(
                morality=Decimal(15),
                ability=Decimal(15),
                diligence=Decimal(15),
                performance=Decimal(30),
                integrity=Decimal(15),
                innovation=Decimal(10),
            ),
            thresholds=Thresholds(
                excellent=Decimal(90), competent=Decimal(75), basically_competent=Decimal(60)
            ),
        ),
    )
    units = list(session.exec(select(Unit.id).where(Unit.kind == UnitKind.BUDGET_UNIT)))
    annual = cycles.create_cycle(
        session=session,
        audit=audit,
        data=CycleCreate(
            name="2025 annual appraisal",
            kind=CycleKind.ANNUAL,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            unit_ids=units,
            scheme_id=scheme.id,
        ),
    )
    _enter(session, audit, annual.id, _entries(rng, _serving(session, units, date(2025, 12, 31))))
    for action in ("submit", "review"):
        cycles.transition(
            session=session, audit=audit, cycle_id=annual.id, action=action, expected_version=None
        )
    finalization.finalize(
        session=session,
        audit=audit,
        outbox=Outbox(tables.outbox, "personnel"),
        subscribers=subscribers,
        principal=HR,
        cycle_id=annual.id,
        expected_version=None,
    )
    quarter = cycles.create_cycle(
        session=session,
        audit=audit,
        data=CycleCreate(
            name="2026 Q4 review",
            kind=CycleKind.QUARTERLY,
            period_start=date(2026, 10, 1),
            period_end=date(2026, 12, 31),
            unit_ids=units,
            scheme_id=scheme.id,
        ),
    )
    first_units = units[:5]  # scoring under way in a few units
    _enter(
        session, audit, quarter.id, _entries(rng, _serving(session, first_units, date(2026, 10, 1)))
    )
