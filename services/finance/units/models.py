"""The budget units finance keeps books for (ids are personnel's unit ids) and their API
shapes. A unit's zero-balance account (零余额账户) is where authorized payments come from."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from shared.patching import Patch
from shared.types import UTCDateTime, utcnow

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
AccountNo = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{4,34}$")
]
UnitCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Z0-9-]{2,20}$")]


class BudgetUnit(SQLModel, table=True):
    __tablename__ = "finance_budget_unit"

    id: uuid.UUID = SQLField(primary_key=True)
    code: str = SQLField(max_length=20, unique=True)
    name: str = SQLField(max_length=200)
    zba_account: str = SQLField(max_length=34)  # zero-balance account number
    zba_bank: str = SQLField(max_length=200)
    active: bool = True
    version: int = 1
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())


class BudgetUnitCreate(BaseModel):
    id: uuid.UUID = Field(description="The unit's id in personnel")
    code: UnitCode
    name: Text200
    zba_account: AccountNo
    zba_bank: Text200


class BudgetUnitUpdate(Patch):
    name: Text200 | None = None
    zba_account: AccountNo | None = None
    zba_bank: Text200 | None = None
    active: bool | None = None


class BudgetUnitPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    zba_account: str
    zba_bank: str
    active: bool
    version: int
