"""Organisation tables and their API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import String
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from shared.patching import Patch
from shared.types import UTCDateTime, utcnow

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,19}$"


class Rank(SQLModel, table=True):
    """A rank (职级) as data: ``level`` 1 is the highest; office-space standards key on it."""

    __tablename__ = "personnel_rank"

    code: str = SQLField(primary_key=True, max_length=40)
    name: str = SQLField(max_length=100)
    name_zh: str = SQLField(max_length=50)
    level: int


class LeadingBody(SQLModel, table=True):
    """One of the four leading bodies (四大家) the bureau serves."""

    __tablename__ = "personnel_body"

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    code: str = SQLField(max_length=20, unique=True)
    name: str = SQLField(max_length=100)
    name_zh: str = SQLField(max_length=50)


class UnitKind(StrEnum):
    BUDGET_UNIT = "budget_unit"  # 部办委局: a unit with its own budget line
    SECTION = "section"  # 科室: an office inside a budget unit


class Unit(SQLModel, table=True):
    __tablename__ = "personnel_unit"

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    code: str = SQLField(max_length=20, unique=True, index=True)
    name: str = SQLField(max_length=200)
    name_zh: str = SQLField(max_length=100)
    kind: UnitKind = SQLField(sa_type=String(20))
    body_id: uuid.UUID = SQLField(foreign_key="personnel_body.id", index=True)
    parent_id: uuid.UUID | None = SQLField(default=None, foreign_key="personnel_unit.id")
    active: bool = True
    version: int = 1
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())
    updated_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())


class BodyPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    name_zh: str


class RankPublic(BaseModel):
    code: str
    name: str
    name_zh: str
    level: int


class UnitCreate(BaseModel):
    code: str = Field(pattern=CODE_PATTERN, description="Upper-case code, e.g. FIN or FIN-01")
    name: str = Field(min_length=1, max_length=200)
    name_zh: str = Field(min_length=1, max_length=100)
    kind: UnitKind = UnitKind.BUDGET_UNIT
    body_id: uuid.UUID
    parent_id: uuid.UUID | None = Field(
        default=None, description="For a section: the budget unit it belongs to"
    )


class UnitUpdate(Patch):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_zh: str | None = Field(default=None, min_length=1, max_length=100)
    active: bool | None = None


class UnitPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    name_zh: str
    kind: UnitKind
    body_id: uuid.UUID
    parent_id: uuid.UUID | None
    active: bool
    version: int
