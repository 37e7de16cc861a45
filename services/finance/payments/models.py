"""The payment request table.

A payment is *direct* (直接支付: the treasury pays the payee from the single treasury account)
or *authorized* (授权支付: paid from the unit's zero-balance account within its monthly
quota). It draws on one budget line, on that line's plan for the month it is due, and — if
authorized — on the unit's quota for that month.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from shared.types import Money, UTCDateTime, utcnow


class Method(StrEnum):
    DIRECT = "direct"  # 直接支付
    AUTHORIZED = "authorized"  # 授权支付


class PaymentStatus(StrEnum):
    REQUESTED = "requested"  # raised, waiting for a finance approver
    PENDING_DIRECTOR = "pending_director"  # approved once, above the threshold: needs a director
    APPROVED = "approved"  # funds reserved, ready to submit
    REJECTED = "rejected"  # refused by an approver or the director (funds released)
    CANCELLED = "cancelled"  # withdrawn before submission (funds released)
    SUBMITTING = "submitting"  # instruction written, the treasury has not confirmed it yet
    SUBMITTED = "submitted"  # the treasury received it
    ACCEPTED = "accepted"  # the treasury accepted it for settlement
    SETTLED = "settled"  # paid; the expense is posted
    FAILED = "failed"  # the treasury rejected it (reason code); funds released
    RETURNED = "returned"  # paid, then returned by the payee's bank; posting reversed


RESERVED = frozenset(
    {
        PaymentStatus.PENDING_DIRECTOR,
        PaymentStatus.APPROVED,
        PaymentStatus.SUBMITTING,
        PaymentStatus.SUBMITTED,
        PaymentStatus.ACCEPTED,
    }
)


class Payment(SQLModel, table=True):
    __tablename__ = "finance_payment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    number: int = Field(unique=True)
    unit_id: uuid.UUID = Field(foreign_key="finance_budget_unit.id", index=True)
    method: str = Field(max_length=20)
    payee_name: str = Field(max_length=140)
    payee_account: str = Field(max_length=34)
    payee_bank: str = Field(max_length=140)
    payee_bank_code: str | None = Field(default=None, max_length=12)
    amount: Decimal = Field(sa_type=Money())
    purpose: str = Field(max_length=500)
    due_on: date
    appropriation_id: uuid.UUID = Field(foreign_key="finance_appropriation.id", index=True)
    plan_id: uuid.UUID = Field(foreign_key="finance_payment_plan.id")
    quota_id: uuid.UUID | None = Field(default=None, foreign_key="finance_quota.id")
    economic_class: str = Field(max_length=10)
    fund_source: str = Field(max_length=20)
    expense_account: str = Field(foreign_key="finance_account.code", max_length=20)
    attachments: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default=PaymentStatus.REQUESTED, max_length=20, index=True)
    requested_by: str = Field(max_length=200)
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    approved_by: str | None = Field(default=None, max_length=200)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    director_approved_by: str | None = Field(default=None, max_length=200)
    director_approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    decided_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    instruction_id: str | None = Field(default=None, max_length=35, unique=True)
    reason_code: str | None = Field(default=None, max_length=10)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    settled_on: date | None = None
    entry_id: uuid.UUID | None = Field(default=None, foreign_key="finance_journal_entry.id")
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
