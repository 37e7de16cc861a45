"""Tables of the fire equipment register (消防器材) and its checks.

An item is somewhere (a building, a room, a safety zone), is checked every
``check_interval_days`` and may expire (an extinguisher's refill or pressure-test date). Its
next check falls due ``check_interval_days`` after its last check (after it entered service
when never checked). Checks are kept as posted: the client makes each check's id, so a batch
posted twice from a phone that lost its connection adds nothing.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from shared.changes import VersionedColumns
from shared.types import UTCDateTime, utcnow


class Kind(StrEnum):
    EXTINGUISHER = "extinguisher"
    HYDRANT = "hydrant"
    ALARM = "alarm"
    SPRINKLER = "sprinkler"


class Result(StrEnum):
    OK = "ok"
    DEFECT = "defect"
    NA = "na"  # not applicable or not reachable: does not count as a check done


class Equipment(VersionedColumns, table=True):
    __tablename__ = "facilities_fire_equipment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    kind: Kind = Field(sa_type=String(12), index=True)
    description: str | None = Field(default=None, max_length=200)
    building_id: uuid.UUID | None = Field(default=None, index=True)
    room_id: uuid.UUID | None = None
    zone_id: uuid.UUID | None = Field(
        default=None, foreign_key="facilities_safety_zone.id", index=True
    )
    check_interval_days: int
    in_service_from: date
    expires_on: date | None = Field(default=None, index=True)
    last_checked_on: date | None = None
    last_result: Result | None = Field(default=None, sa_type=String(8))
    next_check_due: date = Field(index=True)
    active: bool = Field(default=True, index=True)


class Check(SQLModel, table=True):
    """One check of one item; ``check_id`` is made by the client, once a check."""

    __tablename__ = "facilities_fire_equipment_check"

    check_id: uuid.UUID = Field(primary_key=True)
    equipment_id: uuid.UUID = Field(foreign_key="facilities_fire_equipment.id", index=True)
    checked_at: datetime = Field(sa_type=UTCDateTime())
    result: Result = Field(sa_type=String(8))
    note: str | None = Field(default=None, max_length=500)
    photos: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    checked_by: str = Field(max_length=100)  # who checked (as the client names them)
    posted_by: str = Field(max_length=100)  # the principal who posted the batch
    posted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
