"""Reading finalized results, their revision history and the bulk grade list (read-only)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select as core_select
from sqlmodel import Session, col, func, select

from services.personnel.appraisal.models import (
    AppraisalCycle,
    AppraisalResult,
    AppraisalResultRevision,
    CycleKind,
    CycleStatus,
)
from services.personnel.appraisal.rules import Grade
from services.personnel.appraisal.schemas import from_row
from services.personnel.appraisal.service import get_cycle
from services.personnel.appraisal_results.schemas import (
    GradeBulkPage,
    GradePublic,
    ResultPublic,
    RevisionPublic,
)
from services.personnel.staff.models import Staff
from shared.pagination import Page, PageParams, fetch_page
from shared.problems import NotFound
from shared.scope import RowScope

Row = tuple[AppraisalResult, AppraisalCycle, str, str]  # result, cycle, staff_no, name


def result_public(row: Row) -> ResultPublic:
    result, _, staff_no, name = row
    return from_row(
        ResultPublic, result, staff_no=staff_no, staff_name=name, vetoes=result.veto_list()
    )


def grade_public(row: Row) -> GradePublic:
    result, cycle, staff_no, name = row
    return GradePublic(
        staff_id=result.staff_id,
        staff_no=staff_no,
        staff_name=name,
        unit_id=result.unit_id,
        cycle_id=cycle.id,
        cycle_kind=cycle.kind,
        year=cycle.year,
        period_start=cycle.period_start,
        period_end=cycle.period_end,
        grade=Grade(result.grade),
        weighted_score=result.weighted_score,
        rank_in_unit=result.rank_in_unit,
        revision=result.revision,
        result_id=result.id,
    )


def revision_public(revision: AppraisalResultRevision) -> RevisionPublic:
    return from_row(RevisionPublic, revision, vetoes=revision.veto_list())


def _query(
    scope: RowScope,
    *,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    grade: Grade | None = None,
) -> Any:
    """Finalized results within the caller's scope, filtered (403 when a filter asks for
    another unit's or person's)."""
    scope.check_filters(unit_id, staff_id)
    query = (
        select(AppraisalResult, AppraisalCycle, Staff.staff_no, Staff.name)
        .join(AppraisalCycle, col(AppraisalCycle.id) == AppraisalResult.cycle_id)
        .join(Staff, col(Staff.id) == AppraisalResult.staff_id)
        .where(AppraisalCycle.status == CycleStatus.FINALIZED)
    )
    limit = scope.condition(AppraisalResult.unit_id, AppraisalResult.staff_id)
    if limit is not None:
        query = query.where(limit)
    filters = (
        (AppraisalResult.unit_id, unit_id),
        (AppraisalResult.staff_id, staff_id),
        (AppraisalResult.grade, grade),
    )
    for column, value in filters:
        if value is not None:
            query = query.where(column == value)
    return query


def list_results(
    session: Session,
    params: PageParams,
    *,
    cycle_id: uuid.UUID,
    scope: RowScope,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    grade: Grade | None = None,
) -> tuple[list[Row], int]:
    """Current results of a finalized cycle (rows), per unit by rank, and how many match."""
    get_cycle(session, cycle_id)
    query = _query(scope, unit_id=unit_id, staff_id=staff_id, grade=grade)
    query = query.where(AppraisalResult.cycle_id == cycle_id)
    rows, total = fetch_page(
        session,
        query,
        params,
        col(AppraisalResult.unit_id),
        col(AppraisalResult.rank_in_unit),
        col(Staff.staff_no),
    )
    return [tuple(r) for r in rows], total


def results_page(
    session: Session,
    params: PageParams,
    *,
    cycle_id: uuid.UUID,
    scope: RowScope,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    grade: Grade | None = None,
) -> Page[ResultPublic]:
    rows, total = list_results(
        session,
        params,
        cycle_id=cycle_id,
        scope=scope,
        unit_id=unit_id,
        staff_id=staff_id,
        grade=grade,
    )
    return Page.of([result_public(r) for r in rows], total, params)


def get_result(session: Session, result_id: uuid.UUID, scope: RowScope) -> Row:
    row = session.exec(
        _query(RowScope(everything=True)).where(AppraisalResult.id == result_id)
    ).first()
    if row is None:
        raise NotFound("appraisal_result", result_id)
    scope.check(unit_id=row[0].unit_id, staff_id=row[0].staff_id)
    return tuple(row)


def list_revisions(session: Session, result_id: uuid.UUID, scope: RowScope) -> Page[RevisionPublic]:
    """Every state of a result the caller may read, revision 0 first."""
    get_result(session, result_id, scope)
    revisions = session.exec(
        select(AppraisalResultRevision)
        .where(AppraisalResultRevision.result_id == result_id)
        .order_by(col(AppraisalResultRevision.revision))
    )
    return Page.whole([revision_public(r) for r in revisions])


def list_grades(
    session: Session,
    params: PageParams,
    *,
    scope: RowScope,
    year: int | None = None,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    cycle_kind: CycleKind | None = None,
    cycle_id: uuid.UUID | None = None,
    grade: Grade | None = None,
) -> Page[GradePublic]:
    """Current finalized grades (latest revision), one per staff member and cycle."""
    query = _query(scope, unit_id=unit_id, staff_id=staff_id, grade=grade)
    if year is not None:
        query = query.where(AppraisalCycle.year == year)
    if cycle_kind is not None:
        query = query.where(AppraisalCycle.kind == cycle_kind)
    if cycle_id is not None:
        query = query.where(AppraisalResult.cycle_id == cycle_id)
    rows, total = fetch_page(
        session,
        query,
        params,
        col(AppraisalCycle.period_start),
        col(AppraisalCycle.id),
        col(AppraisalResult.unit_id),
        col(AppraisalResult.staff_id),
    )
    return Page.of([grade_public(tuple(r)) for r in rows], total, params)


def latest_grades(
    session: Session,
    *,
    scope: RowScope,
    cycle_kind: CycleKind,
    ended_before: date,
    after: str | None,
    through: str | None,
    limit: int,
) -> GradeBulkPage:
    """Each staff member's latest finalized grade of ``cycle_kind`` whose cycle ended before
    ``ended_before``, in ``staff_no`` order after ``after`` (and up to ``through``
    inclusive): a keyset slice for peers (payroll reads the grades of a slice of staff with
    the same bounds as its staff slice)."""
    ended = (
        select(
            col(AppraisalResult.staff_id).label("staff_id"),
            func.max(AppraisalCycle.period_end).label("period_end"),
        )
        .join(AppraisalCycle, col(AppraisalCycle.id) == AppraisalResult.cycle_id)
        .where(
            AppraisalCycle.status == CycleStatus.FINALIZED,
            AppraisalCycle.kind == cycle_kind,
            col(AppraisalCycle.period_end) < ended_before,
        )
        .group_by(col(AppraisalResult.staff_id))
        .subquery()
    )
    # columns, not entities: a slice is thousands of rows
    r, c = AppraisalResult, AppraisalCycle
    columns = (
        r.staff_id,
        Staff.staff_no,
        Staff.name,
        r.unit_id,
        c.id,
        c.kind,
        c.year,
        c.period_start,
        c.period_end,
        r.grade,
        r.weighted_score,
        r.rank_in_unit,
        r.revision,
        r.id,
    )
    query: Any = (
        core_select(*(col(x) for x in columns))
        .join(c, col(c.id) == r.cycle_id)
        .join(Staff, col(Staff.id) == r.staff_id)
        .join(ended, ended.c.staff_id == r.staff_id)
        .where(
            col(c.status) == CycleStatus.FINALIZED,
            col(c.kind) == cycle_kind,
            col(c.period_end) == ended.c.period_end,
        )
    )
    limit_scope = scope.condition(r.unit_id, r.staff_id)
    if limit_scope is not None:
        query = query.where(limit_scope)
    if after is not None:
        query = query.where(col(Staff.staff_no) > after)
    if through is not None:
        query = query.where(col(Staff.staff_no) <= through)
    rows = session.execute(query.order_by(col(Staff.staff_no)).limit(limit + 1)).all()
    names = tuple(GradePublic.model_fields)
    items = [GradePublic.model_validate(dict(zip(names, row, strict=True))) for row in rows[:limit]]
    return GradeBulkPage(items=items, next_after=items[-1].staff_no if len(rows) > limit else None)
