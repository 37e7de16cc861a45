"""API shapes of right holdings and of the who-holds-what-on-a-day answer."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from services.assets.rights.models import Right, SubjectKind
from shared.text import Line200, Name


class HoldingCreate(BaseModel):
    subject_kind: SubjectKind
    subject_id: uuid.UUID = Field(description="A building, room or asset card that exists")
    right: Right
    holder_name: Name
    holder_unit_id: uuid.UUID | None = Field(
        default=None, description="The holder's budget unit (personnel's id); None: outside body"
    )
    valid_from: date = Field(description="Held from this day; ends the open holding that day")
    basis: Line200 | None = Field(default=None, description="The decision or contract")


class HoldingPublic(BaseModel):
    id: uuid.UUID
    subject_kind: SubjectKind
    subject_id: uuid.UUID
    right: Right
    holder_name: str
    holder_unit_id: uuid.UUID | None
    valid_from: date
    valid_to: date | None = Field(description="Exclusive; None: open-ended")
    basis: str | None
    recorded_by: str
    recorded_at: datetime
    version: int


class HeldRight(BaseModel):
    """One of the five rights on the day: its holding (None: nobody holds it) and where it
    was recorded: on the subject itself, or inherited from its room or building."""

    right: Right
    holding: HoldingPublic | None
    recorded_on_kind: SubjectKind | None
    recorded_on_id: uuid.UUID | None
    inherited: bool


class Holders(BaseModel):
    subject_kind: SubjectKind
    subject_id: uuid.UUID
    day: date
    rights: list[HeldRight]
