"""A claim checked against the travel standards, on submission.

- The claimant's rank is personnel's answer for each day travelled (``staff_on``, as of that
  day): asked for a trip's first and last day, and for every day between only when the two
  differ (a posting changed during the trip).
- The standards are those in force on each day (``standards.service.in_force``); a city not
  listed in the lodging standard's ``cities`` is of class ``other``.
- A trip's days are ``return_on − depart_on + 1`` (both ends counted); its nights are one fewer.
  Lodging is capped at the sum, over the nights, of the cap for the rank × city class of that
  night. Meals and local transport are per diems: capped at the sum over the days.
- A ticket (``transport``) on a trip travelled above the rank's train seat or cabin (on the day
  of departure) is flagged ``CLASS_ABOVE_STANDARD`` and nothing of it is payable by standard.
- An amount over its cap is flagged and capped: the payable amount is the cap, unless a
  director granted the line an exception (then the whole amount).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from services.finance.claims.models import ClaimLine, ClaimTrip, Flag, LineKind
from services.finance.standards.schemas import (
    Cabin,
    CityClass,
    TrainSeat,
    TravelClass,
    TravelLodging,
    TravelPerDiem,
)
from services.finance.standards.service import in_force
from shared.problems import Invalid

# higher is better
_SEAT_RANK = {TrainSeat.SECOND: 0, TrainSeat.FIRST: 1, TrainSeat.BUSINESS: 2}
_CABIN_RANK = {Cabin.ECONOMY: 0, Cabin.BUSINESS: 1, Cabin.FIRST: 2}
RankOn = Callable[[uuid.UUID, date], str]


def days_of(trip: ClaimTrip) -> list[date]:
    """Every day of a trip, both ends counted."""
    count = (trip.return_on - trip.depart_on).days + 1
    return [trip.depart_on + timedelta(days=n) for n in range(count)]


class _Standards:
    """The standards in force on each day asked, each looked up once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo: dict[tuple[type, date], Any] = {}

    def on(self, model: type, day: date) -> Any:
        key = (model, day)
        if key not in self._memo:
            self._memo[key] = in_force(self.session, model, day)
        return self._memo[key]

    def city_class(self, city: str, day: date) -> CityClass:
        _, lodging = self.on(TravelLodging, day)
        return CityClass(lodging.cities.get(city, CityClass.OTHER))


def ranks_of(trip: ClaimTrip, staff_id: uuid.UUID, rank_on: RankOn) -> dict[date, str]:
    """The claimant's rank on each day of the trip (personnel asked as few times as can be)."""
    days = days_of(trip)
    first, last = rank_on(staff_id, days[0]), rank_on(staff_id, days[-1])
    if first == last:
        return dict.fromkeys(days, first)
    return {day: rank_on(staff_id, day) for day in days}


def _no_rank(kind: str, rank: str, day: date) -> Invalid:
    return Invalid(
        "NO_STANDARD_FOR_RANK",
        f"the {kind} standard in force on {day} has nothing for rank {rank!r}",
        rank=rank,
        day=day.isoformat(),
    )


def _lodging_cap(
    trip: ClaimTrip, ranks: dict[date, str], standards: _Standards
) -> tuple[Decimal, list[dict[str, str]]]:
    total, trace = Decimal(0), []
    for night in days_of(trip)[:-1]:
        row, lodging = standards.on(TravelLodging, night)
        city_class = standards.city_class(trip.city, night)
        caps = lodging.caps.get(ranks[night])
        if caps is None:
            raise _no_rank("travel_lodging", ranks[night], night)
        total += caps[city_class]
        trace.append(
            {
                "day": night.isoformat(),
                "standard": f"travel_lodging v{row.version}",
                "rank": ranks[night],
                "city_class": city_class,
                "cap": f"{caps[city_class]:.2f}",
            }
        )
    return total, trace


def _per_diem_cap(
    trip: ClaimTrip, kind: LineKind, standards: _Standards
) -> tuple[Decimal, list[dict[str, str]]]:
    total, trace = Decimal(0), []
    for day in days_of(trip):
        row, per_diem = standards.on(TravelPerDiem, day)
        city_class = standards.city_class(trip.city, day)
        amount = per_diem.meals[city_class] if kind == LineKind.MEALS else per_diem.transport
        total += amount
        trace.append(
            {
                "day": day.isoformat(),
                "standard": f"travel_per_diem v{row.version}",
                "city_class": city_class,
                "allowance": f"{amount:.2f}",
            }
        )
    return total, trace


def _above_class(
    trip: ClaimTrip, ranks: dict[date, str], standards: _Standards
) -> tuple[bool, list[dict[str, str]]]:
    row, classes = standards.on(TravelClass, trip.depart_on)
    rank = ranks[trip.depart_on]
    allowed = classes.ranks.get(rank)
    if allowed is None:
        raise _no_rank("travel_class", rank, trip.depart_on)
    above = (
        trip.train_seat is not None
        and _SEAT_RANK[TrainSeat(trip.train_seat)] > _SEAT_RANK[allowed.train]
    ) or (
        trip.flight_cabin is not None
        and _CABIN_RANK[Cabin(trip.flight_cabin)] > _CABIN_RANK[allowed.flight]
    )
    trace = {
        "day": trip.depart_on.isoformat(),
        "standard": f"travel_class v{row.version}",
        "rank": rank,
        "allowed": f"train {allowed.train}, flight {allowed.flight}",
        "used": f"train {trip.train_seat or '-'}, flight {trip.flight_cabin or '-'}",
    }
    return above, [trace]


_FLAGS = {
    LineKind.LODGING: Flag.OVER_LODGING_CAP,
    LineKind.MEALS: Flag.OVER_PER_DIEM,
    LineKind.LOCAL_TRANSPORT: Flag.OVER_PER_DIEM,
}


def payable(line: ClaimLine) -> Decimal:
    """What of a checked line is paid: the cap of a flagged line, unless excepted."""
    if line.flag is None or line.exception_by is not None or line.cap is None:
        return line.amount
    return min(line.amount, line.cap)


def check(
    session: Session,
    staff_id: uuid.UUID,
    trips: Sequence[ClaimTrip],
    lines: Sequence[ClaimLine],
    rank_on: RankOn,
) -> None:
    """Set each line's cap, flag, trace and payable amount, and each trip's city class."""
    standards = _Standards(session)
    ranks = {trip.position: ranks_of(trip, staff_id, rank_on) for trip in trips}
    by_position = {trip.position: trip for trip in trips}
    for trip in trips:
        trip.city_class = standards.city_class(trip.city, trip.depart_on)
    for line in lines:
        kind = LineKind(line.kind)
        line.cap, line.flag, line.trace = None, None, []
        if kind == LineKind.OTHER or line.trip is None:
            line.payable = line.amount
            continue
        trip = by_position[line.trip]
        if kind == LineKind.TRANSPORT:
            above, line.trace = _above_class(trip, ranks[trip.position], standards)
            if above:
                line.cap, line.flag = Decimal(0), Flag.CLASS_ABOVE_STANDARD
        else:
            if kind == LineKind.LODGING:
                cap, line.trace = _lodging_cap(trip, ranks[trip.position], standards)
            else:
                cap, line.trace = _per_diem_cap(trip, kind, standards)
            line.cap = cap
            if line.amount > cap:
                line.flag = _FLAGS[kind]
        line.payable = payable(line)
