"""API shapes of the fire equipment register (the tables are in ``models``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from services.facilities.equipment.models import Kind, Result
from shared.patching import Patch
from shared.text import Line100, Line200, Line300, Line500

MAX_BATCH = 500
EquipmentCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,29}$")]
IntervalDays = Annotated[int, Field(ge=1, le=1096, description="days between checks")]


class EquipmentCreate(BaseModel):
    code: EquipmentCode
    kind: Kind
    description: Line200 | None = None
    building_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    zone_id: uuid.UUID | None = Field(default=None, description="default: the building's zone")
    check_interval_days: IntervalDays
    in_service_from: date
    expires_on: date | None = None


class EquipmentUpdate(Patch):
    nullable = frozenset({"description", "building_id", "room_id", "zone_id", "expires_on"})

    description: Line200 | None = None
    building_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    zone_id: uuid.UUID | None = None
    check_interval_days: IntervalDays | None = None
    expires_on: date | None = None
    active: bool | None = None


class EquipmentPublic(BaseModel):
    id: uuid.UUID
    code: str
    kind: Kind
    description: str | None
    building_id: uuid.UUID | None
    room_id: uuid.UUID | None
    zone_id: uuid.UUID | None
    check_interval_days: int
    in_service_from: date
    expires_on: date | None
    last_checked_on: date | None
    last_result: Result | None
    next_check_due: date
    active: bool
    version: int


class CheckIn(BaseModel):
    check_id: uuid.UUID = Field(description="made by the client, once per check")
    equipment_id: uuid.UUID
    checked_at: AwareDatetime
    result: Result
    note: Line500 | None = None
    photos: list[Line300] = Field(default_factory=list, max_length=10,
                                  description="references of the photos taken")  # fmt: skip
    checked_by: Line100


class CheckBatch(BaseModel):
    checks: list[CheckIn] = Field(min_length=1, max_length=MAX_BATCH)


class CheckReceipt(BaseModel):
    received: int
    new: int = Field(description="checks not seen before, now kept")
    repeated: int = Field(description="check ids seen before (or twice in the batch)")


class CheckPublic(BaseModel):
    check_id: uuid.UUID
    equipment_id: uuid.UUID
    checked_at: datetime
    result: Result
    note: str | None
    photos: list[str]
    checked_by: str
    posted_by: str
    posted_at: datetime


DueState = Literal["overdue", "due_soon", "ok"]
ExpiryState = Literal["expired", "expiring", "ok", "none"]


class DueItem(BaseModel):
    equipment_id: uuid.UUID
    code: str
    kind: Kind
    zone_id: uuid.UUID | None
    building_id: uuid.UUID | None
    room_id: uuid.UUID | None
    next_check_due: date
    expires_on: date | None
    check: DueState
    expiry: ExpiryState


class ZoneDue(BaseModel):
    zone_id: uuid.UUID | None = Field(description="None: items in no zone")
    zone_code: str | None
    items: int = Field(description="active items")
    overdue: int
    due_soon: int
    expired: int
    expiring: int


class DueReport(BaseModel):
    as_of: date
    within_days: int
    zones: list[ZoneDue]
    items: list[DueItem] = Field(description="items overdue, due soon, expired or expiring")
