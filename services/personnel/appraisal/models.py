"""Appraisal tables: schemes, cycles and their units, entered scores, results and revisions.

API shapes live in ``schemas.py``. Grades, kinds and states are stored as plain strings.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from services.personnel.appraisal.rules import DIMENSIONS, Grade, GradeRules, Veto
from shared.changes import VersionedColumns
from shared.types import UTCDateTime, utcnow


class CycleKind(StrEnum):
    MONTHLY = "monthly"  # 月检查
    QUARTERLY = "quarterly"  # 季考评
    HALF_YEAR = "half_year"  # 半年考核
    ANNUAL = "annual"  # 年度总考核


class CycleStatus(StrEnum):
    OPEN = "open"  # scores are being entered
    SUBMITTED = "submitted"  # entry closed, waiting for review
    REVIEWED = "reviewed"  # checked, ready to finalize
    FINALIZED = "finalized"  # locked: results exist, changes only by revision


class ResultSource(StrEnum):
    SCORED = "scored"  # from scores entered in the cycle
    ROLLED_UP = "rolled_up"  # annual: from the year's shorter cycles (rules.roll_up)


def _score() -> Any:
    return SQLField(default=None, max_digits=6, decimal_places=2, nullable=True)


class AppraisalScheme(VersionedColumns, table=True):
    """Weights, scale, thresholds, vetoes and the excellent share: one edition of a scheme.

    An edition used by a finalized cycle is locked; a change then makes the next edition.
    """

    __tablename__ = "personnel_appraisal_scheme"
    __table_args__ = (UniqueConstraint("code", "edition"),)

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    code: str = SQLField(max_length=20, index=True)
    edition: int = 1
    name: str = SQLField(max_length=200)
    weight_morality: Decimal = SQLField(max_digits=5, decimal_places=2)
    weight_ability: Decimal = SQLField(max_digits=5, decimal_places=2)
    weight_diligence: Decimal = SQLField(max_digits=5, decimal_places=2)
    weight_performance: Decimal = SQLField(max_digits=5, decimal_places=2)
    weight_integrity: Decimal = SQLField(max_digits=5, decimal_places=2)
    weight_innovation: Decimal = SQLField(max_digits=5, decimal_places=2)
    scale_min: Decimal = SQLField(max_digits=6, decimal_places=2)
    scale_max: Decimal = SQLField(max_digits=6, decimal_places=2)
    excellent_min: Decimal = SQLField(max_digits=6, decimal_places=2)
    competent_min: Decimal = SQLField(max_digits=6, decimal_places=2)
    basically_competent_min: Decimal = SQLField(max_digits=6, decimal_places=2)
    integrity_veto_below: Decimal | None = SQLField(
        default=None, max_digits=6, decimal_places=2, nullable=True
    )
    penalty_grade_cap: str | None = SQLField(default=None, sa_type=String(30), nullable=True)
    excellent_cap_percent: Decimal = SQLField(max_digits=5, decimal_places=2)
    locked: bool = False

    def weights(self) -> dict[str, Decimal]:
        return {d: getattr(self, f"weight_{d}") for d in DIMENSIONS}

    def rules(self) -> GradeRules:
        return GradeRules(
            weights=self.weights(),
            scale_min=self.scale_min,
            scale_max=self.scale_max,
            excellent_min=self.excellent_min,
            competent_min=self.competent_min,
            basically_competent_min=self.basically_competent_min,
            integrity_veto_below=self.integrity_veto_below,
            penalty_grade_cap=Grade(self.penalty_grade_cap) if self.penalty_grade_cap else None,
            excellent_cap_percent=self.excellent_cap_percent,
        )


class AppraisalCycle(VersionedColumns, table=True):
    """One appraisal round of some units over a period, under one scheme edition."""

    __tablename__ = "personnel_appraisal_cycle"

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    name: str = SQLField(max_length=200)
    kind: CycleKind = SQLField(sa_type=String(20))
    year: int = SQLField(index=True)
    period_start: date
    period_end: date
    scheme_id: uuid.UUID = SQLField(foreign_key="personnel_appraisal_scheme.id", index=True)
    status: CycleStatus = SQLField(sa_type=String(20), default=CycleStatus.OPEN)
    finalized_at: datetime | None = SQLField(default=None, sa_type=UTCDateTime(), nullable=True)


class AppraisalCycleUnit(SQLModel, table=True):
    __tablename__ = "personnel_appraisal_cycle_unit"

    cycle_id: uuid.UUID = SQLField(foreign_key="personnel_appraisal_cycle.id", primary_key=True)
    unit_id: uuid.UUID = SQLField(foreign_key="personnel_unit.id", primary_key=True)


class DimensionScores(SQLModel):
    """The six dimension columns (德能勤绩廉创); None while not yet entered."""

    morality: Decimal | None = _score()
    ability: Decimal | None = _score()
    diligence: Decimal | None = _score()
    performance: Decimal | None = _score()
    integrity: Decimal | None = _score()
    innovation: Decimal | None = _score()

    def entered(self) -> dict[str, Decimal]:
        """The dimensions that have a score."""
        values = {d: getattr(self, d) for d in DIMENSIONS}
        return {d: v for d, v in values.items() if v is not None}


class AppraisalScore(DimensionScores, table=True):
    """Scores entered for one staff member in one cycle (the unit they are appraised in)."""

    __tablename__ = "personnel_appraisal_score"
    __table_args__ = (UniqueConstraint("cycle_id", "staff_id"),)

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    cycle_id: uuid.UUID = SQLField(foreign_key="personnel_appraisal_cycle.id", index=True)
    staff_id: uuid.UUID = SQLField(foreign_key="personnel_staff.id", index=True)
    unit_id: uuid.UUID = SQLField(foreign_key="personnel_unit.id")
    entered_by: str = SQLField(max_length=200)
    version: int = 1
    updated_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())


class GradedState(DimensionScores):
    """What one revision of a result says: scores, weighted score, grade and vetoes applied."""

    weighted_score: Decimal = SQLField(max_digits=6, decimal_places=2)
    base_grade: str = SQLField(sa_type=String(30))
    grade: str = SQLField(sa_type=String(30))
    vetoes: str = SQLField(default="", sa_type=String(100))  # comma-separated Veto values

    def veto_list(self) -> list[Veto]:
        return [Veto(v) for v in self.vetoes.split(",") if v]


class AppraisalResult(GradedState, table=True):
    """The current result of one staff member in a finalized cycle (= its latest revision)."""

    __tablename__ = "personnel_appraisal_result"
    __table_args__ = (UniqueConstraint("cycle_id", "staff_id"),)

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    cycle_id: uuid.UUID = SQLField(foreign_key="personnel_appraisal_cycle.id", index=True)
    staff_id: uuid.UUID = SQLField(foreign_key="personnel_staff.id", index=True)
    unit_id: uuid.UUID = SQLField(foreign_key="personnel_unit.id", index=True)
    source: ResultSource = SQLField(sa_type=String(20))
    rank_in_unit: int
    revision: int = 0
    version: int = 1
    finalized_at: datetime = SQLField(sa_type=UTCDateTime())
    revised_at: datetime | None = SQLField(default=None, sa_type=UTCDateTime(), nullable=True)


class AppraisalResultRevision(GradedState, table=True):
    """Every state a result has had: revision 0 as finalized, then each recorded revision."""

    __tablename__ = "personnel_appraisal_result_revision"
    __table_args__ = (UniqueConstraint("result_id", "revision"),)

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    result_id: uuid.UUID = SQLField(foreign_key="personnel_appraisal_result.id", index=True)
    revision: int
    reason: str = SQLField(sa_column=Column(Text, nullable=False))
    recorded_by: str = SQLField(max_length=200)
    recorded_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())
