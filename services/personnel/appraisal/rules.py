"""The grade rules of the six-dimension appraisal (德能勤绩廉创), as pure functions.

Nothing here touches the database or HTTP; a scheme's numbers arrive as ``GradeRules``.

1. **Weighted score** = Σ(score of a dimension × its weight) ÷ 100, the weights summing to 100,
   so the result lies on the scheme's score scale. It is rounded once, at the end, to 2 places
   with ``ROUND_HALF_UP`` (89.995 → 90.00).
2. **Base grade** from the rounded weighted score and the scheme's lower bounds:
   ``≥ excellent_min`` → 优秀 excellent, ``≥ competent_min`` → 称职 competent,
   ``≥ basically_competent_min`` → 基本称职 basically competent, else 不称职 incompetent.
3. **Vetoes** (一票否决) then cap the grade, never raise it:
   - integrity (廉) below ``integrity_veto_below`` cannot be excellent (capped at competent);
   - a disciplinary penalty in the period caps the grade at ``penalty_grade_cap``.
   Both may apply; the worse cap wins.
4. **Share of excellent per unit**: at most ``floor(participants × excellent_cap_percent / 100)``
   people of a unit may be excellent ("within 15%": the allowance never rounds up).
5. **Rank within a unit**: by weighted score, highest first; equal scores share a rank and the
   next rank skips (1, 2, 2, 4).
6. **Annual roll-up**: see ``roll_up``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

DIMENSIONS = ("morality", "ability", "diligence", "performance", "integrity", "innovation")
DIMENSION_LABELS = {
    "morality": "德",
    "ability": "能",
    "diligence": "勤",
    "performance": "绩",
    "integrity": "廉",
    "innovation": "创",
}
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

K = TypeVar("K", bound=Hashable)


class Grade(StrEnum):
    EXCELLENT = "excellent"  # 优秀
    COMPETENT = "competent"  # 称职
    BASICALLY_COMPETENT = "basically_competent"  # 基本称职
    INCOMPETENT = "incompetent"  # 不称职

    @property
    def standing(self) -> int:
        """0 for the best grade, 3 for the worst."""
        return list(Grade).index(self)


def worse(a: Grade, b: Grade) -> Grade:
    return a if a.standing >= b.standing else b


class Veto(StrEnum):
    INTEGRITY = "integrity_below_line"  # 廉 below the line: not excellent
    PENALTY = "penalty_in_period"  # disciplinary penalty in the period


@dataclass(frozen=True)
class GradeRules:
    """The numbers of one appraisal scheme that decide a grade."""

    weights: Mapping[str, Decimal]
    scale_min: Decimal
    scale_max: Decimal
    excellent_min: Decimal
    competent_min: Decimal
    basically_competent_min: Decimal
    integrity_veto_below: Decimal | None = None
    penalty_grade_cap: Grade | None = None
    excellent_cap_percent: Decimal = Decimal(15)

    def problems(self) -> list[str]:
        """Why these rules are unusable (empty when they are sound)."""
        found = []
        if set(self.weights) != set(DIMENSIONS):
            found.append(f"weights must name exactly the dimensions {', '.join(DIMENSIONS)}")
        elif sum(self.weights.values(), Decimal(0)) != HUNDRED:
            found.append("weights must sum to 100")
        if any(w < 0 for w in self.weights.values()):
            found.append("weights cannot be negative")
        if not self.scale_min < self.scale_max:
            found.append("scale_min must be below scale_max")
        bounds = (self.excellent_min, self.competent_min, self.basically_competent_min)
        if not (self.scale_max >= bounds[0] > bounds[1] > bounds[2] >= self.scale_min):
            found.append(
                "thresholds must fall within the scale with "
                "excellent_min > competent_min > basically_competent_min"
            )
        line = self.integrity_veto_below
        if line is not None and not self.scale_min <= line <= self.scale_max:
            found.append("integrity_veto_below must lie within the scale")
        if not Decimal(0) <= self.excellent_cap_percent <= HUNDRED:
            found.append("excellent_cap_percent must be between 0 and 100")
        return found


@dataclass(frozen=True)
class Assessment:
    weighted_score: Decimal
    base_grade: Grade  # from the score alone
    grade: Grade  # after vetoes
    vetoes: tuple[Veto, ...]


def out_of_scale(scores: Mapping[str, Decimal], rules: GradeRules) -> list[str]:
    """The dimensions whose score lies outside the scheme's scale."""
    return [d for d, v in scores.items() if not rules.scale_min <= v <= rules.scale_max]


