"""API shapes of staff (the tables are in ``models``)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from services.personnel.staff.models import StaffStatus
from shared.patching import Patch
from shared.text import Line100, Prose2000

STAFF_NO_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,19}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class StaffCreate(BaseModel):
    staff_no: str = Field(pattern=STAFF_NO_PATTERN)
    name: Line100
    national_id: str = Field(min_length=18, max_length=22, description="Stored encrypted")
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=200, pattern=EMAIL_PATTERN)
    unit_id: uuid.UUID
    position_id: uuid.UUID | None = None
    rank_code: str = Field(min_length=1, max_length=40)
    status: StaffStatus = StaffStatus.SERVING
    effective_from: date = Field(description="First day of this posting")


class ContactUpdate(Patch):
    nullable = frozenset({"phone", "email"})

    name: Line100 | None = None
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=200, pattern=EMAIL_PATTERN)


class PostingChange(BaseModel):
    """A transfer, promotion, retirement or departure, effective from a day."""

    effective_from: date
    reason: Annotated[Prose2000, StringConstraints(max_length=500)]
    unit_id: uuid.UUID | None = None
    position_id: uuid.UUID | None = None
    rank_code: str | None = Field(default=None, min_length=1, max_length=40)
    status: StaffStatus | None = None


class PeriodPublic(BaseModel):
    valid_from: date
    valid_to: date | None
    status: StaffStatus
    unit_id: uuid.UUID
    position_id: uuid.UUID | None
    rank_code: str
    reason: str


class StaffPublic(BaseModel):
    id: uuid.UUID
    staff_no: str
    name: str
    national_id: str = Field(description="In full for hr_officer only; masked for everyone else")
    phone: str | None
    email: str | None
    version: int
    as_of: date
    posting: PeriodPublic | None = Field(description="The posting on ``as_of`` (None: not yet)")


class StaffBulkPage(BaseModel):
    """A slice of the staff list in ``staff_no`` order; pass ``next_after`` to continue."""

    items: list[StaffPublic]
    next_after: str | None
