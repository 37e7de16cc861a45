"""The grade rules of the six-dimension appraisal, without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.personnel.appraisal.rules import (
    DIMENSIONS,
    Grade,
    GradeRules,
    Veto,
    assess,
    excellent_allowance,
    grade_for_score,
    out_of_scale,
    rank,
    roll_up,
    weighted_score,
)

D = Decimal
WEIGHTS = {
    "morality": D(15),
    "ability": D(15),
    "diligence": D(15),
    "performance": D(30),
    "integrity": D(15),
    "innovation": D(10),
}
RULES = GradeRules(
    weights=WEIGHTS,
    scale_min=D(0),
    scale_max=D(100),
    excellent_min=D(90),
    competent_min=D(75),
    basically_competent_min=D(60),
    integrity_veto_below=D(85),
    penalty_grade_cap=Grade.BASICALLY_COMPETENT,
    excellent_cap_percent=D(15),
)


def scores(value: str = "95", **overrides: str) -> dict[str, Decimal]:
    return {d: D(overrides.get(d, value)) for d in DIMENSIONS}


def test_weighted_score_weighs_each_dimension_and_rounds_half_up() -> None:
    # 0.15·80 + 0.15·90 + 0.15·70 + 0.30·100 + 0.15·60 + 0.10·50 = 80.0
    entered = scores(
        morality="80", ability="90", diligence="70", performance="100", integrity="60",
        innovation="50",
    )  # fmt: skip
    assert weighted_score(entered, WEIGHTS) == D("80.00")
    # a half cent rounds up (half-even would give 89.98 for the second)
    assert weighted_score({d: D("89.995") for d in DIMENSIONS}, WEIGHTS) == D("90.00")
    assert weighted_score({d: D("89.985") for d in DIMENSIONS}, WEIGHTS) == D("89.99")


def test_weighted_score_needs_all_six_dimensions() -> None:
    partial = scores()
    del partial["innovation"]
    with pytest.raises(ValueError, match="innovation"):
        weighted_score(partial, WEIGHTS)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", Grade.EXCELLENT),
        ("90.00", Grade.EXCELLENT),
        ("89.99", Grade.COMPETENT),
        ("75", Grade.COMPETENT),
        ("74.99", Grade.BASICALLY_COMPETENT),
        ("60", Grade.BASICALLY_COMPETENT),
        ("59.99", Grade.INCOMPETENT),
        ("0", Grade.INCOMPETENT),
    ],
)
def test_thresholds_are_lower_bounds_of_each_grade(score: str, grade: Grade) -> None:
    assert grade_for_score(D(score), RULES) == grade


def test_clean_high_scores_are_excellent() -> None:
    a = assess(scores("95"), RULES, penalised=False)
    assert (a.weighted_score, a.base_grade, a.grade, a.vetoes) == (
        D("95.00"),
        Grade.EXCELLENT,
        Grade.EXCELLENT,
        (),
    )


def test_integrity_below_the_line_vetoes_excellent() -> None:
    a = assess(scores("98", integrity="84.99"), RULES, penalised=False)
    assert a.base_grade == Grade.EXCELLENT
    assert a.grade == Grade.COMPETENT
    assert a.vetoes == (Veto.INTEGRITY,)
    on_the_line = assess(scores("98", integrity="85"), RULES, penalised=False)
    assert on_the_line.grade == Grade.EXCELLENT


def test_integrity_veto_does_not_touch_lower_grades() -> None:
    a = assess(scores("80", integrity="10"), RULES, penalised=False)
    assert a.grade == a.base_grade
    assert a.vetoes == ()


def test_penalty_in_the_period_caps_the_grade() -> None:
    a = assess(scores("95"), RULES, penalised=True)
    assert a.base_grade == Grade.EXCELLENT
    assert a.grade == Grade.BASICALLY_COMPETENT
    assert a.vetoes == (Veto.PENALTY,)
    already_low = assess(scores("50"), RULES, penalised=True)
    assert already_low.grade == Grade.INCOMPETENT, "a cap never raises a grade"
    assert already_low.vetoes == ()


def test_both_vetoes_the_worse_cap_wins() -> None:
    a = assess(scores("98", integrity="70"), RULES, penalised=True)
    assert a.grade == Grade.BASICALLY_COMPETENT
    assert a.vetoes == (Veto.INTEGRITY, Veto.PENALTY)


def test_vetoes_can_be_switched_off_by_the_scheme() -> None:
    lenient = GradeRules(
        **{**RULES.__dict__, "integrity_veto_below": None, "penalty_grade_cap": None}
    )
    a = assess(scores("98", integrity="80"), lenient, penalised=True)
    assert a.grade == Grade.EXCELLENT


@pytest.mark.parametrize(
    ("participants", "percent", "allowed"),
    [(20, "15", 3), (19, "15", 2), (6, "15", 0), (7, "15", 1), (10, "20", 2), (0, "15", 0)],
)
def test_excellent_allowance_rounds_down(participants: int, percent: str, allowed: int) -> None:
    assert excellent_allowance(participants, D(percent)) == allowed


def test_rank_shares_places_for_equal_scores() -> None:
    ranks = rank({"a": D("91"), "b": D("88.5"), "c": D("88.50"), "d": D("70")})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_roll_up_averages_each_dimension_half_up() -> None:
    q1 = scores("90", integrity="80")
    q2 = scores("91", integrity="85")
    q3 = scores("92.01", integrity="90")
    rolled = roll_up([q1, q2, q3])
    assert rolled["morality"] == D("91.00")  # 273.01 / 3 = 91.0033…
    assert rolled["integrity"] == D("85.00")
    assert roll_up([scores("90.005"), scores("90.00")])["ability"] == D("90.00")
    assert roll_up([scores("90.01"), scores("90.00")])["ability"] == D("90.01")  # 90.005 → up
    with pytest.raises(ValueError):
        roll_up([])


def test_sound_and_unsound_schemes() -> None:
    assert RULES.problems() == []
    bad_weights = GradeRules(**{**RULES.__dict__, "weights": {**WEIGHTS, "innovation": D(11)}})
    assert bad_weights.problems() == ["weights must sum to 100"]
    upside_down = GradeRules(**{**RULES.__dict__, "competent_min": D(95)})
    assert "thresholds" in upside_down.problems()[0]
    outside = GradeRules(**{**RULES.__dict__, "integrity_veto_below": D(101)})
    assert outside.problems() == ["integrity_veto_below must lie within the scale"]


def test_out_of_scale_names_the_dimensions() -> None:
    assert out_of_scale(scores("100"), RULES) == []
    assert out_of_scale(scores("50", ability="100.01", integrity="-1"), RULES) == [
        "ability",
        "integrity",
    ]