def weighted_score(scores: Mapping[str, Decimal], weights: Mapping[str, Decimal]) -> Decimal:
    """Σ score × weight ÷ 100 over the six dimensions, rounded half-up to 2 places."""
    missing = [d for d in DIMENSIONS if d not in scores]
    if missing:
        raise ValueError(f"scores missing for {', '.join(missing)}")
    total = sum((scores[d] * weights[d] for d in DIMENSIONS), Decimal(0))
    return (total / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for_score(score: Decimal, rules: GradeRules) -> Grade:
    """The grade a weighted score earns before any veto."""
    if score >= rules.excellent_min:
        return Grade.EXCELLENT
    if score >= rules.competent_min:
        return Grade.COMPETENT
    if score >= rules.basically_competent_min:
        return Grade.BASICALLY_COMPETENT
    return Grade.INCOMPETENT


def assess(scores: Mapping[str, Decimal], rules: GradeRules, *, penalised: bool) -> Assessment:
    """Weighted score, base grade and the grade after the integrity and penalty vetoes."""
    score = weighted_score(scores, rules.weights)
    base = grade_for_score(score, rules)
    grade = base
    vetoes: list[Veto] = []
    line = rules.integrity_veto_below
    if line is not None and scores["integrity"] < line and grade == Grade.EXCELLENT:
        grade = Grade.COMPETENT
        vetoes.append(Veto.INTEGRITY)
    cap = rules.penalty_grade_cap
    if penalised and cap is not None and grade.standing < cap.standing:
        grade = worse(grade, cap)
        vetoes.append(Veto.PENALTY)
    return Assessment(weighted_score=score, base_grade=base, grade=grade, vetoes=tuple(vetoes))


def excellent_allowance(participants: int, cap_percent: Decimal) -> int:
    """How many of ``participants`` may be excellent: the share, rounded down."""
    allowed = (Decimal(participants) * cap_percent / HUNDRED).to_integral_value(ROUND_FLOOR)
    return int(allowed)


def rank(scores: Mapping[K, Decimal]) -> dict[K, int]:
    """Competition ranking by score, highest first: equal scores share a rank (1, 2, 2, 4)."""
    ordered = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    ranks: dict[K, int] = {}
    previous: Decimal | None = None
    current = 0
    for position, (key, score) in enumerate(ordered, start=1):
        if score != previous:
            current = position
            previous = score
        ranks[key] = current
    return ranks


def roll_up(sources: Sequence[Mapping[str, Decimal]]) -> dict[str, Decimal]:
    """Annual dimension scores from shorter finalized results (年度汇总).

    Rule: when a staff member has no scores entered in an annual cycle, each dimension is the
    mean of that dimension over their current (latest-revision) finalized results of the
    year's quarterly cycles — or, lacking any, of its half-year cycles, else of its monthly
    ones (the caller picks the kind) — rounded half-up to 2 places. The annual scheme then
    weighs and grades these scores exactly as if they had been entered, vetoes included
    (a penalty anywhere in the year caps the annual grade).
    """
    if not sources:
        raise ValueError("nothing to roll up")
    count = Decimal(len(sources))
    return {
        d: (sum((s[d] for s in sources), Decimal(0)) / count).quantize(CENT, ROUND_HALF_UP)
        for d in DIMENSIONS
    }
