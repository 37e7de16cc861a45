"""Staff tables: the person and the effective-dated periods of their posting.

A posting change (transfer, promotion, retirement, leaving) closes the open period the day it
takes effect and opens a new one, so "rank on 2026-03-01" is the period whose
``valid_from <= day < valid_to`` (``valid_to`` None while open).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from shared.changes import VersionedColumns
from shared.types import UTCDateTime, utcnow


class StaffStatus(StrEnum):
    SERVING = "serving"  # 在职
    RETIRED = "retired"  # 离退休
    LEFT = "left"  # 调离/离职


class Staff(VersionedColumns, table=True):
    __tablename__ = "personnel_staff"

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    staff_no: str = SQLField(max_length=20, unique=True, index=True)
    name: str = SQLField(max_length=100)
    # the national ID number is stored encrypted; the digest finds duplicates without
    # decrypting, the masked form is what everyone but hr_officer sees
    national_id_cipher: str = SQLField(sa_column=Column(Text, nullable=False))
    national_id_digest: str = SQLField(max_length=64, unique=True)
    national_id_masked: str = SQLField(max_length=18)
    phone: str | None = SQLField(default=None, max_length=30)
    email: str | None = SQLField(default=None, max_length=200)


class StaffPeriod(SQLModel, table=True):
    """One stretch of a person's posting; periods of a person never overlap."""

    __tablename__ = "personnel_staff_period"
    __table_args__ = (
        UniqueConstraint("staff_id", "valid_from"),
        Index("ix_personnel_staff_period_unit_dates", "unit_id", "valid_from", "valid_to"),
        # at most one open period a person, whatever two writers attempt at once
        Index(
            "uq_personnel_staff_period_open",
            "staff_id",
            unique=True,
            sqlite_where=text("valid_to IS NULL"),
            postgresql_where=text("valid_to IS NULL"),
        ),
    )

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    staff_id: uuid.UUID = SQLField(foreign_key="personnel_staff.id", index=True)
    valid_from: date
    valid_to: date | None = None
    status: StaffStatus = SQLField(sa_type=String(20))
    unit_id: uuid.UUID = SQLField(foreign_key="personnel_unit.id")
    position_id: uuid.UUID | None = SQLField(default=None, foreign_key="personnel_position.id")
    rank_code: str = SQLField(foreign_key="personnel_rank.code", max_length=40)
    reason: str = SQLField(max_length=500)
    recorded_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())
