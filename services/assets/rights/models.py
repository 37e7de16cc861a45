"""Effective-dated right holdings: who holds which of the five rights over a building, a room
or an asset, from one day until (not including) another.

A holder is a budget unit of personnel (``holder_unit_id``) or a body outside the 31 units,
such as the city itself, named only (``holder_unit_id`` None). A room without a holding of its
own follows its building; an asset without one follows its room.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from shared.types import UTCDateTime, utcnow


class Right(StrEnum):
    OWNERSHIP = "ownership"  # 所有权 (the city)
    MANAGEMENT = "management"  # 管理权 (the bureau)
    OPERATION = "operation"  # 经营权 (e.g. the bureau's service centre)
    USE = "use"  # 使用权 (a unit)
    DISPOSAL = "disposal"  # 处置权


class SubjectKind(StrEnum):
    BUILDING = "building"
    ROOM = "room"
    ASSET = "asset"


class RightHolding(SQLModel, table=True):
    """One right over one subject, held from ``valid_from`` until ``valid_to`` (exclusive;
    None: open-ended). Holdings of one right over one subject never overlap: a new holding
    ends the open one the day it starts."""

    __tablename__ = "assets_right_holding"
    __table_args__ = (Index("ix_assets_right_subject", "subject_kind", "subject_id", "right"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    subject_kind: SubjectKind = Field(sa_type=String(10))
    subject_id: uuid.UUID
    right: Right = Field(sa_type=String(12))
    holder_name: str = Field(max_length=200)
    holder_unit_id: uuid.UUID | None = Field(default=None, index=True)
    valid_from: date
    valid_to: date | None = None
    basis: str | None = Field(default=None, max_length=200)  # the decision or contract
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    version: int = 1
