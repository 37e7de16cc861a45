"""Revising a finalized result with a reason (history kept) and announcing ``grade.revised``,
written with its outbox rows in the caller's transaction (flushes only)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from services.personnel.accountability.service import penalised_staff
from services.personnel.appraisal.grading import (
    cap_conflict,
    cap_violations,
    grade_item,
    graded_state,
    period_of,
    snapshot,
)
from services.personnel.appraisal.models import (
    AppraisalCycle,
    AppraisalResult,
    AppraisalResultRevision,
    AppraisalScheme,
)
from services.personnel.appraisal.rules import Assessment, Grade, assess, out_of_scale, rank
from services.personnel.appraisal.service import get_cycle
from services.personnel.appraisal_results.schemas import ResultPublic, RevisionCreate
from services.personnel.appraisal_results.service import result_public
from services.personnel.staff.models import Staff
from shared.audit import AuditLog
from shared.concurrency import check_version
from shared.context import Principal
from shared.outbox import Outbox
from shared.problems import Conflict, Invalid, NotFound
from shared.types import utcnow

Members = dict[uuid.UUID, list[tuple[uuid.UUID, Decimal, Grade]]]


def _same(result: AppraisalResult, state: dict[str, Any]) -> bool:
    return all(getattr(result, k) == v for k, v in state.items())


def _locked(session: Session, result_id: uuid.UUID) -> tuple[AppraisalResult, AppraisalCycle]:
    """The result and its cycle, both held: one revision of a cycle at once."""
    found = session.get(AppraisalResult, result_id)
    if found is None:
        raise NotFound("appraisal_result", result_id)
    cycle = get_cycle(session, found.cycle_id, lock="update")
    result = session.exec(
        select(AppraisalResult).where(AppraisalResult.id == result_id).with_for_update()
    ).one()
    return result, cycle


def _regrade(
    session: Session, result: AppraisalResult, cycle: AppraisalCycle, data: RevisionCreate
) -> tuple[Assessment, dict[str, Any]]:
    """The result's corrected scores graded by the scheme's rules with today's penalties."""
    scheme = session.get(AppraisalScheme, cycle.scheme_id)
    assert scheme is not None
    rules = scheme.rules()
    scores = {**result.entered(), **data.scores.given()}
    bad = out_of_scale(scores, rules)
    if bad:
        raise Invalid(
            "SCORE_OUT_OF_SCALE",
            f"{', '.join(bad)} outside the scale {rules.scale_min}..{rules.scale_max}",
        )
    penalised = result.staff_id in penalised_staff(
        session, cycle.period_start, cycle.period_end, [result.staff_id]
    )
    a = assess(scores, rules, penalised=penalised)
    state = graded_state(a, scores)
    if _same(result, state):
        raise Conflict("REVISION_CHANGES_NOTHING", "the revised result equals the current one")
    if a.grade == Grade.EXCELLENT and result.grade != Grade.EXCELLENT:
        members = _unit_members(session, result, cycle, a)[1]
        violations = cap_violations(session, rules, members)
        if violations:
            raise cap_conflict(violations, rules.excellent_cap_percent)
    return a, state


def _unit_members(
    session: Session, result: AppraisalResult, cycle: AppraisalCycle, a: Assessment
) -> tuple[list[AppraisalResult], Members]:
    """The results of the revised one's unit, and its members as they stand once revised."""
    peers = list(
        session.exec(
            select(AppraisalResult).where(
                AppraisalResult.cycle_id == cycle.id, AppraisalResult.unit_id == result.unit_id
            )
        )
    )
    members = {
        result.unit_id: [
            (p.staff_id, p.weighted_score, Grade(p.grade))
            if p.id != result.id
            else (p.staff_id, a.weighted_score, a.grade)
            for p in peers
        ]
    }
    return peers, members


def _record(
    session: Session,
    result: AppraisalResult,
    cycle: AppraisalCycle,
    a: Assessment,
    state: dict[str, Any],
    reason: str,
    principal: Principal,
    now: datetime,
) -> None:
    """The result as revised, its unit re-ranked, and the revision on file."""
    peers, members = _unit_members(session, result, cycle, a)
    for name, value in state.items():
        setattr(result, name, value)
    result.revision += 1
    result.version += 1
    result.revised_at = now
    new_ranks = rank({sid: score for sid, score, _ in members[result.unit_id]})
    for peer in peers:
        peer.rank_in_unit = new_ranks[peer.staff_id]
        session.add(peer)
    session.add(
        AppraisalResultRevision(
            **state,
            result_id=result.id,
            revision=result.revision,
            reason=reason,
            recorded_by=principal.sub,
            recorded_at=now,
        )
    )
    session.flush()


def revise(
    *,
    session: Session,
    audit: AuditLog,
    outbox: Outbox,
    subscribers: Sequence[str],
    principal: Principal,
    result_id: uuid.UUID,
    data: RevisionCreate,
    expected_version: int | None,
) -> ResultPublic:
    """Record a revision of a finalized result: corrected scores (if any) regraded by the
    scheme's rules with today's penalty records; the earlier revisions stay on file."""
    result, cycle = _locked(session, result_id)
    check_version("appraisal_result", result.version, expected_version)
    a, state = _regrade(session, result, cycle, data)
    before = {"revision": result.revision, **snapshot(result)}
    now = utcnow()
    _record(session, result, cycle, a, state, data.reason, principal, now)
    after = {"revision": result.revision, **snapshot(result), "reason": data.reason}
    audit.record(
        session,
        action="appraisal_result.revise",
        resource_type="appraisal_result",
        resource_id=result.id,
        before=before,
        after=after,
    )
    payload = {
        **period_of(cycle),
        **grade_item(cycle, result),
        "previous_grade": before["grade"],
        "previous_score": before["weighted_score"],
        "reason": data.reason,
        "revised_at": now,
    }
    outbox.publish(session, "grade.revised", payload, subscribers)
    staff = session.get(Staff, result.staff_id)
    assert staff is not None
    return result_public((result, cycle, staff.staff_no, staff.name))
