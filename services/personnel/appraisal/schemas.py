"""API shapes of the appraisal: schemes, cycles and scores (results, revisions and grades are
in ``appraisal_results.schemas``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field

from services.personnel.appraisal.models import CycleKind, CycleStatus
from services.personnel.appraisal.rules import DIMENSIONS, Grade
from services.personnel.organisation.schemas import CODE_PATTERN
from shared.money import two_places
from shared.text import Name

M = TypeVar("M", bound=BaseModel)


def from_row(model: type[M], row: object, **extra: Any) -> M:
    """``model`` from a table row's attributes (plain strings in enum columns are fine)."""
    data = {n: getattr(row, n) for n in model.model_fields if n not in extra and hasattr(row, n)}
    return model.model_validate({**data, **extra})


_FRACTION = r"(\.[0-9]{1,2})?"
_WEIGHT = two_places(
    f"100(\\.0{{1,2}})?|(0|[1-9][0-9]?){_FRACTION}", "a weight", "20.00", "0 to 100"
)
_PERCENT = two_places(
    f"100(\\.0{{1,2}})?|[1-9][0-9]?{_FRACTION}|0\\.(0[1-9]|[1-9][0-9]?)",
    "a percentage",
    "15.00",
    "more than 0, at most 100",
)
_SCALE = two_places(
    f"1000(\\.0{{1,2}})?|(0|[1-9][0-9]{{0,2}}){_FRACTION}", "a scale value", "85.00", "0 to 1000"
)
_SCORE = two_places(f"-?(0|[1-9][0-9]{{0,3}}){_FRACTION}", "a score", "88.50", "-9999 to 9999")
Weight = Annotated[Decimal, *_WEIGHT]
Percent = Annotated[Decimal, *_PERCENT]
ScaleValue = Annotated[Decimal, *_SCALE]
Score = Annotated[Decimal, *_SCORE]


class Weights(BaseModel):
    """Weights of 德能勤绩廉创 in percent; they must sum to 100."""

    morality: Weight
    ability: Weight
    diligence: Weight
    performance: Weight
    integrity: Weight
    innovation: Weight


class Thresholds(BaseModel):
    """Lowest weighted score of each grade; below ``basically_competent`` is incompetent."""

    excellent: ScaleValue = Field(description="优秀 from this weighted score")
    competent: ScaleValue = Field(description="称职 from this weighted score")
    basically_competent: ScaleValue = Field(description="基本称职 from this weighted score")


class Vetoes(BaseModel):
    """一票否决: what caps a grade whatever the score."""

    integrity_below: ScaleValue | None = Field(
        default=Decimal("60.00"), description="Integrity (廉) below this cannot be excellent"
    )
    penalty_caps_at: Grade | None = Field(
        default=Grade.COMPETENT,
        description="A disciplinary penalty in the period caps the grade here",
    )


class SchemeFields(BaseModel):
    """Everything of a scheme but its code (all optional: a change or a new edition)."""

    name: Name | None = None
    weights: Weights | None = None
    scale_min: ScaleValue | None = None
    scale_max: ScaleValue | None = None
    thresholds: Thresholds | None = None
    vetoes: Vetoes | None = None
    excellent_cap_percent: Percent | None = Field(
        default=None, description="Most excellent per unit, % of participants"
    )


class SchemeCreate(BaseModel):
    code: str = Field(pattern=CODE_PATTERN, description="Upper-case code, e.g. STD")
    name: Name
    weights: Weights
    scale_min: ScaleValue = Decimal("0.00")
    scale_max: ScaleValue = Decimal("100.00")
    thresholds: Thresholds
    vetoes: Vetoes = Field(default_factory=Vetoes)
    excellent_cap_percent: Percent = Field(
        default=Decimal("15.00"), description="Most excellent per unit, % of participants"
    )


class SchemePublic(BaseModel):
    id: uuid.UUID
    code: str
    edition: int
    name: str
    weights: Weights
    scale_min: Decimal
    scale_max: Decimal
    thresholds: Thresholds
    vetoes: Vetoes
    excellent_cap_percent: Decimal
    locked: bool = Field(description="Used by a finalized cycle: change it by a new edition")
    version: int


class CycleCreate(BaseModel):
    name: Name
    kind: CycleKind
    period_start: date
    period_end: date
    unit_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)
    scheme_id: uuid.UUID


class CycleUpdate(BaseModel):
    name: Name | None = None
    unit_ids: list[uuid.UUID] | None = Field(default=None, min_length=1, max_length=500)


class CyclePublic(BaseModel):
    id: uuid.UUID
    name: str
    kind: CycleKind
    year: int
    period_start: date
    period_end: date
    unit_ids: list[uuid.UUID]
    scheme_id: uuid.UUID
    status: CycleStatus
    finalized_at: datetime | None
    version: int


class ScoreValues(BaseModel):
    """Scores of the six dimensions on the scheme's scale; omitted ones stay as they were."""

    morality: Score | None = None
    ability: Score | None = None
    diligence: Score | None = None
    performance: Score | None = None
    integrity: Score | None = None
    innovation: Score | None = None

    def given(self) -> dict[str, Decimal]:
        values = {d: getattr(self, d) for d in DIMENSIONS}
        return {d: v for d, v in values.items() if v is not None}


class ScoreEntry(ScoreValues):
    staff_id: uuid.UUID


class ScoreBatch(BaseModel):
    scores: list[ScoreEntry] = Field(min_length=1, max_length=200)


class ScorePublic(ScoreValues):
    id: uuid.UUID
    cycle_id: uuid.UUID
    staff_id: uuid.UUID
    staff_name: str
    unit_id: uuid.UUID
    complete: bool
    entered_by: str
    version: int
    updated_at: datetime
