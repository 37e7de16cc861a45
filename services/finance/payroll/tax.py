"""Individual income tax by the cumulative withholding method (累计预扣法), in whole fen.

Each month of the year: cumulative taxable income = income so far (this month included) −
``monthly_exemption`` × months paid so far − contributions so far; never below zero. The
tax on it is taxable × the rate of its bracket in the annual table − that bracket's quick
deduction, rounded half up to the fen; this month withholds that less what was withheld
already this year, never negative (a fall in income is not refunded through payroll).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from services.finance.standards.schemas import IncomeTax


@cache
def fen(amount: Decimal) -> int:
    """Yuan (at most two places) as whole fen."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def yuan(amount: int) -> Decimal:
    """Whole fen as yuan with two places (exact)."""
    return Decimal(amount).scaleb(-2)


@cache
def _basis_points(rate: Decimal) -> int:
    return int(rate * 100)  # a rate has at most two places


def percent_of(base: int, rate: Decimal) -> int:
    """``rate`` per cent of ``base`` fen (not negative), rounded half up to the fen: whole
    numbers only (a rate has two places, so it is a count of basis points)."""
    return (base * _basis_points(rate) + 5_000) // 10_000


@dataclass(frozen=True)
class YearSoFar:
    """What the year's earlier approved payslips of a person add up to (all fen)."""

    months: int = 0
    income: int = 0
    contributions: int = 0
    tax: int = 0


@dataclass(frozen=True)
class Withholding:
    tax: int  # this month's
    taxable: int  # cumulative taxable income
    rate: Decimal
    quick_deduction: int
    cumulative_tax: int


def withhold(table: IncomeTax, before: YearSoFar, income: int, contributions: int) -> Withholding:
    """This month's tax on ``income`` after ``contributions`` (fen), given the year so far."""
    months = before.months + 1
    taxable = max(
        0,
        before.income
        + income
        - fen(table.monthly_exemption) * months
        - before.contributions
        - contributions,
    )
    # the last bracket is open, so one always matches
    _bound, rate, quick = next(b for b in _brackets(table) if b[0] is None or taxable <= b[0])
    cumulative = max(0, percent_of(taxable, rate) - quick)
    return Withholding(
        tax=max(0, cumulative - before.tax),
        taxable=taxable,
        rate=rate,
        quick_deduction=quick,
        cumulative_tax=cumulative,
    )


def _brackets(table: IncomeTax) -> list[tuple[int | None, Decimal, int]]:
    """The table's brackets in fen, worked out once per table (an approved body is parsed
    once per process, so its identity names it)."""
    found = _BRACKETS.get(id(table))
    if found is None or found[0] is not table:
        rows = [
            (None if b.up_to is None else fen(b.up_to), b.rate, fen(b.quick_deduction))
            for b in table.brackets
        ]
        found = _BRACKETS[id(table)] = (table, rows)
    return found[1]


_BRACKETS: dict[int, tuple[IncomeTax, list[tuple[int | None, Decimal, int]]]] = {}
