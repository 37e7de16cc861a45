"""API shapes of finalized appraisal results, their revisions and the grade list."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from services.personnel.appraisal.models import CycleKind, ResultSource
from services.personnel.appraisal.rules import Grade, Veto
from services.personnel.appraisal.schemas import ScoreValues
from shared.text import Prose2000 as Reason


class ResultPublic(ScoreValues):
    id: uuid.UUID
    cycle_id: uuid.UUID
    staff_id: uuid.UUID
    staff_no: str
    staff_name: str
    unit_id: uuid.UUID
    source: ResultSource
    weighted_score: Decimal
    base_grade: Grade
    grade: Grade
    vetoes: list[Veto]
    rank_in_unit: int
    revision: int
    version: int
    finalized_at: datetime
    revised_at: datetime | None


class RevisionCreate(BaseModel):
    reason: Reason
    scores: ScoreValues = Field(
        default_factory=ScoreValues,
        description="Corrected dimension scores; the grade is recomputed by the scheme's rules",
    )


class RevisionPublic(ScoreValues):
    revision: int
    weighted_score: Decimal
    base_grade: Grade
    grade: Grade
    vetoes: list[Veto]
    reason: str
    recorded_by: str
    recorded_at: datetime


class GradePublic(BaseModel):
    """The current finalized grade of one staff member in one cycle (after revisions)."""

    staff_id: uuid.UUID
    staff_no: str
    staff_name: str
    unit_id: uuid.UUID
    cycle_id: uuid.UUID
    cycle_kind: CycleKind
    year: int
    period_start: date
    period_end: date
    grade: Grade
    weighted_score: Decimal
    rank_in_unit: int
    revision: int
    result_id: uuid.UUID


class GradeBulkPage(BaseModel):
    """A slice of latest grades in ``staff_no`` order; pass ``next_after`` to continue."""

    items: list[GradePublic]
    next_after: str | None
