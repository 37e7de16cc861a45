"""The cache of places read from assets: what was read and when, never a register of its own.

A row is replaced each time assets answers for its id; when assets cannot be reached the row
still answers, with its age. Parents are kept by id (a room's building, a building's compound).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from shared.types import UTCDateTime


class PlaceKind(StrEnum):
    COMPOUND = "compound"
    BUILDING = "building"
    ROOM = "room"


class PlaceCache(SQLModel, table=True):
    """A compound, building or room as assets last showed it."""

    __tablename__ = "facilities_place_cache"

    id: uuid.UUID = Field(primary_key=True)  # the assets id
    kind: PlaceKind = Field(sa_type=String(10))
    compound_id: uuid.UUID  # its own id for a compound
    building_id: uuid.UUID | None = None  # a room's building (a building's own id)
    code: str = Field(max_length=30)
    name: str = Field(max_length=200)
    unit_id: uuid.UUID | None = None  # a room's budget unit, when assets names one
    active: bool = True
    fetched_at: datetime = Field(sa_type=UTCDateTime())
