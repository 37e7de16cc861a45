"""API shapes of the budget units."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from shared.patching import Patch
from shared.text import Line200

Text200 = Line200
AccountNo = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{4,34}$")
]
UnitCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Z0-9-]{2,20}$")]


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
