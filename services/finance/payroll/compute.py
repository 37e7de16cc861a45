"""One payslip from the standards in force on the first day of the month, in whole fen.

Serving staff:
- base pay (salary_scale) by rank and step. Personnel keeps no salary step (档次), so it is
  derived: one step for every two whole years the person has held their current posting
  (``posted_since``, the start of the posting in force), starting at step 1, capped at the
  scale's last step. A transfer that starts a new posting restarts the count — the rule is
  stated on every base line's trace so it can be checked;
- position allowance (position_allowance) by rank;
- performance allowance and welfare (grade_allowance) by the latest finalized annual grade,
  ``ungraded`` when there is none;
- arrears or recoveries owed for earlier months (``adjustments``), each with its reason;
- the employee's contributions (contributions): each rate on the month's regular gross pay
  (arrears excluded) held between the base's floor and cap, each rounded half up to the fen;
- income tax (income_tax) by cumulative withholding over the year (``tax``);
- net pay = gross − contributions − tax.

Retirees get their retirement pay (retiree_allowance) by former rank and nothing is
withheld: retirement pay (退休费) is exempt from individual income tax (个人所得税法 art. 4
(7)), and retirees no longer pay social insurance or housing fund contributions.

Every line names the standard kind and version that produced it, and the rank, step or grade.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from services.finance.clients.personnel import GradeOf, Person
from services.finance.payroll.models import LineKind, SlipKind
from services.finance.payroll.tax import YearSoFar, fen, percent_of, withhold, yuan
from services.finance.standards.models import StandardVersion
from services.finance.standards.schemas import (
    Contributions,
    GradeAllowance,
    IncomeTax,
    PayGrade,
    PositionAllowance,
    RetireeAllowance,
    SalaryScale,
)
from services.finance.standards.service import B, in_force
from shared.problems import Invalid

STEP_YEARS = 2


@dataclass(frozen=True, slots=True)
class Version:
    """Which version of a standard a line follows (read once a run, not from its row)."""

    id: uuid.UUID
    kind: str
    version: int

    @property
    def tag(self) -> str:
        return f"{self.kind} v{self.version}"


def _version(found: tuple[StandardVersion, B]) -> tuple[Version, B]:
    row, body = found
    return Version(row.id, row.kind, row.version), body


@dataclass(frozen=True)
class Standards:
    """The pay standards in force on a day, each with its version."""

    day: date
    scale: tuple[Version, SalaryScale]
    position: tuple[Version, PositionAllowance]
    grades: tuple[Version, GradeAllowance]
    retiree: tuple[Version, RetireeAllowance]
    contributions: tuple[Version, Contributions]
    tax: tuple[Version, IncomeTax]

    @classmethod
    def on(cls, session: Session, day: date) -> Standards:
        return cls(
            day=day,
            scale=_version(in_force(session, SalaryScale, day)),
            position=_version(in_force(session, PositionAllowance, day)),
            grades=_version(in_force(session, GradeAllowance, day)),
            retiree=_version(in_force(session, RetireeAllowance, day)),
            contributions=_version(in_force(session, Contributions, day)),
            tax=_version(in_force(session, IncomeTax, day)),
        )


@dataclass(frozen=True)
class Adjustment:
    id: uuid.UUID
    amount: int  # fen, signed
    reason: str


@dataclass
class Computed:
    """A payslip's columns (fen) and its lines, ready to write."""

    kind: SlipKind
    step: int | None
    grade: str | None
    gross: int = 0
    contributions: int = 0
    tax: int = 0
    lines: list[dict[str, Any]] = field(default_factory=list)
    year_so_far: YearSoFar = field(default_factory=YearSoFar)

    @property
    def net(self) -> int:
        return self.gross - self.contributions - self.tax

    def add(
        self,
        code: str,
        amount: int,
        row: Version | None,
        trace: str,
        *,
        kind: LineKind = LineKind.EARNING,
    ) -> None:
        self.lines.append(
            {
                "position": len(self.lines) + 1,
                "code": code,
                "kind": kind,
                "amount": yuan(amount),
                "standard_kind": None if row is None else row.kind,
                "standard_version": None if row is None else row.version,
                "trace": trace[:300],
            }
        )
        if kind == LineKind.EARNING:
            self.gross += amount
        elif code == "income_tax":
            self.tax += amount
        else:
            self.contributions += amount


def _rank_missing(kind: str, rank: str, row: Version) -> Invalid:
    return Invalid(
        "RANK_NOT_IN_STANDARD",
        f"{kind} version {row.version} has no rank {rank}",
        rank=rank,
        standard=kind,
    )


