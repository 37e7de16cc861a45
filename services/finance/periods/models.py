"""A month of the books (a month with no row is open; closing writes the row)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from shared.types import UTCDateTime, utcnow


class PeriodStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Period(SQLModel, table=True):
    """A month of the books. A month with no row is open; closing writes the row."""

    __tablename__ = "finance_period"

    year: int = Field(primary_key=True)
    month: int = Field(primary_key=True)
    status: str = Field(default=PeriodStatus.OPEN, max_length=10)
    changed_by: str = Field(max_length=200)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = 1
