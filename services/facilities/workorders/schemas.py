"""API shapes of the work orders (the tables are in ``models``)."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from services.facilities.sites import Site
from services.facilities.workorders.models import Priority, Source, Status
from shared.money import AS_TEXT, Amount, Money, text_only, text_schema
from shared.patching import Patch
from shared.text import Line100, Line200, Line500, Prose2000

_HOURS = re.compile(r"(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,2}(\.[0-9]{1,2})?)")
_QUANTITY = re.compile(
    r"(0\.(00[1-9]|0[1-9][0-9]?|[1-9][0-9]{0,2})|[1-9][0-9]{0,8}(\.[0-9]{1,3})?)"
)
# hours of one labour entry: more than zero, at most 999.99, two decimals
Hours = Annotated[
    Decimal,
    text_only(_HOURS, "hours"),
    Field(gt=0, max_digits=5, decimal_places=2),
    AS_TEXT,
    text_schema(_HOURS, "3.50", "hours, more than 0, at most two decimals"),
]
# a quantity of material: more than zero, at most three decimals
Quantity = Annotated[
    Decimal,
    text_only(_QUANTITY, "a quantity"),
    Field(gt=0, max_digits=12, decimal_places=3),
    text_schema(_QUANTITY, "2.5", "more than 0, at most three decimals"),
]
ClockHours = Annotated[int, Field(ge=1, le=8760, description="hours, 1 to 8760")]


class WorkOrderCreate(Site):
    """A request, or an officer's order for a hazard. A unit liaison raises for its own unit
    (the default), a member of staff for themselves; only an officer names a hazard."""

    title: Line200
    description: Prose2000 | None = None
    source: Literal[Source.REQUEST, Source.HAZARD] = Source.REQUEST
    hazard_id: uuid.UUID | None = Field(default=None, description="source ``hazard`` only")
    priority: Priority = Priority.NORMAL
    unit_id: uuid.UUID | None = Field(default=None, description="the unit it serves")


class WorkOrderUpdate(Patch):
    """Corrections before the work is done (``If-Match``)."""

    nullable = frozenset({"description", "compound_id", "building_id", "room_id", "asset_id"})

    title: Line200 | None = None
    description: Prose2000 | None = None
    compound_id: uuid.UUID | None = None
    building_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    asset_id: uuid.UUID | None = None


class Triage(BaseModel):
    priority: Priority
    note: Line500 | None = None


class Assignment(BaseModel):
    assignee: Line100 = Field(description="who does the work (their user name)")
    note: Line500 | None = None


class StepNote(BaseModel):
    note: Line500 | None = None


class Cancellation(BaseModel):
    reason: Line500


class WorkOrderPublic(BaseModel):
    id: uuid.UUID
    title: str
    description: str | None
    source: Source
    hazard_id: uuid.UUID | None
    plan_id: uuid.UUID | None
    due_on: date | None
    priority: Priority
    status: Status
    unit_id: uuid.UUID | None
    requester_staff_id: uuid.UUID | None
    requested_by: str
    requested_at: datetime
    response_due_at: datetime
    resolution_due_at: datetime
    assignee: str | None
    triaged_at: datetime | None
    assigned_at: datetime | None
    started_at: datetime | None
    done_at: datetime | None
    done_by: str | None
    verified_at: datetime | None
    verified_by: str | None
    cancelled_at: datetime | None
    compound_id: uuid.UUID | None
    building_id: uuid.UUID | None
    room_id: uuid.UUID | None
    asset_id: uuid.UUID | None
    labour_cost: Annotated[Decimal, AS_TEXT]
    material_cost: Annotated[Decimal, AS_TEXT]
    total_cost: Annotated[Decimal, AS_TEXT]
    version: int


class StepPublic(BaseModel):
    from_status: Status | None
    to_status: Status
    at: datetime
    by: str
    note: str | None


class LabourCreate(BaseModel):
    worker: Line100
    worked_on: date
    hours: Hours
    rate: Money = Field(description="yuan an hour")


class LabourPublic(BaseModel):
    id: uuid.UUID
    worker: str
    worked_on: date
    hours: Annotated[Decimal, AS_TEXT]
    rate: Annotated[Decimal, AS_TEXT]
    cost: Annotated[Decimal, AS_TEXT]
    recorded_by: str
    recorded_at: datetime


class MaterialCreate(BaseModel):
    item: Line200
    quantity: Quantity
    unit_cost: Amount


class MaterialPublic(BaseModel):
    id: uuid.UUID
    item: str
    quantity: Decimal
    unit_cost: Annotated[Decimal, AS_TEXT]
    cost: Annotated[Decimal, AS_TEXT]
    recorded_by: str
    recorded_at: datetime


class Costs(BaseModel):
    labour: list[LabourPublic]
    materials: list[MaterialPublic]
    labour_cost: Annotated[Decimal, AS_TEXT]
    material_cost: Annotated[Decimal, AS_TEXT]
    total_cost: Annotated[Decimal, AS_TEXT]


class SlaPolicyPublic(BaseModel):
    priority: Priority
    response_hours: int
    resolution_hours: int
    version: int


class SlaPolicyUpdate(Patch):
    response_hours: ClockHours | None = None
    resolution_hours: ClockHours | None = None


ClockState = Literal["met", "breached", "at_risk", "running"]


class SlaRow(BaseModel):
    work_order_id: uuid.UUID
    title: str
    priority: Priority
    status: Status
    requested_at: datetime
    response_due_at: datetime
    resolution_due_at: datetime
    response: ClockState
    resolution: ClockState


class SlaTotals(BaseModel):
    priority: Priority
    open: int = Field(description="orders not yet done, verified or cancelled")
    response_breached: int
    resolution_breached: int
    at_risk: int = Field(description="open orders in the last quarter of a clock")


class SlaReport(BaseModel):
    as_of: datetime
    totals: list[SlaTotals]
    orders: list[SlaRow] = Field(description="every order breached or at risk, oldest first")
