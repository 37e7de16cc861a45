"""Appraisal results of a cycle as a CSV or XLSX file: unit, rank, grade, the six scores."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Query, Response
from sqlmodel import Session, col, select

from services.personnel.appraisal import results
from services.personnel.appraisal.access import ScopeDep, read_appraisal
from services.personnel.appraisal.rules import DIMENSIONS, Grade
from services.personnel.appraisal.schemas import ResultPublic
from services.personnel.organisation.models import Unit
from shared import tabular
from shared.db import SessionDep
from shared.pagination import PageParams
from shared.problems import ProblemError

router = APIRouter(tags=["appraisal results"])
MAX_ROWS = 50_000
GRADE_ZH = {
    Grade.EXCELLENT: "优秀",
    Grade.COMPETENT: "称职",
    Grade.BASICALLY_COMPETENT: "基本称职",
    Grade.INCOMPETENT: "不称职",
}
HEADERS = (
    "unit_code",
    "rank_in_unit",
    "staff_no",
    "name",
    "weighted_score",
    "grade",
    "等级",
    *DIMENSIONS,
    "vetoes",
    "source",
    "revision",
)


def rows_of(session: Session, items: Sequence[ResultPublic]) -> list[list[Any]]:
    unit_ids = {i.unit_id for i in items}
    codes = dict(session.exec(select(Unit.id, Unit.code).where(col(Unit.id).in_(unit_ids))).all())
    return [
        [
            codes.get(i.unit_id, str(i.unit_id)),
            i.rank_in_unit,
            i.staff_no,
            i.staff_name,
            i.weighted_score,
            i.grade.value,
            GRADE_ZH[i.grade],
            *(getattr(i, d) for d in DIMENSIONS),
            " ".join(v.value for v in i.vetoes),
            i.source.value,
            i.revision,
        ]
        for i in items
    ]


@router.get("/appraisal-cycles/{cycle_id}/results/export", dependencies=read_appraisal)
def export_results(
    session: SessionDep,
    scope: ScopeDep,
    cycle_id: uuid.UUID,
    fmt: tabular.TabularFormat = Query(tabular.TabularFormat.CSV, alias="format"),
    unit_id: uuid.UUID | None = None,
) -> Response:
    """The cycle's current results (after revisions) per unit by rank, as CSV or XLSX; a
    liaison gets its own unit, a member of staff their own line."""
    rows, total = results.list_results(
        session,
        PageParams(limit=MAX_ROWS, offset=0),
        cycle_id=cycle_id,
        scope=scope,
        unit_id=unit_id,
    )
    if total > MAX_ROWS:
        raise ProblemError(422, "EXPORT_TOO_LARGE", f"{total} results; filter by unit_id")
    items = [results.result_public(r) for r in rows]
    content = tabular.write_table(fmt, HEADERS, rows_of(session, items), title="results")
    return Response(
        content,
        media_type=fmt.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="appraisal-{cycle_id}.{fmt.value}"',
            "Cache-Control": "no-store",
        },
    )
