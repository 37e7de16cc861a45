"""Appraisal results of a cycle as a CSV or XLSX file: unit, rank, grade, the six scores
(service layer of ``appraisal_results``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from services.personnel.appraisal.rules import DIMENSIONS, Grade
from services.personnel.appraisal_results.schemas import ResultPublic
from services.personnel.appraisal_results.service import list_results, result_public
from services.personnel.organisation.models import Unit
from shared import tabular
from shared.pagination import PageParams
from shared.problems import Invalid
from shared.scope import RowScope

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


def export_results(
    session: Session,
    fmt: tabular.TabularFormat,
    *,
    cycle_id: uuid.UUID,
    scope: RowScope,
    unit_id: uuid.UUID | None,
) -> bytes:
    """The cycle's current results the caller may read, as a file of ``fmt``."""
    rows, total = list_results(
        session,
        PageParams(limit=MAX_ROWS, offset=0),
        cycle_id=cycle_id,
        scope=scope,
        unit_id=unit_id,
    )
    if total > MAX_ROWS:
        raise Invalid("EXPORT_TOO_LARGE", f"{total} results; filter by unit_id")
    items = [result_public(r) for r in rows]
    return tabular.write_table(fmt, HEADERS, rows_of(session, items), title="results")
