"""Tables of the inspections: checklist templates (one version a row, never edited once
made), their items, the rounds and the answers posted in them.

A round takes the current version of each category's checklist when it is planned; its
answers are one per item (the key of an answer is its round and item, so the same answer
posted twice is one row).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.changes import VersionedColumns
from shared.types import UTCDateTime, utcnow


class Category(StrEnum):
    HOUSING = "housing"  # 住宅: housing structure
    ROADS = "roads"  # 道路
    GREENING = "greening"  # 绿化
    SANITATION = "sanitation"  # 卫生
    SECURITY = "security"  # 安全
    FIRE = "fire"  # 消防
    WATER = "water"  # 水
    ELECTRICITY = "electricity"  # 电
    HEATING = "heating"  # 暖气


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class Outcome(StrEnum):
    OK = "ok"
    DEFECT = "defect"
    NOT_APPLICABLE = "not_applicable"


class RoundStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class ChecklistTemplate(SQLModel, table=True):
    """One version of a category's checklist; a change is a new version."""

    __tablename__ = "facilities_checklist"
    __table_args__ = (UniqueConstraint("category", "version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    category: Category = Field(sa_type=String(20))
    version: int
    title: str = Field(max_length=200)
    item_count: int
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class ChecklistItem(SQLModel, table=True):
    """A point to check; its ``code`` stays the same across versions of the checklist."""

    __tablename__ = "facilities_checklist_item"
    __table_args__ = (UniqueConstraint("checklist_id", "code"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    checklist_id: uuid.UUID = Field(foreign_key="facilities_checklist.id", index=True)
    position: int
    code: str = Field(max_length=30)
    text: str = Field(max_length=500)
    severity: Severity = Field(sa_type=String(10))  # a defect's severity unless the answer says


class InspectionRound(VersionedColumns, table=True):
    """One inspection of a compound (or some of its buildings) on a day, by inspectors."""

    __tablename__ = "facilities_inspection_round"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    compound_id: uuid.UUID = Field(index=True)  # an assets compound
    building_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    planned_on: date = Field(index=True)
    inspectors: list[str] = Field(sa_column=Column(JSON, nullable=False))  # personnel staff ids
    checklist_ids: list[str] = Field(sa_column=Column(JSON, nullable=False))
    item_count: int
    status: RoundStatus = Field(default=RoundStatus.PLANNED, sa_type=String(12), index=True)
    created_by: str = Field(max_length=100)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class Answer(SQLModel, table=True):
    """An inspector's answer to one item in one round, as posted (perhaps offline, later)."""

    __tablename__ = "facilities_inspection_answer"

    round_id: uuid.UUID = Field(foreign_key="facilities_inspection_round.id", primary_key=True)
    item_id: uuid.UUID = Field(foreign_key="facilities_checklist_item.id", primary_key=True)
    item_code: str = Field(max_length=30)  # a re-inspection is found by round and code
    outcome: Outcome = Field(sa_type=String(15))
    severity: Severity | None = Field(default=None, sa_type=String(10))  # a defect's
    note: str | None = Field(default=None, max_length=2000)
    photos: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    building_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    inspector_id: uuid.UUID  # a staff id among the round's inspectors
    answered_at: datetime = Field(sa_type=UTCDateTime())
    posted_by: str = Field(max_length=100)
    posted_at: datetime = Field(sa_type=UTCDateTime())
