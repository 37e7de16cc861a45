"""API shapes of the ledger."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from services.finance.ledger.models import Category, EntrySource
from shared.money import Amount, Money, SignedMoney
from shared.text import Line200

Memo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_.-]{1,20}$")]


class AccountPublic(BaseModel):
    code: str
    name: str
    name_zh: str
    category: Category
    restricted: bool
    active: bool


class AccountCreate(BaseModel):
    code: Code
    name: Line200
    name_zh: Line200
    category: Category


class EconomicClassPublic(BaseModel):
    code: str
    name: str
    name_zh: str
    parent_code: str | None


class FundSourcePublic(BaseModel):
    code: str
    name: str
    name_zh: str


class LineIn(BaseModel):
    account: Code
    unit_id: uuid.UUID
    debit: Money = Decimal("0.00")
    credit: Money = Decimal("0.00")
    economic_class: Code | None = None
    fund_source: Code | None = None
    memo: Annotated[str, StringConstraints(max_length=500)] | None = None


class EntryCreate(BaseModel):
    entry_date: date
    memo: Memo
    lines: list[LineIn] = Field(min_length=2, max_length=500)


class LinePublic(BaseModel):
    line_no: int
    account_code: str
    unit_id: uuid.UUID
    debit: Money
    credit: Money
    economic_class: str | None
    fund_source: str | None
    memo: str | None


class EntryPublic(BaseModel):
    id: uuid.UUID
    number: int
    entry_date: date
    memo: str
    source: EntrySource
    source_ref: str | None
    reverses_id: uuid.UUID | None
    reversed_by_id: uuid.UUID | None = None
    posted_by: str
    posted_at: datetime
    total: Money
    lines: list[LinePublic]


class ReversalCreate(BaseModel):
    reason: Reason
    entry_date: date | None = Field(
        default=None, description="Day of the reversal (default today); its month must be open"
    )


class BalanceRow(BaseModel):
    account_code: str
    account_name: str
    category: Category
    unit_id: uuid.UUID | None = None
    debit_total: Money
    credit_total: Money
    balance: SignedMoney = Field(description="On the account's normal side (may be negative)")


class TrialBalance(BaseModel):
    as_of: date
    unit_id: uuid.UUID | None
    rows: list[BalanceRow]
    debit_total: Money
    credit_total: Money
    balanced: bool


class DepreciationPosted(BaseModel):
    """The payload of ``depreciation.posted`` (from assets): a unit's depreciation for a month,
    in all and by GB/T 14885 category."""

    unit_id: uuid.UUID
    period: Annotated[str, StringConstraints(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$")]
    entry_date: date
    amount: Amount
    by_category: dict[Annotated[str, StringConstraints(pattern=r"^[0-9]{7}$")], Amount] = Field(
        min_length=1, max_length=200
    )


class AssetDisposed(BaseModel):
    """The payload of ``asset.disposed`` (from assets): a disposed fixed asset to write off,
    with its value and the depreciation accumulated on it."""

    unit_id: uuid.UUID
    asset_id: uuid.UUID
    number: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    disposed_on: date
    value: Amount
    accumulated_depreciation: Money
