"""The depreciation rules as arithmetic, in whole fen (no database here).

Straight-line, no residual value, over the category's useful life in months. A month's
charge is what remains of the value spread over what remains of the life, rounded half up
to the fen; the last month takes exactly what remains, so the charges add up to the value.
After a revaluation (a new ``value``) or a changed life the same formula spreads what remains
over what remains. A life already used up with value left (a life shortened below the months
charged) takes the rest at once. Nothing is charged once nothing remains.
"""

from __future__ import annotations

import calendar
from datetime import date


def monthly_charge(value: int, accumulated: int, months_done: int, life_months: int) -> int:
    """This month's charge in fen: round-half-up(remaining / months left), the whole
    remainder in the last month, 0 when fully depreciated."""
    remaining = value - accumulated
    if remaining <= 0:
        return 0
    months_left = life_months - months_done
    if months_left <= 1:
        return remaining
    return (2 * remaining + months_left) // (2 * months_left)


def month_bounds(period: str) -> tuple[date, date]:
    """The first and last day of ``YYYY-MM``."""
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def next_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def period_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"
