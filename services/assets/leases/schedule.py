"""The rent schedule of a lease: one invoice a month for the whole term.

Month ``k`` (0, 1, …) of a lease starting on day ``d`` runs from ``d`` plus ``k`` months (the
same day of the month, or the month's last day when it has fewer days) to the day before
month ``k + 1`` starts, and is due on its first day. Its rent is
``area × rent per m² × (1 + escalation)^(k // 12)``: the rent rises after each whole year of
the term. A last month the term ends inside is charged for its days only
(``rent × days let / days of the month``), and so is the month a termination falls in.
Each amount is rounded to the fen once, half up, by ``month_rent``: the lease's shown monthly
rent, its invoices and a termination's re-prorated month all come from it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from shared.types import FEN

MAX_MONTHS = 240  # 20 years: the longest lease the law allows (民法典 第七百零五条)


@dataclass(frozen=True)
class Instalment:
    seq: int
    period_start: date
    period_end: date
    due_on: date
    amount: Decimal


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` months, on the same day of the month or the month's last."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_rent(
    area: Decimal,
    rent_per_m2: Decimal,
    escalation_pct: Decimal,
    year: int,
    days: tuple[int, int] | None = None,
) -> Decimal:
    """The rent of a month in year ``year`` (0: the first) of the term, rounded to the fen
    half up; ``days`` (let, of the month) prorates a month let only in part."""
    rent = area * rent_per_m2 * (1 + escalation_pct / 100) ** year
    if days is not None:
        rent = rent * days[0] / days[1]
    return rent.quantize(FEN, rounding=ROUND_HALF_UP)


def instalment(
    *,
    starts_on: date,
    k: int,
    last_day: date,
    area: Decimal,
    rent_per_m2: Decimal,
    escalation_pct: Decimal,
) -> Instalment:
    """Month ``k`` (0: the first) of a lease starting on ``starts_on``, let until
    ``last_day`` at the latest (the term's end, or a termination day inside the month)."""
    start = add_months(starts_on, k)
    next_start = add_months(starts_on, k + 1)
    end = next_start - timedelta(days=1)
    days = None
    if end > last_day:
        days = ((last_day - start).days + 1, (next_start - start).days)
        end = last_day
    amount = month_rent(area, rent_per_m2, escalation_pct, k // 12, days)
    return Instalment(k + 1, start, end, start, amount)


def schedule(
    *,
    starts_on: date,
    ends_on: date,
    area: Decimal,
    rent_per_m2: Decimal,
    escalation_pct: Decimal,
) -> list[Instalment]:
    """The invoices of the term ``starts_on`` … ``ends_on`` (both included)."""
    out: list[Instalment] = []
    k = 0
    while add_months(starts_on, k) <= ends_on:
        out.append(
            instalment(
                starts_on=starts_on,
                k=k,
                last_day=ends_on,
                area=area,
                rent_per_m2=rent_per_m2,
                escalation_pct=escalation_pct,
            )
        )
        k += 1
    return out
