"""Revising a finalized result with a reason (history kept) and announcing
``grade.revised``, in one commit with its outbox rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
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
    AppraisalResult,
    AppraisalResultRevision,
    AppraisalScheme,
)
from services.personnel.appraisal.results import result_public
from services.personnel.appraisal.rules import Grade, assess, out_of_scale, rank
from services.personnel.appraisal.schemas import ResultPublic, RevisionCreate
from services.personnel.appraisal.service import get_cycle
from services.personnel.staff.models import Staff
from shared.audit import AuditLog
from shared.concurrency import check_version
from shared.context import Principal
from shared.outbox import Outbox
from shared.problems import Conflict, NotFound, ProblemError
from shared.types import utcnow


def _same(result: AppraisalResult, state: dict[str, Any]) -> bool:
    return all(getattr(result, k) == v for k, v in state.items())


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
    found = session.get(AppraisalResult, result_id)
    if found is None:
        raise NotFound("appraisal_result", result_id)
    cycle = get_cycle(session, found.cycle_id, lock="update")  # one revision of a cycle at once
    result = session.exec(
        select(AppraisalResult).where(AppraisalResult.id == result_id).with_for_update()
    ).one()
    check_version("appraisal_result", result.version, expected_version)
    scheme = session.get(AppraisalScheme, cycle.scheme_id)
    assert scheme is not None
    rules = scheme.rules()
    scores = {**result.entered(), **data.scores.given()}
    bad = out_of_scale(scores, rules)
    if bad:
        raise ProblemError(
            422,
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
    if a.grade == Grade.EXCELLENT and result.grade != Grade.EXCELLENT:
        violations = cap_violations(session, rules, members)
        if violations:
            raise cap_conflict(violations, rules.excellent_cap_percent)
    before = {"revision": result.revision, **snapshot(result)}
    now = utcnow()
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
            reason=data.reason,
            recorded_by=principal.sub,
            recorded_at=now,
        )
    )
    session.flush()
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
    public = result_public((result, cycle, staff.staff_no, staff.name))
    session.commit()
    return public
