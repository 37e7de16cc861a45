"""Entering and reading the dimension scores of an open cycle (flushes only; the request's
unit of work commits)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from services.personnel.appraisal.access import writer_unit
from services.personnel.appraisal.models import (
    AppraisalCycle,
    AppraisalScheme,
    AppraisalScore,
    CycleStatus,
)
from services.personnel.appraisal.rules import DIMENSIONS, GradeRules, out_of_scale
from services.personnel.appraisal.schemas import ScoreEntry, ScorePublic, from_row
from services.personnel.appraisal.service import cycle_units, get_cycle, require_status
from services.personnel.staff.models import Staff
from services.personnel.staff.postings import appraisal_units
from shared.audit import AuditLog
from shared.changes import touch
from shared.concurrency import check_version
from shared.context import Principal
from shared.pagination import Page, PageParams, fetch_page
from shared.problems import Forbidden, Invalid, NotFound
from shared.scope import RowScope


def score_public(score: AppraisalScore, staff_name: str) -> ScorePublic:
    complete = len(score.entered()) == len(DIMENSIONS)
    return from_row(ScorePublic, score, staff_name=staff_name, complete=complete)


def list_scores(
    session: Session,
    params: PageParams,
    *,
    cycle_id: uuid.UUID,
    scope: RowScope,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
) -> Page[ScorePublic]:
    get_cycle(session, cycle_id)
    scope.check_filters(unit_id, staff_id)
    query: Any = (
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
    rows, total = fetch_page(
        session,
        query,
        params,
        col(AppraisalScore.unit_id),
        col(Staff.staff_no),
    )
    return Page.of([score_public(s, n) for s, n in rows], total, params)


def get_score(
    session: Session, *, cycle_id: uuid.UUID, staff_id: uuid.UUID, scope: RowScope
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
    scope.check(unit_id=score.unit_id, staff_id=score.staff_id)
    return score, name


def _error(index: int, staff_id: uuid.UUID, code: str, detail: str) -> dict[str, Any]:
    return {"index": index, "staff_id": str(staff_id), "code": code, "detail": detail}


@dataclass(frozen=True)
class _Batch:
    """What a batch of entries is judged against: the cycle's rules, the people, their units."""

    cycle: AppraisalCycle
    rules: GradeRules
    staff: dict[uuid.UUID, Staff]
    units: dict[uuid.UUID, uuid.UUID]  # staff → the unit they are appraised in
    own_unit: uuid.UUID | None  # the only unit the writer may score (None: any)


def _batch(
    session: Session, principal: Principal, cycle_id: uuid.UUID, entries: Sequence[ScoreEntry]
) -> _Batch:
    cycle = get_cycle(session, cycle_id, lock="share")
    require_status(cycle, CycleStatus.OPEN)
    scheme = session.get(AppraisalScheme, cycle.scheme_id)
    assert scheme is not None
    staff_ids = [e.staff_id for e in entries]
    staff = {s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(set(staff_ids))))}
    units = appraisal_units(
        session,
        cycle_units(session, [cycle.id]).get(cycle.id, []),
        cycle.period_start,
        cycle.period_end,
        staff_ids,
    )
    return _Batch(cycle, scheme.rules(), staff, units, writer_unit(principal))


def _entry_errors(batch: _Batch, i: int, entry: ScoreEntry) -> list[dict[str, Any]]:
    """What is wrong with one entry, apart from doubles and the writer's unit."""
    sid, rules = entry.staff_id, batch.rules
    errors = []
    if sid not in batch.staff:
        errors.append(_error(i, sid, "UNKNOWN_STAFF", f"staff {sid} does not exist"))
    elif sid not in batch.units:
        detail = f"staff {sid} did not serve in the cycle's units during its period"
        errors.append(_error(i, sid, "STAFF_NOT_IN_CYCLE", detail))
    if not entry.given():
        errors.append(_error(i, sid, "NO_SCORES", "the entry names no dimension"))
    bad = out_of_scale(entry.given(), rules)
    if bad:
        detail = f"{', '.join(bad)} outside the scale {rules.scale_min}..{rules.scale_max}"
        errors.append(_error(i, sid, "SCORE_OUT_OF_SCALE", detail))
    return errors


def _outside(batch: _Batch, sid: uuid.UUID) -> bool:
    """A known person of the cycle whom this writer (a liaison) may not score."""
    if batch.own_unit is None or sid not in batch.staff or sid not in batch.units:
        return False
    return batch.units[sid] != batch.own_unit


def _check_entries(batch: _Batch, entries: Sequence[ScoreEntry]) -> None:
    """All or nothing: 403 when a liaison names someone of another unit, else 422 listing
    every problem of every entry."""
    errors: list[dict[str, Any]] = []
    outside: list[str] = []
    seen: set[uuid.UUID] = set()
    for i, entry in enumerate(entries):
        sid = entry.staff_id
        if sid in seen:
            errors.append(_error(i, sid, "DUPLICATE_STAFF", "the same staff appears twice"))
        seen.add(sid)
        errors.extend(_entry_errors(batch, i, entry))
        if _outside(batch, sid):
            outside.append(str(sid))
    if outside:
        raise Forbidden(
            "OUTSIDE_OWN_UNIT",
            "a unit liaison scores only the staff of its own unit",
            staff_ids=outside,
        )
    if errors:
        if len(entries) == 1:
            raise Invalid(errors[0]["code"], errors[0]["detail"], errors=errors)
        raise Invalid("INVALID_SCORES", f"{len(errors)} problems in the scores", errors=errors)


def _save(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    batch: _Batch,
    entries: Sequence[ScoreEntry],
    expected_version: int | None,
) -> list[tuple[AppraisalScore, str]]:
    # the rows are locked until commit (PostgreSQL): two corrections of one score queue, and
    # the second is judged by its If-Match against the first's result
    existing = {
        s.staff_id: s
        for s in session.exec(
            select(AppraisalScore)
            .where(
                AppraisalScore.cycle_id == batch.cycle.id,
                col(AppraisalScore.staff_id).in_({e.staff_id for e in entries}),
            )
            .with_for_update()
        )
    }
    saved = []
    for entry in entries:
        name = batch.staff[entry.staff_id].name
        score = existing.get(entry.staff_id)
        before = None
        if score is None:
            score = AppraisalScore(
                cycle_id=batch.cycle.id,
                staff_id=entry.staff_id,
                unit_id=batch.units[entry.staff_id],
                entered_by=principal.sub,
            )
        else:
            check_version("appraisal_score", score.version, expected_version)
            before = score_public(score, name).model_dump()
            touch(score)
        for dimension, value in entry.given().items():
            setattr(score, dimension, value)
        score.unit_id = batch.units[entry.staff_id]
        score.entered_by = principal.sub
        _audit_score(session, audit, score, name, before)
        saved.append((score, name))
    return saved


def _audit_score(
    session: Session, audit: AuditLog, score: AppraisalScore, name: str, before: Any
) -> None:
    session.add(score)
    session.flush()
    audit.record(
        session,
        action="appraisal_score.enter",
        resource_type="appraisal_score",
        resource_id=score.id,
        before=before,
        after=score_public(score, name).model_dump(),
    )


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
    batch = _batch(session, principal, cycle_id, entries)
    _check_entries(batch, entries)
    return _save(session, audit, principal, batch, entries, expected_version)
