"""Reading finalized results, their revision history and the bulk grade list (read-only)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.personnel.appraisal.access import Scope
from services.personnel.appraisal.models import (
    AppraisalCycle,
    AppraisalResult,
    AppraisalResultRevision,
    CycleKind,
    CycleStatus,
)
from services.personnel.appraisal.rules import Grade
from services.personnel.appraisal.schemas import GradePublic, ResultPublic, RevisionPublic, from_row
from services.personnel.appraisal.service import get_cycle
from services.personnel.staff.models import Staff
from shared.pagination import PageParams
from shared.problems import NotFound

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


def _query(scope: Scope) -> Any:
    query = (
        select(AppraisalResult, AppraisalCycle, Staff.staff_no, Staff.name)
        .join(AppraisalCycle, col(AppraisalCycle.id) == AppraisalResult.cycle_id)
        .join(Staff, col(Staff.id) == AppraisalResult.staff_id)
        .where(AppraisalCycle.status == CycleStatus.FINALIZED)
    )
    limit = scope.condition(AppraisalResult.unit_id, AppraisalResult.staff_id)
    return query if limit is None else query.where(limit)


def _page(session: Session, query: Any, params: PageParams, *order: Any) -> tuple[list[Row], int]:
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(*order).offset(params.offset).limit(params.limit))
    return [tuple(r) for r in rows], total


def list_results(
    session: Session,
    params: PageParams,
    *,
    cycle_id: uuid.UUID,
    scope: Scope,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    grade: Grade | None = None,
) -> tuple[list[Row], int]:
    get_cycle(session, cycle_id)
    scope.check_filters(unit_id, staff_id)
    query = _query(scope).where(AppraisalResult.cycle_id == cycle_id)
    if unit_id is not None:
        query = query.where(AppraisalResult.unit_id == unit_id)
    if staff_id is not None:
        query = query.where(AppraisalResult.staff_id == staff_id)
    if grade is not None:
        query = query.where(AppraisalResult.grade == grade)
    return _page(
        session,
        query,
        params,
        col(AppraisalResult.unit_id),
        col(AppraisalResult.rank_in_unit),
        col(Staff.staff_no),
    )


def get_result(session: Session, result_id: uuid.UUID, scope: Scope) -> Row:
    row = session.exec(
        _query(Scope(everything=True)).where(AppraisalResult.id == result_id)
    ).first()
    if row is None:
        raise NotFound("appraisal_result", result_id)
    scope.check(row[0].unit_id, row[0].staff_id)
    return tuple(row)


def list_revisions(
    session: Session, result_id: uuid.UUID, scope: Scope
) -> list[AppraisalResultRevision]:
    get_result(session, result_id, scope)
    return list(
        session.exec(
            select(AppraisalResultRevision)
            .where(AppraisalResultRevision.result_id == result_id)
            .order_by(col(AppraisalResultRevision.revision))
        )
    )


def list_grades(
    session: Session,
    params: PageParams,
    *,
    scope: Scope,
    year: int | None = None,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    cycle_kind: CycleKind | None = None,
    cycle_id: uuid.UUID | None = None,
    grade: Grade | None = None,
) -> tuple[list[Row], int]:
    """Current finalized grades (latest revision), one per staff member and cycle."""
    scope.check_filters(unit_id, staff_id)
    query = _query(scope)
    if year is not None:
        query = query.where(AppraisalCycle.year == year)
    if cycle_kind is not None:
        query = query.where(AppraisalCycle.kind == cycle_kind)
    if cycle_id is not None:
        query = query.where(AppraisalResult.cycle_id == cycle_id)
    if unit_id is not None:
        query = query.where(AppraisalResult.unit_id == unit_id)
    if staff_id is not None:
        query = query.where(AppraisalResult.staff_id == staff_id)
    if grade is not None:
        query = query.where(AppraisalResult.grade == grade)
    return _page(
        session,
        query,
        params,
        col(AppraisalCycle.period_start),
        col(AppraisalCycle.id),
        col(AppraisalResult.unit_id),
        col(AppraisalResult.staff_id),
    )
