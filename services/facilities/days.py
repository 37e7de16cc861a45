"""The days the upkeep modules reckon with: from 1950 to 2200. A day outside is refused
(422 ``DATE_OUT_OF_RANGE``) before any arithmetic on it, which near the calendar's ends
would overflow; a plan's anchor is at most five years back (422 ``ANCHOR_TOO_EARLY``), so a
late generator's catching up stays bounded."""

from __future__ import annotations

from datetime import date, datetime

from shared.problems import Invalid

EARLIEST = date(1950, 1, 1)
LATEST = date(2200, 12, 31)


def in_range(value: date | datetime | None, what: str) -> None:
    """422 ``DATE_OUT_OF_RANGE`` unless ``value`` (a day, or a moment as given) is between
    1950 and 2200."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise Invalid("DATE_OUT_OF_RANGE", f"{what} is outside {EARLIEST} … {LATEST}")
