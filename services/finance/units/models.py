"""The budget units finance keeps books for (ids are personnel's unit ids). A unit's
zero-balance account (零余额账户) is where authorized payments come from."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from shared.types import UTCDateTime, utcnow


class BudgetUnit(SQLModel, table=True):
    __tablename__ = "finance_budget_unit"

    id: uuid.UUID = Field(primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=200)
    zba_account: str = Field(max_length=34)  # zero-balance account number
    zba_bank: str = Field(max_length=200)
    active: bool = True
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
