"""Entering and reading the dimension scores of an open cycle; commits its own writes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.personnel.appraisal.access import Scope, writer_unit
from services.personnel.appraisal.models import AppraisalScheme, AppraisalScore, CycleStatus
from services.personnel.appraisal.postings import appraisal_units
from services.personnel.appraisal.rules import DIMENSIONS, out_of_scale
from services.personnel.appraisal.schemas import ScoreEntry, ScorePublic, from_row
from services.personnel.appraisal.service import cycle_units, get_cycle, require_status
from services.personnel.staff.models import Staff
from shared.audit import AuditLog
from shared.concurrency import check_version
from shared.context import Principal
from shared.pagination import PageParams
from shared.problems import NotFound, ProblemError
from shared.types import utcnow


def score_public(score: AppraisalScore, staff_name: str) -> ScorePublic:
    complete = len(score.entered()) == len(DIMENSIONS)
    return from_row(ScorePublic, score, staff_name=staff_name, complete=complete)


def list_scores(
    session: Session,
    params: PageParams,
    *,
    cycle_id: uuid.UUID,
    scope: Scope,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
) -> tuple[list[tuple[AppraisalScore, str]], int]:
    get_cycle(session, cycle_id)
    scope.check_filters(unit_id, staff_id)
    query = (
        select(AppraisalScore, Staff.name)
        .join(Staff, col(Staff.id) == AppraisalScore.staff_id)
        .where(AppraisalScore.cycle_id == cycle_id)
    )
    limit = scope.condition(AppraisalScore.unit_id, AppraisalScore.staff_id)
    if limit is not None:
        query = query.where(limit)
    if unit_id is not None:
        query = query.where(AppraisalScore.unit_id == unit_id)
    if staff_id is not None:
        query = query.where(AppraisalScore.staff_id == staff_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = session.exec(
        query.order_by(col(AppraisalScore.unit_id), col(Staff.staff_no))
        .offset(params.offset)
        .limit(params.limit)
    )
    return [(s, n) for s, n in page], total


def get_score(
    session: Session, *, cycle_id: uuid.UUID, staff_id: uuid.UUID, scope: Scope
) -> tuple[AppraisalScore, str]:
    get_cycle(session, cycle_id)
    row = session.exec(
        select(AppraisalScore, Staff.name)
        .join(Staff, col(Staff.id) == AppraisalScore.staff_id)
        .where(AppraisalScore.cycle_id == cycle_id, AppraisalScore.staff_id == staff_id)
    ).first()
    if row is None:
        raise NotFound("appraisal_score", f"of staff {staff_id} in cycle {cycle_id}")
    score, name = row
    scope.check(score.unit_id, score.staff_id)
    return score, name


def _error(index: int, staff_id: uuid.UUID, code: str, detail: str) -> dict[str, Any]:
    return {"index": index, "staff_id": str(staff_id), "code": code, "detail": detail}


def enter_scores(
    *,
    session: Session,
    audit: AuditLog,
    principal: Principal,
    cycle_id: uuid.UUID,
    entries: Sequence[ScoreEntry],
    expected_version: int | None = None,
) -> list[tuple[AppraisalScore, str]]:
    """Set the given dimensions of each entry (others keep their value), all or nothing.

    Only staff serving in one of the cycle's units during its period can be scored, only
    while the cycle is open, only on the scheme's scale; a ``unit_liaison`` only its own unit.
    """
    cycle = get_cycle(session, cycle_id, lock="share")
    require_status(cycle, CycleStatus.OPEN)
    scheme = session.get(AppraisalScheme, cycle.scheme_id)
    assert scheme is not None
    rules = scheme.rules()
    staff_ids = [e.staff_id for e in entries]
    staff = {s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(set(staff_ids))))}
    units = appraisal_units(
        session,
        cycle_units(session, [cycle.id]).get(cycle.id, []),
        cycle.period_start,
        cycle.period_end,
        staff_ids,
    )
    own_unit = writer_unit(principal)
    errors: list[dict[str, Any]] = []
    outside: list[str] = []
    seen: set[uuid.UUID] = set()
    for i, entry in enumerate(entries):
        sid = entry.staff_id
        if sid in seen:
            errors.append(_error(i, sid, "DUPLICATE_STAFF", "the same staff appears twice"))
        seen.add(sid)
        if sid not in staff:
            errors.append(_error(i, sid, "UNKNOWN_STAFF", f"staff {sid} does not exist"))
        elif sid not in units:
            errors.append(
                _error(
                    i,
                    sid,
                    "STAFF_NOT_IN_CYCLE",
                    f"staff {sid} did not serve in the cycle's units during its period",
                )
            )
        elif own_unit is not None and units[sid] != own_unit:
            outside.append(str(sid))
        if not entry.given():
            errors.append(_error(i, sid, "NO_SCORES", "the entry names no dimension"))
        bad = out_of_scale(entry.given(), rules)
        if bad:
            errors.append(
                _error(
                    i,
                    sid,
                    "SCORE_OUT_OF_SCALE",
                    f"{', '.join(bad)} outside the scale {rules.scale_min}..{rules.scale_max}",
                )
            )
    if outside:
        raise ProblemError(
            403,
            "OUTSIDE_OWN_UNIT",
            "a unit liaison scores only the staff of its own unit",
            staff_ids=outside,
        )
    if errors:
        if len(entries) == 1:
            raise ProblemError(422, errors[0]["code"], errors[0]["detail"], errors=errors)
        raise ProblemError(
            422, "INVALID_SCORES", f"{len(errors)} problems in the scores", errors=errors
        )
    # the rows are locked until commit (PostgreSQL): two corrections of one score queue, and
    # the second is judged by its If-Match against the first's result
    existing = {
        s.staff_id: s
        for s in session.exec(
            select(AppraisalScore)
            .where(AppraisalScore.cycle_id == cycle.id, col(AppraisalScore.staff_id).in_(seen))
            .with_for_update()
        )
    }
    saved = []
    for entry in entries:
        score = existing.get(entry.staff_id)
        before = None
        if score is None:
            score = AppraisalScore(
                cycle_id=cycle.id,
                staff_id=entry.staff_id,
                unit_id=units[entry.staff_id],
                entered_by=principal.sub,
            )
        else:
            check_version("appraisal_score", score.version, expected_version)
            before = score_public(score, staff[entry.staff_id].name).model_dump()
            score.version += 1
        for dimension, value in entry.given().items():
            setattr(score, dimension, value)
        score.unit_id = units[entry.staff_id]
        score.entered_by = principal.sub
        score.updated_at = utcnow()
        session.add(score)
        session.flush()
        after = score_public(score, staff[entry.staff_id].name)
        audit.record(
            session,
            action="appraisal_score.enter",
            resource_type="appraisal_score",
            resource_id=score.id,
            before=before,
            after=after.model_dump(),
        )
        saved.append((score, staff[entry.staff_id].name))
    session.commit()
    return saved
