"""Revenue receipts: rents from leased assets, disposal proceeds, fees.

A receipt is money the unit holds for the treasury, not money it may spend: it is booked to
the revenue collection account (100201) against revenue owed to the treasury (2103), both
restricted accounts no payment or hand-made entry can touch, and it leaves only by a
remittance of the full amount through the treasury.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlmodel import Field, SQLModel

from shared.types import Money, UTCDateTime, utcnow


class RevenueKind(StrEnum):
    RENT = "rent"  # 租金 (leases of operating assets)
    DISPOSAL = "disposal"  # 资产处置收入
    FEE = "fee"  # 行政事业性收费
    OTHER = "other"


class ReceiptStatus(StrEnum):
    UNREMITTED = "unremitted"
    REMITTING = "remitting"  # a remittance instruction is with the treasury
    REMITTED = "remitted"


class RevenueReceipt(SQLModel, table=True):
    __tablename__ = "finance_revenue_receipt"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    number: int = Field(unique=True)
    unit_id: uuid.UUID = Field(foreign_key="finance_budget_unit.id", index=True)
    kind: str = Field(max_length=20)
    amount: Decimal = Field(sa_type=Money())
    received_on: date = Field(index=True)
    payer: str = Field(max_length=200)
    reference: str | None = Field(default=None, max_length=100)
    source_event_id: uuid.UUID | None = Field(default=None, unique=True)
    status: str = Field(default=ReceiptStatus.UNREMITTED, max_length=20, index=True)
    remittances: int = 0  # remittance attempts (each has its own instruction id)
    instruction_id: str | None = Field(default=None, max_length=35)
    remitted_on: date | None = None
    entry_id: uuid.UUID | None = Field(default=None, foreign_key="finance_journal_entry.id")
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