def salary_step(posted_since: date, day: date, steps: int) -> int:
    """1 + one step per two whole years in the posting on ``day``, at most ``steps``."""
    years = (
        day.year
        - posted_since.year
        - ((day.month, day.day) < (posted_since.month, posted_since.day))
    )
    return max(1, min(steps, 1 + max(0, years) // STEP_YEARS))


def _tag(row: Version) -> str:
    return row.tag


def serving(
    standards: Standards,
    person: Person,
    grade: GradeOf | None,
    before: YearSoFar,
    adjustments: list[Adjustment],
) -> Computed:
    scale_row, scale = standards.scale
    rank = person.rank_code
    if rank not in scale.ranks:
        raise _rank_missing(scale_row.kind, rank, scale_row)
    steps = scale.ranks[rank]
    step = salary_step(person.posted_since, standards.day, len(steps))
    paid_grade = PayGrade(grade.grade) if grade is not None else PayGrade.UNGRADED
    slip = Computed(SlipKind.SERVING, step, paid_grade)
    slip.add(
        "base",
        fen(steps[step - 1]),
        scale_row,
        f"{_tag(scale_row)}: rank {rank}, step {step} "
        f"(posted since {person.posted_since}, one step per {STEP_YEARS} years)",
    )
    position_row, position = standards.position
    if rank not in position.ranks:
        raise _rank_missing(position_row.kind, rank, position_row)
    slip.add(
        "position_allowance",
        fen(position.ranks[rank]),
        position_row,
        f"{_tag(position_row)}: rank {rank}",
    )
    grades_row, grades = standards.grades
    level = grades.grades[paid_grade]
    source = "no finalized annual grade" if grade is None else f"{grade.year} annual grade"
    for code, amount in (("performance", level.performance), ("welfare", level.welfare)):
        slip.add(
            code, fen(amount), grades_row, f"{_tag(grades_row)}: grade {paid_grade} ({source})"
        )
    regular = slip.gross
    for adjustment in adjustments:
        code = "arrears" if adjustment.amount >= 0 else "recovery"
        slip.add(code, adjustment.amount, None, adjustment.reason)
    _contributions(slip, standards, regular)
    _income_tax(slip, standards, before)
    return slip


# the contribution lines of a base under a version: (code, fen, trace), made once per base
_SHARES: dict[tuple[uuid.UUID, int], list[tuple[str, int, str]]] = {}


def _shares(row: Version, body: Contributions, base: int) -> list[tuple[str, int, str]]:
    found = _SHARES.get((row.id, base))
    if found is None:
        found = [
            (code, percent_of(base, rate), f"{row.tag}: {rate} % of base {yuan(base)}")
            for code, rate in (
                ("pension", body.pension),
                ("medical", body.medical),
                ("unemployment", body.unemployment),
                ("occupational_annuity", body.occupational_annuity),
                ("housing_fund", body.housing_fund),
            )
        ]
        if len(_SHARES) > 100_000:
            _SHARES.clear()
        _SHARES[(row.id, base)] = found
    return found


def _contributions(slip: Computed, standards: Standards, regular: int) -> None:
    row, body = standards.contributions
    base = min(max(regular, fen(body.base_floor)), fen(body.base_cap))
    for code, amount, trace in _shares(row, body, base):
        slip.add(code, amount, row, trace, kind=LineKind.DEDUCTION)


def _income_tax(slip: Computed, standards: Standards, before: YearSoFar) -> None:
    row, table = standards.tax
    result = withhold(table, before, slip.gross, slip.contributions)
    slip.add(
        "income_tax",
        result.tax,
        row,
        f"{_tag(row)}: cumulative taxable {yuan(result.taxable)} over {before.months + 1} "
        f"months at {result.rate} % − {yuan(result.quick_deduction)} = "
        f"{yuan(result.cumulative_tax)}, less {yuan(before.tax)} withheld",
        kind=LineKind.DEDUCTION,
    )
    slip.year_so_far = YearSoFar(
        months=before.months + 1,
        income=before.income + slip.gross,
        contributions=before.contributions + slip.contributions,
        tax=before.tax + result.tax,
    )


def retiree(standards: Standards, person: Person, before: YearSoFar) -> Computed:
    """Retirement pay by former rank; no contributions, no tax (see the module's docstring)."""
    row, body = standards.retiree
    rank = person.rank_code
    if rank not in body.ranks:
        raise _rank_missing(row.kind, rank, row)
    slip = Computed(SlipKind.RETIREE, None, None)
    slip.add("retirement_pay", fen(body.ranks[rank]), row, f"{_tag(row)}: former rank {rank}")
    slip.year_so_far = YearSoFar(
        months=before.months + 1,
        income=before.income + slip.gross,
        contributions=before.contributions,
        tax=before.tax,
    )
    return slip


def level_of(body: GradeAllowance, grade: str) -> int:
    """Performance plus welfare of a grade (fen)."""
    level = body.grades[PayGrade(grade)]
    return fen(level.performance) + fen(level.welfare)
