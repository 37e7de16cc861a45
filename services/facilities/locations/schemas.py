"""How a place shows in facilities' answers: ids, names, and how old the reading is."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class PlacePublic(BaseModel):
    compound_id: uuid.UUID
    building_id: uuid.UUID | None
    room_id: uuid.UUID | None
    compound_name: str
    building_name: str | None
    room_name: str | None
    unit_id: uuid.UUID | None = Field(description="The room's budget unit, when assets names one")
    as_of: datetime = Field(description="When assets last answered for this place")
    age_seconds: int = Field(description="How old that answer is (0: read just now)")
    cached: bool = Field(description="true: assets was unreachable, this is the cached value")
