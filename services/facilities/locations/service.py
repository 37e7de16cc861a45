"""The facade other facilities modules call for a place: ``require_place``.

A place is read from assets (``clients.assets``) and cached in ``facilities_place_cache``
with the time it was read. A reading younger than the source's ``fresh`` period is used as it
is; an older one is read again. When assets cannot be reached the cached reading answers, and
the place shows its age (``as_of``, ``age_seconds``, ``cached``). Rules:

- an id assets does not know (404) → 422 ``UNKNOWN_LOCATION`` (also an id cached as another
  kind of place);
- a deactivated place → 422 ``INACTIVE_LOCATION`` (when asked for an active one);
- a building outside the compound named with it, a room outside the building →
  422 ``LOCATION_MISMATCH``;
- assets unreachable and nothing cached → 503 ``LOCATIONS_UNAVAILABLE``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.facilities.clients.assets import AssetsClient
from services.facilities.locations.models import PlaceCache, PlaceKind
from services.facilities.locations.schemas import PlacePublic
from shared.db import unit_of_work
from shared.peers import PeerUnavailable, blocking
from shared.problems import Invalid, Unavailable
from shared.types import utcnow


class PlaceSource(Protocol):
    """Where places are read (assets over HTTP; a fake in tests)."""

    fresh: timedelta
    # a reading request's session never commits: its cache rows go in a transaction of
    # their own on this engine (None: in the caller's unit of work)
    cache_engine: Engine | None

    def place(self, kind: PlaceKind, place_id: uuid.UUID) -> dict[str, Any] | None: ...


class AssetsPlaces:
    """Places read from the assets service by a ``def`` route (on its worker thread)."""

    def __init__(
        self,
        client: Callable[[], AssetsClient],
        fresh: timedelta,
        cache_engine: Engine | None = None,
    ) -> None:
        self.client = client  # 503 PEER_UNAVAILABLE when assets has no address
        self.fresh = fresh
        self.cache_engine = cache_engine

    def place(self, kind: PlaceKind, place_id: uuid.UUID) -> dict[str, Any] | None:
        return blocking(self.client().place, kind.value, place_id)


class KnownPlaces:
    """Places handed over rather than read (demo seeding, which runs outside a request):
    ``remember`` them first; what was not handed over is unknown to this source."""

    fresh = timedelta.max
    cache_engine: Engine | None = None

    def place(self, kind: PlaceKind, place_id: uuid.UUID) -> dict[str, Any] | None:
        return None


class CachedPlaces:
    """Places as cached, never asked of assets: for seeding, where the assets step handed the
    places over and cached them (``locations.demo``)."""

    fresh = timedelta(days=36500)
    cache_engine: Engine | None = None

    def place(self, kind: PlaceKind, place_id: uuid.UUID) -> dict[str, Any] | None:
        raise PeerUnavailable("assets", "not asked while seeding")


@dataclass(frozen=True)
class Place:
    """A compound, a building of it or a room of that, with names and the reading's time."""

    compound_id: uuid.UUID
    building_id: uuid.UUID | None
    room_id: uuid.UUID | None
    compound_name: str
    building_name: str | None
    room_name: str | None
    unit_id: uuid.UUID | None
    as_of: datetime  # the oldest reading the place was put together from
    cached: bool  # read from the cache because assets could not be reached

    def public(self, now: datetime | None = None) -> PlacePublic:
        age = max(0, int(((now or utcnow()) - self.as_of).total_seconds()))
        return PlacePublic(
            compound_id=self.compound_id,
            building_id=self.building_id,
            room_id=self.room_id,
            compound_name=self.compound_name,
            building_name=self.building_name,
            room_name=self.room_name,
            unit_id=self.unit_id,
            as_of=self.as_of,
            age_seconds=age if self.cached else 0,
            cached=self.cached,
        )


def remember(
    session: Session, kind: PlaceKind, data: dict[str, Any], at: datetime | None = None
) -> PlaceCache:
    """Cache ``data``, a place as assets shows it (``CompoundPublic``, ``BuildingPublic``,
    ``RoomPublic``), read ``at``."""
    place_id = uuid.UUID(str(data["id"]))
    values = _values(kind, data, at or utcnow())
    row = session.get(PlaceCache, place_id)
    if row is None:
        row = PlaceCache(id=place_id, **values)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.add(row)
    session.flush()
    return row


