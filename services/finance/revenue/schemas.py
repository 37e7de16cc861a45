"""API shapes of revenue receipts and the unremitted-revenue report."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from services.finance.revenue.models import ReceiptStatus, RevenueKind
from shared.money import Amount, Money
from shared.text import Name


class ReceiptCreate(BaseModel):
    unit_id: uuid.UUID
    kind: RevenueKind
    amount: Amount
    received_on: date = Field(description="The day the money came in; never in the future")
    payer: Name
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = (
        None
    )


class ReceiptPublic(BaseModel):
    id: uuid.UUID
    number: int
    unit_id: uuid.UUID
    kind: RevenueKind
    amount: Money
    received_on: date
    payer: str
    reference: str | None
    source_event_id: uuid.UUID | None
    status: ReceiptStatus
    instruction_id: str | None
    remitted_on: date | None
    entry_id: uuid.UUID | None
    recorded_by: str
    recorded_at: datetime
    version: int


class AgingRow(BaseModel):
    unit_id: uuid.UUID
    unit_code: str
    receipts: int
    days_0_7: Money
    days_8_30: Money
    days_31_90: Money
    over_90: Money
    total: Money
    oldest_received_on: date


class AgingReport(BaseModel):
    as_of: date
    rows: list[AgingRow]
    total: Money
