"""API shapes of accountability records and their voids (the tables are in ``models``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from services.personnel.accountability.models import RecordKind
from shared.text import Line100, Name
from shared.text import Prose2000 as Reason

Subtype = Annotated[Line100, StringConstraints(max_length=60)]
DocumentNo = Line100


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
