"""What a result says, and checks shared by finalization and revision: the 优秀 share per
unit, the state stored per revision, the items of grade events."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from services.personnel.appraisal.models import AppraisalCycle, AppraisalResult, GradedState
from services.personnel.appraisal.rules import Assessment, Grade, GradeRules, excellent_allowance
from services.personnel.organisation.models import Unit
from services.personnel.staff.models import Staff
from shared.problems import Conflict


def staff_names(session: Session, staff_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(staff_ids)))
    return dict(rows.all())


def cap_violations(
    session: Session,
    rules: GradeRules,
    members: dict[uuid.UUID, list[tuple[uuid.UUID, Decimal, Grade]]],
) -> list[dict[str, Any]]:
    """Per unit whose excellent exceed the share: who they are, best first, and who is over."""
    over = {}
    for unit_id, people in members.items():
        allowed = excellent_allowance(len(people), rules.excellent_cap_percent)
        excellent = [p for p in people if p[2] == Grade.EXCELLENT]
        if len(excellent) > allowed:
            over[unit_id] = (len(people), allowed, excellent)
    if not over:
        return []
    names = staff_names(session, {p[0] for _, _, ex in over.values() for p in ex})
    units = {u.id: u for u in session.exec(select(Unit).where(col(Unit.id).in_(set(over))))}
    violations = []
    for unit_id, (participants, allowed, excellent) in over.items():
        ranked = [
            {"staff_id": str(sid), "name": names.get(sid, ""), "weighted_score": str(score)}
            for sid, score, _ in sorted(excellent, key=lambda p: (-p[1], names.get(p[0], "")))
        ]
        violations.append(
            {
                "unit_id": str(unit_id),
                "unit_code": units[unit_id].code,
                "unit_name": units[unit_id].name,
                "participants": participants,
                "allowed": allowed,
                "excellent": ranked,
                "exceeding": ranked[allowed:],
            }
        )
    return sorted(violations, key=lambda v: v["unit_code"])


def cap_conflict(violations: list[dict[str, Any]], cap: Decimal) -> Conflict:
    listing = "; ".join(
        f"{v['unit_code']}: {len(v['excellent'])} excellent, {v['allowed']} allowed "
        f"({', '.join(p['name'] for p in v['exceeding'])} over)"
        for v in violations
    )
    return Conflict(
        "EXCELLENT_CAP_EXCEEDED",
        f"more excellent than {cap}% of a unit's participants: {listing}",
        units=violations,
    )


def graded_state(a: Assessment, scores: dict[str, Decimal]) -> dict[str, Any]:
    return {
        **scores,
        "weighted_score": a.weighted_score,
        "base_grade": str(a.base_grade),
        "grade": str(a.grade),
        "vetoes": ",".join(a.vetoes),
    }


def period_of(cycle: AppraisalCycle) -> dict[str, Any]:
    return {
        "cycle_id": cycle.id,
        "cycle_kind": cycle.kind,
        "year": cycle.year,
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
    }


def grade_item(cycle: AppraisalCycle, result: AppraisalResult) -> dict[str, Any]:
    return {
        "result_id": result.id,
        "staff_id": result.staff_id,
        "unit_id": result.unit_id,
        "year": cycle.year,
        "period_start": cycle.period_start,
        "period_end": cycle.period_end,
        "grade": result.grade,
        "score": result.weighted_score,
        "rank_in_unit": result.rank_in_unit,
        "revision": result.revision,
    }


def snapshot(state: GradedState) -> dict[str, Any]:
    return {
        **state.entered(),
        "weighted_score": state.weighted_score,
        "grade": state.grade,
        "vetoes": state.vetoes,
    }
