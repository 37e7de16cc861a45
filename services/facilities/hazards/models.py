"""Tables of the hazards, their escalations and the due-period rules.

A hazard is born of a defect answer (one per round and item). Its due time comes from the
rule in force for its severity on the day it was found (data, effective-dated, seeded
24 hours / 7 days / 30 days). Past its due time it escalates to its unit; past
``director_due_at`` (its due time plus the same period again) to the director.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.facilities.inspections.models import Category, Severity
from shared.changes import VersionedColumns
from shared.types import UTCDateTime


class HazardStatus(StrEnum):
    OPEN = "open"  # found, nobody responsible yet
    ASSIGNED = "assigned"  # a unit and a person are responsible
    FIXED = "fixed"  # the fixer says it is fixed; a re-inspection must confirm
    CLOSED = "closed"  # a re-inspection by someone else passed it


class EscalationLevel(StrEnum):
    UNIT = "unit"  # past its due time: the responsible unit is told
    DIRECTOR = "director"  # past its due time and the same period again: the director


class DueRule(SQLModel, table=True):
    """How long a hazard of ``severity`` found on or after ``effective_from`` may stay open."""

    __tablename__ = "facilities_hazard_due_rule"

    severity: Severity = Field(sa_type=String(10), primary_key=True)
    effective_from: date = Field(primary_key=True)
    period_hours: int
    set_by: str = Field(max_length=100)


class Hazard(VersionedColumns, table=True):
    __tablename__ = "facilities_hazard"
    __table_args__ = (
        UniqueConstraint("round_id", "item_id"),
        # the open-hazards dashboard and the escalation run read only this index
        Index(
            "ix_facilities_hazard_open", "status", "compound_id", "severity", "found_at", "due_at"
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = Field(foreign_key="facilities_inspection_round.id")
    item_id: uuid.UUID = Field(foreign_key="facilities_checklist_item.id")
    item_code: str = Field(max_length=30)
    category: Category = Field(sa_type=String(20))  # its risk category
    severity: Severity = Field(sa_type=String(10))
    description: str = Field(max_length=2000)
    compound_id: uuid.UUID
    building_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    found_at: datetime = Field(sa_type=UTCDateTime())
    due_at: datetime = Field(sa_type=UTCDateTime())
    director_due_at: datetime = Field(sa_type=UTCDateTime())
    status: HazardStatus = Field(default=HazardStatus.OPEN, sa_type=String(10))
    responsible_unit_id: uuid.UUID | None = Field(default=None, index=True)
    responsible_staff_id: uuid.UUID | None = Field(default=None, index=True)
    assigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    fixed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    fixer_id: uuid.UUID | None = None  # the staff member who fixed it
    fix_note: str | None = Field(default=None, max_length=2000)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    closing_round_id: uuid.UUID | None = None  # the re-inspection that passed it
    escalation: int = 0  # 0 none, 1 to the unit, 2 to the director


class Escalation(SQLModel, table=True):
    """A hazard reached a level (once: the run may be repeated)."""

    __tablename__ = "facilities_hazard_escalation"
    __table_args__ = (UniqueConstraint("hazard_id", "level"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    hazard_id: uuid.UUID = Field(foreign_key="facilities_hazard.id", index=True)
    level: EscalationLevel = Field(sa_type=String(10))
    unit_id: uuid.UUID | None = None  # the responsible unit then
    escalated_at: datetime = Field(sa_type=UTCDateTime(), index=True)
    overdue_hours: int
