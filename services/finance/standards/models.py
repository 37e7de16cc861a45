"""A version of one standard (a salary scale, the tax brackets, the lodging caps …).

A version is drafted by a finance officer, approved by someone else, and from then on never
edited: a change is a new version with its own effective date. The version in force on a day is
the approved one with the latest ``effective_from`` on or before it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.types import UTCDateTime, utcnow


class StandardKind(StrEnum):
    SALARY_SCALE = "salary_scale"  # 职务职级工资: base pay by rank and step
    POSITION_ALLOWANCE = "position_allowance"  # 岗位职务津贴 by rank
    GRADE_ALLOWANCE = "grade_allowance"  # 绩效奖励 and 福利 by appraisal grade
    RETIREE_ALLOWANCE = "retiree_allowance"  # 离退休费 by former rank
    CONTRIBUTIONS = "contributions"  # 社会保险 and 住房公积金: rates, base floor and cap
    INCOME_TAX = "income_tax"  # 个人所得税: cumulative withholding, annual brackets
    TRAVEL_LODGING = "travel_lodging"  # 住宿费 cap per night by rank and city class
    TRAVEL_PER_DIEM = "travel_per_diem"  # 伙食补助费 and 市内交通费 per day
    TRAVEL_CLASS = "travel_class"  # 交通工具等级 by rank


class StandardStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"  # in force from ``effective_from``; never edited again
    WITHDRAWN = "withdrawn"  # a draft dropped before approval


class StandardVersion(SQLModel, table=True):
    __tablename__ = "finance_standard"
    __table_args__ = (
        UniqueConstraint("kind", "version"),
        Index("ix_finance_standard_in_force", "kind", "effective_from"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: str = Field(max_length=30)
    version: int
    status: str = Field(default=StandardStatus.DRAFT, max_length=10)
    effective_from: date
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    drafted_by: str = Field(max_length=200)
    drafted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    approved_by: str | None = Field(default=None, max_length=200)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
