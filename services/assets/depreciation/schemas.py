"""API shapes of depreciation runs and an asset's depreciation schedule."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from shared.money import Money, SignedMoney

# a month of the books, 2000-01 … 2099-12
Period = Annotated[
    str,
    StringConstraints(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$"),
    Field(examples=["2026-11"], description="The month, YYYY-MM"),
]


class RunCreate(BaseModel):
    period: Period


class RunPublic(BaseModel):
    id: uuid.UUID
    period: str
    entry_date: date
    total: Money
    assets: int
    units: int
    run_by: str
    run_at: datetime


class UnitTotalPublic(BaseModel):
    unit_id: uuid.UUID
    amount: Money
    assets: int
    event_id: uuid.UUID = Field(description="The outbox event that posts it to finance")


class RunDetail(RunPublic):
    unit_totals: list[UnitTotalPublic]


class ChargePublic(BaseModel):
    period: str
    amount: Money
    accumulated_after: Money
    months_after: int


class AssetSchedule(BaseModel):
    """Where an asset's depreciation stands and each month charged so far (oldest first)."""

    asset_id: uuid.UUID
    number: str
    category_code: str
    useful_life_years: int | None = Field(description="None: the category is not depreciated")
    acquired_on: date
    value: Money
    accumulated_depreciation: Money
    net_book_value: SignedMoney
    depreciated_months: int
    remaining_months: int | None
    charges: list[ChargePublic]
