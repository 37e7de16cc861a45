"""Where upkeep happens: the compound, building, room and asset a work order, a preventive
plan or a piece of fire equipment concerns, as the assets service's ids.

One schema (``Site``) and one set of columns (``SiteColumns``); ``checked`` checks the ids
against the assets register through the ``locations`` facade (read over HTTP, cached with its
age) and fills in the parents (a room's building and compound), so a place assets does not
know is 422 ``UNKNOWN_LOCATION``, a room outside the building (or a building outside the
compound) named with it 422 ``LOCATION_MISMATCH``, and with assets unreachable a place never
read 503 ``LOCATIONS_UNAVAILABLE``. Work orders and preventive plans (``site_of``), safety
zones and their entrances (``buildings_checked``) and fire equipment all check through it.
An asset card's id is kept as given.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Field as Column
from sqlmodel import Session, SQLModel

from services.facilities.locations.service import PlaceSource, require_place


class SiteColumns(SQLModel):
    """Mixin of a table whose rows are somewhere in the compounds."""

    compound_id: uuid.UUID | None = Column(default=None, index=True)
    building_id: uuid.UUID | None = Column(default=None, index=True)
    room_id: uuid.UUID | None = Column(default=None)
    asset_id: uuid.UUID | None = Column(default=None)


class Site(BaseModel):
    """The place concerned: any of a compound, a building, a room or an asset (assets' ids)."""

    compound_id: uuid.UUID | None = Field(default=None, description="an assets compound")
    building_id: uuid.UUID | None = Field(default=None, description="an assets building")
    room_id: uuid.UUID | None = Field(default=None, description="an assets room")
    asset_id: uuid.UUID | None = Field(default=None, description="an asset card")


SITE_FIELDS = tuple(Site.model_fields)
PLACE_FIELDS = frozenset({"compound_id", "building_id", "room_id"})


def site_of(session: Session, places: PlaceSource, data: BaseModel) -> dict[str, Any]:
    """The site fields of a body that has them, as columns take them: the place named checked
    against assets, its parents filled in (nothing named: nothing checked)."""
    site = {name: getattr(data, name) for name in SITE_FIELDS}
    return {**site, **checked(session, places, site)}


def checked(session: Session, places: PlaceSource, site: Mapping[str, Any]) -> dict[str, Any]:
    """``site``'s compound, building and room as assets has them (parents filled in)."""
    compound, building, room = (site.get(k) for k in ("compound_id", "building_id", "room_id"))
    if compound is None and building is None and room is None:
        return {"compound_id": None, "building_id": None, "room_id": None}
    place = require_place(session, places, compound_id=compound, building_id=building, room_id=room)
    return {
        "compound_id": place.compound_id,
        "building_id": place.building_id,
        "room_id": place.room_id,
    }


def buildings_checked(
    session: Session,
    places: PlaceSource,
    building_ids: Iterable[uuid.UUID],
    *,
    compound_id: uuid.UUID | None = None,
) -> None:
    """Each building known to assets (and in ``compound_id`` when one is named); with no
    building, the compound alone."""
    buildings = list(building_ids)
    for building in buildings:
        checked(session, places, {"compound_id": compound_id, "building_id": building})
    if not buildings:
        checked(session, places, {"compound_id": compound_id})
