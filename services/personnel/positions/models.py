"""Position table and its API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import Column, Text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from services.personnel.organisation.models import CODE_PATTERN
from shared.patching import Patch
from shared.types import UTCDateTime, utcnow

MAX_RESPONSIBILITIES = 20_000


class Position(SQLModel, table=True):
    __tablename__ = "personnel_position"

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    code: str = SQLField(max_length=20, unique=True, index=True)
    title: str = SQLField(max_length=200)
    unit_id: uuid.UUID = SQLField(foreign_key="personnel_unit.id", index=True)
    rank_code: str = SQLField(foreign_key="personnel_rank.code", max_length=40)
    responsibilities: str = SQLField(sa_column=Column(Text, nullable=False))
    headcount: int = 1
    active: bool = True
    version: int = 1
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())
    updated_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())


class PositionCreate(BaseModel):
    code: str = Field(pattern=CODE_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    unit_id: uuid.UUID
    rank_code: str = Field(min_length=1, max_length=40)
    responsibilities: str = Field(
        min_length=1, max_length=MAX_RESPONSIBILITIES, description="The written duties (岗位责任)"
    )
    headcount: int = Field(default=1, ge=1, le=10_000)


class PositionUpdate(Patch):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    rank_code: str | None = Field(default=None, min_length=1, max_length=40)
    responsibilities: str | None = Field(
        default=None, min_length=1, max_length=MAX_RESPONSIBILITIES
    )
    headcount: int | None = Field(default=None, ge=1, le=10_000)
    active: bool | None = None


class PositionPublic(BaseModel):
    id: uuid.UUID
    code: str
    title: str
    unit_id: uuid.UUID
    rank_code: str
    responsibilities: str
    headcount: int
    active: bool
    version: int
