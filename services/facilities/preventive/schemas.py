"""API shapes of the preventive plans (the table is in ``models``)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from services.facilities.sites import Site
from services.facilities.workorders.models import Priority
from shared.patching import Patch
from shared.text import Line200, Prose2000

PlanCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,29}$")]
Months = Annotated[int, Field(ge=0, le=120, description="0 when the plan counts weeks")]
Weeks = Annotated[int, Field(ge=0, le=520, description="0 when the plan counts months")]
LeadDays = Annotated[int, Field(ge=0, le=366, description="days before the due day")]


class PlanCreate(Site):
    code: PlanCode
    title: Line200
    description: Prose2000 | None = None
    interval_months: Months = 0
    interval_weeks: Weeks = 0
    anchor_on: date = Field(description="the first due day; the others follow by the interval")
    lead_days: LeadDays = 0
    priority: Priority = Priority.NORMAL
    unit_id: uuid.UUID | None = None


class PlanUpdate(Patch):
    """Changes apply to occurrences not yet raised; raised orders stay as they are."""

    nullable = frozenset({"description", "compound_id", "building_id", "room_id", "asset_id",
                          "unit_id"})  # fmt: skip

    title: Line200 | None = None
    description: Prose2000 | None = None
    interval_months: Months | None = None
    interval_weeks: Weeks | None = None
    anchor_on: date | None = None
    lead_days: LeadDays | None = None
    priority: Priority | None = None
    unit_id: uuid.UUID | None = None
    active: bool | None = None
    compound_id: uuid.UUID | None = None
    building_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    asset_id: uuid.UUID | None = None


class PlanPublic(BaseModel):
    id: uuid.UUID
    code: str
    title: str
    description: str | None
    interval_months: int
    interval_weeks: int
    anchor_on: date
    lead_days: int
    priority: Priority
    unit_id: uuid.UUID | None
    active: bool
    compound_id: uuid.UUID | None
    building_id: uuid.UUID | None
    room_id: uuid.UUID | None
    asset_id: uuid.UUID | None
    version: int


class GenerationReceipt(BaseModel):
    until: date
    plans: int = Field(description="active plans looked at")
    created: int = Field(description="orders raised now")
    existing: int = Field(description="occurrences already raised: left as they were")