def _values(kind: PlaceKind, data: dict[str, Any], at: datetime) -> dict[str, Any]:
    """A cache row's columns from a place as assets shows it."""
    place_id = uuid.UUID(str(data["id"]))
    values: dict[str, Any] = {
        "kind": kind,
        "code": data["code"],
        "name": data.get("name") or data.get("number") or data["code"],
        "active": bool(data.get("active", True)),
        "fetched_at": at,
        "unit_id": None,
        "building_id": None,
        "compound_id": place_id,
    }
    if kind is not PlaceKind.COMPOUND:
        values["compound_id"] = uuid.UUID(str(data["compound_id"]))
    if kind is PlaceKind.BUILDING:
        values["building_id"] = place_id
    if kind is PlaceKind.ROOM:
        values["building_id"] = uuid.UUID(str(data["building_id"]))
        values["unit_id"] = uuid.UUID(str(data["unit_id"])) if data.get("unit_id") else None
    return values


def _read(
    session: Session, source: PlaceSource, kind: PlaceKind, place_id: uuid.UUID
) -> tuple[PlaceCache, bool]:
    """The place's reading, and whether it came from the cache because assets was down."""
    row = session.get(PlaceCache, place_id)
    if row is not None and row.kind != kind:
        raise Invalid("UNKNOWN_LOCATION", f"{place_id} is a {row.kind}, not a {kind}")
    now = utcnow()
    if row is not None and now - row.fetched_at < source.fresh:
        return row, False
    try:
        data = source.place(kind, place_id)
    except PeerUnavailable as exc:
        if row is not None:
            return row, True
        raise Unavailable(
            "LOCATIONS_UNAVAILABLE",
            f"assets cannot be reached and {kind} {place_id} was never read",
        ) from exc
    if data is None:
        raise Invalid("UNKNOWN_LOCATION", f"assets knows no {kind} {place_id}")
    if source.cache_engine is None:
        return remember(session, kind, data, now), False
    try:
        with unit_of_work(source.cache_engine) as own:
            kept = remember(own, kind, data, now)
    except IntegrityError:  # another request cached it meanwhile: this reading still stands
        kept = PlaceCache(id=place_id, **_values(kind, data, now))
    return kept, False


def require_place(
    session: Session,
    source: PlaceSource,
    *,
    compound_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
    room_id: uuid.UUID | None = None,
    active: bool = True,
) -> Place:
    """The most specific place named (a room, else a building, else a compound) with its
    parents, checked against the ids given with it."""
    readings: list[tuple[PlaceCache, bool]] = []

    def read(kind: PlaceKind, place_id: uuid.UUID) -> PlaceCache:
        row, cached = _read(session, source, kind, place_id)
        if active and not row.active:
            raise Invalid("INACTIVE_LOCATION", f"{kind} {row.code} is no longer in use")
        readings.append((row, cached))
        return row

    room = building = None
    if room_id is not None:
        room = read(PlaceKind.ROOM, room_id)
        if building_id is not None and room.building_id != building_id:
            raise Invalid("LOCATION_MISMATCH", f"room {room.code} is not in building {building_id}")
        building_id = room.building_id
    if building_id is not None:
        building = read(PlaceKind.BUILDING, building_id)
        if compound_id is not None and building.compound_id != compound_id:
            raise Invalid(
                "LOCATION_MISMATCH", f"building {building.code} is not in compound {compound_id}"
            )
        compound_id = building.compound_id
    if compound_id is None:
        raise Invalid("UNKNOWN_LOCATION", "name a compound, a building or a room")
    compound = read(PlaceKind.COMPOUND, compound_id)
    return Place(
        compound_id=compound.id,
        building_id=building.id if building else None,
        room_id=room.id if room else None,
        compound_name=compound.name,
        building_name=building.name if building else None,
        room_name=room.name if room else None,
        unit_id=room.unit_id if room else None,
        as_of=min(row.fetched_at for row, _ in readings),
        cached=any(cached for _, cached in readings),
    )
