"""Bodies and views of hazards, due rules, escalations and the dashboard."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from services.facilities.hazards.models import EscalationLevel, HazardStatus
from services.facilities.inspections.models import Category, Severity
from services.facilities.locations.schemas import PlacePublic
from shared.text import Prose2000


class HazardPublic(BaseModel):
    id: uuid.UUID
    round_id: uuid.UUID
    item_id: uuid.UUID
    item_code: str
    category: Category
    severity: Severity
    description: str
    compound_id: uuid.UUID
    building_id: uuid.UUID | None
    room_id: uuid.UUID | None
    found_at: datetime
    due_at: datetime
    director_due_at: datetime
    status: HazardStatus
    responsible_unit_id: uuid.UUID | None
    responsible_staff_id: uuid.UUID | None
    assigned_at: datetime | None
    fixed_at: datetime | None
    fixer_id: uuid.UUID | None
    fix_note: str | None
    closed_at: datetime | None
    closing_round_id: uuid.UUID | None
    escalation: int
    version: int


class HazardDetail(HazardPublic):
    place: PlacePublic | None = Field(description="Where, as assets shows it (or cached)")


class HazardAssign(BaseModel):
    unit_id: uuid.UUID = Field(description="The responsible budget unit")
    staff_id: uuid.UUID = Field(description="The responsible person (a personnel staff id)")


class HazardFix(BaseModel):
    fixer_id: uuid.UUID = Field(description="Who fixed it (a personnel staff id)")
    note: Prose2000


class HazardClose(BaseModel):
    round_id: uuid.UUID = Field(description="The re-inspection round whose answer passed it")


class DueRuleSet(BaseModel):
    severity: Severity
    effective_from: date
    period_hours: int = Field(ge=1, le=24 * 366)


class DueRulePublic(BaseModel):
    severity: Severity
    effective_from: date
    period_hours: int
    set_by: str


class EscalationRun(BaseModel):
    to_unit: int = Field(description="Hazards newly escalated to their unit")
    to_director: int = Field(description="Hazards newly escalated to the director")


class EscalationPublic(BaseModel):
    hazard_id: uuid.UUID
    level: EscalationLevel
    unit_id: uuid.UUID | None
    escalated_at: datetime
    overdue_hours: int
    compound_id: uuid.UUID
    severity: Severity
    status: HazardStatus
    due_at: datetime


class DashboardCell(BaseModel):
    compound_id: uuid.UUID
    severity: Severity
    age: str = Field(description="Days since found: 0-7, 8-30, 31-90, 91+")
    open: int
    overdue: int


class Dashboard(BaseModel):
    as_of: datetime
    total_open: int
    total_overdue: int
    cells: list[DashboardCell]
