"""Budget tables: what a unit may spend, by when, and how much of it is taken.

Each row carries its own ``committed`` (reserved by approved payments) and ``paid``
(consumed by settled ones); a database check keeps ``committed + paid <= amount`` whatever
the code does, and ``available = amount - committed - paid``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.types import Money, UTCDateTime, utcnow

_WITHIN = "committed >= 0 AND paid >= 0 AND committed + paid <= amount"


class Appropriation(SQLModel, table=True):
    """A budget line: year × unit × economic classification × fund source (预算指标)."""

    __tablename__ = "finance_appropriation"
    __table_args__ = (
        UniqueConstraint("fiscal_year", "unit_id", "economic_class", "fund_source"),
        CheckConstraint(_WITHIN, name="ck_finance_appropriation_within"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    fiscal_year: int = Field(index=True)
    unit_id: uuid.UUID = Field(foreign_key="finance_budget_unit.id", index=True)
    economic_class: str = Field(foreign_key="finance_economic_class.code", max_length=10)
    fund_source: str = Field(foreign_key="finance_fund_source.code", max_length=20)
    amount: Decimal = Field(sa_type=Money())
    committed: Decimal = Field(default=Decimal(0), sa_type=Money())
    paid: Decimal = Field(default=Decimal(0), sa_type=Money())
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class AppropriationChange(SQLModel, table=True):
    """The history of a budget line: its first amount and every adjustment, with reasons."""

    __tablename__ = "finance_appropriation_change"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    appropriation_id: uuid.UUID = Field(foreign_key="finance_appropriation.id", index=True)
    delta: Decimal = Field(sa_type=Money())
    amount_after: Decimal = Field(sa_type=Money())
    reason: str = Field(sa_column=Column(Text, nullable=False))
    changed_by: str = Field(max_length=200)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class PaymentPlan(SQLModel, table=True):
    """A month's share of a budget line (用款计划): payments of that month draw on it."""

    __tablename__ = "finance_payment_plan"
    __table_args__ = (
        UniqueConstraint("appropriation_id", "month"),
        CheckConstraint(_WITHIN, name="ck_finance_payment_plan_within"),
        CheckConstraint("month >= 1 AND month <= 12", name="ck_finance_payment_plan_month"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    appropriation_id: uuid.UUID = Field(foreign_key="finance_appropriation.id", index=True)
    month: int
    amount: Decimal = Field(sa_type=Money())
    committed: Decimal = Field(default=Decimal(0), sa_type=Money())
    paid: Decimal = Field(default=Decimal(0), sa_type=Money())
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class Quota(SQLModel, table=True):
    """A unit's monthly quota (用款额度) on its zero-balance account: authorized payments of
    that month draw on it, on top of their budget line and plan."""

    __tablename__ = "finance_quota"
    __table_args__ = (
        UniqueConstraint("unit_id", "fiscal_year", "month"),
        CheckConstraint(_WITHIN, name="ck_finance_quota_within"),
        CheckConstraint("month >= 1 AND month <= 12", name="ck_finance_quota_month"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    unit_id: uuid.UUID = Field(foreign_key="finance_budget_unit.id", index=True)
    fiscal_year: int
    month: int
    amount: Decimal = Field(sa_type=Money())
    committed: Decimal = Field(default=Decimal(0), sa_type=Money())
    paid: Decimal = Field(default=Decimal(0), sa_type=Money())
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
