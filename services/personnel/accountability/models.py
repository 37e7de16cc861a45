"""Accountability records and their voids (tables), and their API shapes.

Records are never changed or deleted. A mistaken record is voided by a void row with a
reason, optionally replaced by a correcting record in the same step.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator
from sqlalchemy import Column, String, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from services.personnel.appraisal.schemas import Name, Reason, no_nul
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


Subtype = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(no_nul),
]
DocumentNo = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(no_nul),
]


class Correction(BaseModel):
    record_id: uuid.UUID = Field(description="The earlier record this one replaces")
    reason: Reason = Field(description="Why the earlier record was wrong")


class RecordCreate(BaseModel):
    staff_id: uuid.UUID
    kind: RecordKind
    subtype: Subtype = Field(description="e.g. 嘉奖, 警告, 记过, 诫勉")
    effective_on: date = Field(description="Date of the decision")
    effective_until: date | None = Field(
        default=None, description="Last day it has effect (a penalty's 处分期); None: that day"
    )
    reason: Reason
    issuer: Name = Field(description="Who decided it, e.g. 市纪委")
    document_no: DocumentNo | None = Field(default=None, description="文号")
    corrects: Correction | None = None

    @model_validator(mode="after")
    def _until_not_before_on(self) -> RecordCreate:
        if self.effective_until is not None and self.effective_until < self.effective_on:
            raise ValueError("effective_until cannot be before effective_on")
        return self


class VoidCreate(BaseModel):
    reason: Reason


class VoidPublic(BaseModel):
    reason: str
    replaced_by_id: uuid.UUID | None
    voided_by: str
    voided_at: datetime


class RecordPublic(BaseModel):
    id: uuid.UUID
    staff_id: uuid.UUID
    unit_id: uuid.UUID
    kind: RecordKind
    subtype: str
    effective_on: date
    effective_until: date | None
    reason: str
    issuer: str
    document_no: str | None
    recorded_by: str
    recorded_at: datetime
    void: VoidPublic | None = None
