"""Organisation tables: leading bodies, ranks, budget units and their sections."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from shared.changes import VersionedColumns


class Rank(SQLModel, table=True):
    """A rank (职级) as data: ``level`` 1 is the highest; office-space standards key on it."""

    __tablename__ = "personnel_rank"

    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=100)
    name_zh: str = Field(max_length=50)
    level: int


class LeadingBody(SQLModel, table=True):
    """One of the four leading bodies (四大家) the bureau serves."""

    __tablename__ = "personnel_body"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=100)
    name_zh: str = Field(max_length=50)


class UnitKind(StrEnum):
    BUDGET_UNIT = "budget_unit"  # 部办委局: a unit with its own budget line
    SECTION = "section"  # 科室: an office inside a budget unit


class Unit(VersionedColumns, table=True):
    __tablename__ = "personnel_unit"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    name_zh: str = Field(max_length=100)
    kind: UnitKind = Field(sa_type=String(20))
    body_id: uuid.UUID = Field(foreign_key="personnel_body.id", index=True)
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="personnel_unit.id")
    active: bool = True
