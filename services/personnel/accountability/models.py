"""Accountability records and their voids (tables; the API shapes are in ``schemas``).

Records are never changed or deleted. A mistaken record is voided by a void row with a
reason, optionally replaced by a correcting record in the same step.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, String, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from shared.types import UTCDateTime, utcnow


class RecordKind(StrEnum):
    REWARD = "reward"  # 奖励: 嘉奖, 记功 …
    COMMENDATION = "commendation"  # 表彰 (评优表先)
    PENALTY = "penalty"  # 处分: 警告, 记过 … — caps the appraisal grade of its period
    ACCOUNTABILITY = "accountability"  # 问责: 诫勉, 通报批评 …


class AccountabilityRecord(SQLModel, table=True):
    __tablename__ = "personnel_accountability_record"

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    staff_id: uuid.UUID = SQLField(foreign_key="personnel_staff.id", index=True)
    unit_id: uuid.UUID = SQLField(foreign_key="personnel_unit.id", index=True)
    kind: RecordKind = SQLField(sa_type=String(20), index=True)
    subtype: str = SQLField(max_length=60)
    effective_on: date = SQLField(index=True)
    effective_until: date | None = None
    reason: str = SQLField(sa_column=Column(Text, nullable=False))
    issuer: str = SQLField(max_length=200)
    document_no: str | None = SQLField(default=None, max_length=100)
    recorded_by: str = SQLField(max_length=200)
    recorded_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())


class AccountabilityVoid(SQLModel, table=True):
    """A record declared void (at most once), and the record that replaced it, if any."""

    __tablename__ = "personnel_accountability_void"

    record_id: uuid.UUID = SQLField(
        foreign_key="personnel_accountability_record.id", primary_key=True
    )
    reason: str = SQLField(sa_column=Column(Text, nullable=False))
    replaced_by_id: uuid.UUID | None = SQLField(
        default=None, foreign_key="personnel_accountability_record.id"
    )
    voided_by: str = SQLField(max_length=200)
    voided_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())
