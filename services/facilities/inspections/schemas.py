"""Bodies and views of checklists, rounds and answers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from services.facilities.inspections.models import Category, Outcome, RoundStatus, Severity
from services.facilities.locations.schemas import PlacePublic
from shared.text import Line200, Line300, Line500, Prose2000

# stable across a checklist's versions: FIRE-07
ItemCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,19}$")]


class ItemCreate(BaseModel):
    code: ItemCode = Field(description="Stable across versions: FIRE-07")
    text: Line500
    severity: Severity = Field(description="A defect's severity unless its answer says another")


class ChecklistCreate(BaseModel):
    """A new version of a category's checklist (the versions before it stay as they were)."""

    category: Category
    title: Line200
    items: list[ItemCreate] = Field(min_length=1, max_length=100)


class ItemPublic(BaseModel):
    id: uuid.UUID
    position: int
    code: str
    text: str
    severity: Severity


class ChecklistSummary(BaseModel):
    id: uuid.UUID
    category: Category
    version: int
    title: str
    item_count: int
    created_by: str
    created_at: datetime


class ChecklistPublic(ChecklistSummary):
    items: list[ItemPublic]


class RoundCreate(BaseModel):
    compound_id: uuid.UUID
    building_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=50, description="Empty: the whole compound"
    )
    planned_on: date
    inspectors: list[uuid.UUID] = Field(
        min_length=1, max_length=10, description="Personnel staff ids"
    )
    categories: list[Category] = Field(
        default_factory=list, max_length=9, description="Empty: every category with a checklist"
    )


class RoundPublic(BaseModel):
    id: uuid.UUID
    compound_id: uuid.UUID
    building_ids: list[uuid.UUID]
    planned_on: date
    inspectors: list[uuid.UUID]
    checklist_ids: list[uuid.UUID]
    item_count: int
    status: RoundStatus
    created_by: str
    started_at: datetime | None
    completed_at: datetime | None
    version: int


class RoundDetail(RoundPublic):
    answered: int
    place: PlacePublic | None = Field(description="The compound as assets shows it (or cached)")


class AnswerIn(BaseModel):
    item_id: uuid.UUID
    outcome: Outcome
    inspector_id: uuid.UUID = Field(description="One of the round's inspectors")
    answered_at: datetime
    severity: Severity | None = Field(default=None, description="A defect's, else the item's")
    note: Prose2000 | None = Field(default=None, description="Required for a defect")
    photos: list[Line300] = Field(default_factory=list, max_length=10, description="Photo refs")
    building_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None


class AnswerBatch(BaseModel):
    answers: list[AnswerIn] = Field(min_length=1, max_length=500)


class AnswerReceipt(BaseModel):
    received: int
    new: int
    repeated: int = Field(description="Answers already recorded exactly so (nothing changed)")
    hazards_raised: int


class AnswerPublic(BaseModel):
    round_id: uuid.UUID
    item_id: uuid.UUID
    item_code: str
    outcome: Outcome
    severity: Severity | None
    note: str | None
    photos: list[str]
    building_id: uuid.UUID | None
    room_id: uuid.UUID | None
    inspector_id: uuid.UUID
    answered_at: datetime
    posted_by: str
    posted_at: datetime
