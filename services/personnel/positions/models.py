"""Position table: a post in a unit, at a rank, with its written responsibilities."""

from __future__ import annotations

import uuid

from sqlalchemy import Column, Text
from sqlmodel import Field

from shared.changes import VersionedColumns


class Position(VersionedColumns, table=True):
    __tablename__ = "personnel_position"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    title: str = Field(max_length=200)
    unit_id: uuid.UUID = Field(foreign_key="personnel_unit.id", index=True)
    rank_code: str = Field(foreign_key="personnel_rank.code", max_length=40)
    responsibilities: str = Field(sa_column=Column(Text, nullable=False))
    headcount: int = 1
    active: bool = True
