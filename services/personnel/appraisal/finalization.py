"""Finalizing a cycle: grades, ranks, the 优秀 share and ``grade.finalized``, written with
its outbox rows in the caller's transaction (flushes only, so it combines with other work)."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from services.personnel.accountability.service import penalised_staff
from services.personnel.appraisal.grading import (
    cap_conflict,
    cap_violations,
    grade_item,
    graded_state,
    period_of,
)
from services.personnel.appraisal.models import (
    AppraisalCycle,
    AppraisalResult,
    AppraisalResultRevision,
    AppraisalScheme,
    AppraisalScore,
    CycleKind,
    CycleStatus,
    ResultSource,
)
from services.personnel.appraisal.rules import (
    DIMENSIONS,
    Assessment,
    Grade,
    GradeRules,
    assess,
    out_of_scale,
    rank,
    roll_up,
)
from services.personnel.appraisal.schemas import CyclePublic
from services.personnel.appraisal.service import cycle_out, cycle_units, get_cycle, require_status
from services.personnel.staff.postings import appraisal_units
from shared.audit import AuditLog
from shared.changes import touch
from shared.concurrency import check_version
from shared.context import Principal
from shared.outbox import Outbox
from shared.problems import Conflict
from shared.types import utcnow

# the annual roll-up prefers quarterly results, then half-year, then monthly (rules.roll_up)
ROLL_UP_KINDS = (CycleKind.QUARTERLY, CycleKind.HALF_YEAR, CycleKind.MONTHLY)


@dataclass(frozen=True)
class Candidate:
    staff_id: uuid.UUID
    unit_id: uuid.UUID
    scores: dict[str, Decimal]
    source: ResultSource


def _scored(session: Session, cycle: AppraisalCycle, rules: GradeRules) -> list[Candidate]:
    rows = list(session.exec(select(AppraisalScore).where(AppraisalScore.cycle_id == cycle.id)))
    incomplete = sorted(str(s.staff_id) for s in rows if len(s.entered()) < len(DIMENSIONS))
    if incomplete:
        raise Conflict(
            "INCOMPLETE_SCORES",
            f"{len(incomplete)} staff lack scores in some dimensions",
            staff_ids=incomplete,
        )
    outside = sorted(str(s.staff_id) for s in rows if out_of_scale(s.entered(), rules))
    if outside:
        raise Conflict(
            "SCORES_OUT_OF_SCALE",
            "some scores lie outside the scheme's scale (was the scheme changed?)",
            staff_ids=outside,
        )
    # postings may have changed since scoring (a transfer recorded later): each person is
    # graded, ranked and counted in the unit the postings say now, not where first scored
    current = appraisal_units(
        session,
        cycle_units(session, [cycle.id]).get(cycle.id, []),
        cycle.period_start,
        cycle.period_end,
        [s.staff_id for s in rows],
    )
    for score in rows:
        unit = current.get(score.staff_id, score.unit_id)
        if unit != score.unit_id:
            score.unit_id = unit
            session.add(score)
    return [Candidate(s.staff_id, s.unit_id, s.entered(), ResultSource.SCORED) for s in rows]


def _rolled_up(
    session: Session, cycle: AppraisalCycle, unit_ids: list[uuid.UUID], scored: set[uuid.UUID]
) -> list[Candidate]:
    """Annual candidates without annual scores, from the year's shorter finalized results."""
    units = appraisal_units(session, unit_ids, cycle.period_start, cycle.period_end)
    wanted = set(units) - scored
    if not wanted:
        return []
    rows = session.exec(
        select(AppraisalResult, AppraisalCycle.kind)
        .join(AppraisalCycle, col(AppraisalCycle.id) == AppraisalResult.cycle_id)
        .where(
            AppraisalCycle.status == CycleStatus.FINALIZED,
            col(AppraisalCycle.kind).in_(ROLL_UP_KINDS),
            col(AppraisalCycle.period_start) >= cycle.period_start,
            col(AppraisalCycle.period_end) <= cycle.period_end,
            col(AppraisalResult.staff_id).in_(wanted),
        )
    )
    sources: dict[uuid.UUID, dict[str, list[dict[str, Decimal]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for result, kind in rows:
        sources[result.staff_id][kind].append(result.entered())
    found = []
    for staff_id, by_kind in sources.items():
        kind = next(k for k in ROLL_UP_KINDS if k in by_kind)
        scores = roll_up(by_kind[kind])
        found.append(Candidate(staff_id, units[staff_id], scores, ResultSource.ROLLED_UP))
    return found


@dataclass(frozen=True)
class _Graded:
    """Everyone of a cycle assessed, grouped per unit for the share and the ranks."""

    candidates: list[Candidate]
    assessed: dict[uuid.UUID, Assessment]
    members: dict[uuid.UUID, list[tuple[uuid.UUID, Decimal, Grade]]]


def _candidates(session: Session, cycle: AppraisalCycle, rules: GradeRules) -> list[Candidate]:
    candidates = _scored(session, cycle, rules)
    if cycle.kind == CycleKind.ANNUAL:
        unit_ids = cycle_units(session, [cycle.id]).get(cycle.id, [])
        candidates += _rolled_up(session, cycle, unit_ids, {c.staff_id for c in candidates})
    if not candidates:
        raise Conflict("NOTHING_TO_FINALIZE", "no staff has scores (or results to roll up)")
    return candidates


def _grade(session: Session, cycle: AppraisalCycle, rules: GradeRules) -> _Graded:
    """Assess every candidate (penalties in the period veto) and refuse, with nothing
    changed, when a unit has more excellent than its share allows."""
    candidates = _candidates(session, cycle, rules)
    penalised = penalised_staff(
        session, cycle.period_start, cycle.period_end, [c.staff_id for c in candidates]
    )
    assessed = {
        c.staff_id: assess(c.scores, rules, penalised=c.staff_id in penalised) for c in candidates
    }
    members: dict[uuid.UUID, list[tuple[uuid.UUID, Decimal, Grade]]] = defaultdict(list)
    for c in candidates:
        a = assessed[c.staff_id]
        members[c.unit_id].append((c.staff_id, a.weighted_score, a.grade))
    violations = cap_violations(session, rules, members)
    if violations:
        raise cap_conflict(violations, rules.excellent_cap_percent)
    return _Graded(candidates, assessed, members)


def _write_results(
    session: Session,
    cycle: AppraisalCycle,
    graded: _Graded,
    principal: Principal,
    now: datetime,
) -> list[AppraisalResult]:
    """Each result with its revision 0, ranked within its unit."""
    ranks = {}
    for people in graded.members.values():
        ranks.update(rank({sid: score for sid, score, _ in people}))
    results = []
    for c in graded.candidates:
        state = graded_state(graded.assessed[c.staff_id], c.scores)
        result = AppraisalResult(
            **state,
            cycle_id=cycle.id,
            staff_id=c.staff_id,
            unit_id=c.unit_id,
            source=c.source,
            rank_in_unit=ranks[c.staff_id],
            finalized_at=now,
        )
        session.add(result)
        session.add(
            AppraisalResultRevision(
                **state,
                result_id=result.id,
                revision=0,
                reason=f"finalized ({c.source})",
                recorded_by=principal.sub,
                recorded_at=now,
            )
        )
        results.append(result)
    return results


def _lock(session: Session, cycle: AppraisalCycle, scheme: AppraisalScheme, now: datetime) -> None:
    """The cycle finalized, and the scheme edition it used locked against changes."""
    cycle.status = CycleStatus.FINALIZED
    cycle.finalized_at = now
    touch(cycle)
    cycle.updated_at = now
    session.add(cycle)
    if not scheme.locked:
        scheme.locked = True
        scheme.version += 1  # updated_at stays: the rules did not change
        session.add(scheme)
    session.flush()


def _announce(
    session: Session,
    audit: AuditLog,
    outbox: Outbox,
    subscribers: Sequence[str],
    cycle: AppraisalCycle,
    results: list[AppraisalResult],
) -> None:
    grades = Counter(r.grade for r in results)
    audit.record(
        session,
        action="appraisal_cycle.finalize",
        resource_type="appraisal_cycle",
        resource_id=cycle.id,
        before={"status": CycleStatus.REVIEWED},
        after={"status": cycle.status, "results": len(results), "grades": dict(grades)},
    )
    payload = {
        **period_of(cycle),
        "finalized_at": cycle.finalized_at,
        "grades": [grade_item(cycle, r) for r in sorted(results, key=lambda r: str(r.staff_id))],
    }
    outbox.publish(session, "grade.finalized", payload, subscribers)


def finalize(
    *,
    session: Session,
    audit: AuditLog,
    outbox: Outbox,
    subscribers: Sequence[str],
    principal: Principal,
    cycle_id: uuid.UUID,
    expected_version: int | None,
) -> CyclePublic:
    """Grade everyone of a reviewed cycle, rank them per unit and lock the cycle.

    Refused with nothing changed when a unit has more excellent than its share allows.
    """
    cycle = get_cycle(session, cycle_id, lock="update")
    check_version("appraisal_cycle", cycle.version, expected_version)
    require_status(cycle, CycleStatus.REVIEWED)
    # held until commit: the rules cannot change between grading and locking the scheme
    scheme = session.get(AppraisalScheme, cycle.scheme_id, with_for_update=True)
    assert scheme is not None
    graded = _grade(session, cycle, scheme.rules())
    now = utcnow()
    results = _write_results(session, cycle, graded, principal, now)
    _lock(session, cycle, scheme, now)
    _announce(session, audit, outbox, subscribers, cycle, results)
    return cycle_out(session, cycle)
