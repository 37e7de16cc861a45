"""API shapes of budgets, plans, quotas and the execution report."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from shared.money import Amount, Money, SignedMoney

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]
Year = Annotated[int, Field(ge=2000, le=2100)]
Month = Annotated[int, Field(ge=1, le=12)]


class AppropriationCreate(BaseModel):
    fiscal_year: Year
    unit_id: uuid.UUID
    economic_class: Annotated[str, StringConstraints(pattern=r"^[0-9]{3,7}$")]
    fund_source: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z_.-]{1,20}$")]
    amount: Amount
    reason: Reason = "budget approved"


class AppropriationAdjust(BaseModel):
    delta: SignedMoney = Field(description="Positive adds to the line, negative cuts it")
    reason: Reason


class AppropriationPublic(BaseModel):
    id: uuid.UUID
    fiscal_year: int
    unit_id: uuid.UUID
    economic_class: str
    fund_source: str
    amount: Money
    committed: Money
    paid: Money
    available: Money
    planned: Money
    version: int


class ChangePublic(BaseModel):
    delta: SignedMoney
    amount_after: Money
    reason: str
    changed_by: str
    changed_at: datetime


class PlanSet(BaseModel):
    amount: Money


class PlanPublic(BaseModel):
    id: uuid.UUID
    appropriation_id: uuid.UUID
    month: int
    amount: Money
    committed: Money
    paid: Money
    available: Money
    version: int


class QuotaSet(BaseModel):
    amount: Money
    reason: Reason = "monthly quota granted"


class QuotaPublic(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    fiscal_year: int
    month: int
    amount: Money
    committed: Money
    paid: Money
    available: Money
    version: int


class ExecutionRow(BaseModel):
    appropriation_id: uuid.UUID
    unit_id: uuid.UUID
    unit_code: str
    economic_class: str
    fund_source: str
    appropriated: Money
    committed: Money
    paid: Money
    available: Money
    execution_rate: str = Field(description="paid / appropriated, percent with one decimal")


class ExecutionReport(BaseModel):
    fiscal_year: int
    unit_id: uuid.UUID | None
    rows: list[ExecutionRow]
    appropriated: Money
    committed: Money
    paid: Money
    available: Money
