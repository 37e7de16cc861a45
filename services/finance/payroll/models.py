"""Payroll tables: a month's run, its payslips and their lines, the transfers that pay them,
the bank accounts salaries go to, and the adjustments (arrears, recoveries) a later run pays.

A person is on one payslip a month whatever the run (unique year, month, staff): nobody is
paid twice for a month. A transfer is one payee of a run (a person's net pay, or a unit's
withholding to the tax bureau, the social insurance agency or the housing fund centre); a
re-payment after a rejection is a new attempt of the same payee, the earlier one marked
``superseded``, and at most one attempt of a payee is open at a time.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.types import Money, UTCDateTime, utcnow


class RunStatus(StrEnum):
    DRAFT = "draft"  # created, nothing computed yet
    COMPUTED = "computed"  # payslips computed; may be recomputed until approved
    APPROVED = "approved"  # frozen; the units' budget lines hold its total
    PAID = "paid"  # every payee's transfer written to the treasury
    CLOSED = "closed"  # every transfer settled


class SlipKind(StrEnum):
    SERVING = "serving"  # 在职
    RETIREE = "retiree"  # 离退休


class LineKind(StrEnum):
    EARNING = "earning"
    DEDUCTION = "deduction"


class PayeeKind(StrEnum):
    STAFF = "staff"  # a person's net pay
    TAX = "tax"  # income tax withheld → the tax bureau
    SOCIAL_INSURANCE = "social_insurance"  # pension, medical, unemployment, annuity
    HOUSING_FUND = "housing_fund"  # → the housing fund centre


class TransferStatus(StrEnum):
    NO_ACCOUNT = "no_account"  # no salary account on file: an exception until one is
    SUBMITTING = "submitting"  # the instruction is written; the treasury has not answered
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    SETTLED = "settled"
    FAILED = "failed"  # rejected by the treasury: an exception to re-pay
    RETURNED = "returned"  # paid, then returned by the payee's bank: an exception to re-pay
    SUPERSEDED = "superseded"  # an exception re-paid by a later attempt


EXCEPTIONS = frozenset({TransferStatus.NO_ACCOUNT, TransferStatus.FAILED, TransferStatus.RETURNED})
OPEN = frozenset(
    {
        TransferStatus.NO_ACCOUNT,
        TransferStatus.SUBMITTING,
        TransferStatus.SUBMITTED,
        TransferStatus.ACCEPTED,
        TransferStatus.FAILED,
        TransferStatus.RETURNED,
    }
)


class PayrollRun(SQLModel, table=True):
    __tablename__ = "finance_payroll_run"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    year: int
    month: int
    # the budget units paid (None: all of them)
    unit_ids: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    status: str = Field(default=RunStatus.DRAFT, max_length=20, index=True)
    slips: int = 0
    gross: Decimal = Field(default=Decimal(0), sa_type=Money())
    contributions: Decimal = Field(default=Decimal(0), sa_type=Money())
    tax: Decimal = Field(default=Decimal(0), sa_type=Money())
    net: Decimal = Field(default=Decimal(0), sa_type=Money())
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    computed_by: str | None = Field(default=None, max_length=200)
    computed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    approved_by: str | None = Field(default=None, max_length=200)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class Payslip(SQLModel, table=True):
    __tablename__ = "finance_payslip"
    __table_args__ = (
        UniqueConstraint("year", "month", "staff_id"),
        Index("ix_finance_payslip_run_unit", "run_id", "unit_id"),
        Index("ix_finance_payslip_staff_year", "staff_id", "year", "month"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    run_id: uuid.UUID = Field(foreign_key="finance_payroll_run.id")
    year: int
    month: int
    staff_id: uuid.UUID
    staff_no: str = Field(max_length=20)
    name: str = Field(max_length=100)
    unit_id: uuid.UUID
    kind: str = Field(max_length=10)
    rank_code: str = Field(max_length=40)
    step: int | None = None
    grade: str | None = Field(default=None, max_length=30)
    grade_cycle_id: uuid.UUID | None = None
    grade_year: int | None = None  # the year of the annual cycle that graded it
    gross: Decimal = Field(sa_type=Money())
    contributions: Decimal = Field(sa_type=Money())
    tax: Decimal = Field(sa_type=Money())
    net: Decimal = Field(sa_type=Money())
    # the year so far, this month included (cumulative withholding reads them next month)
    ytd_months: int
    ytd_income: Decimal = Field(sa_type=Money())
    ytd_contributions: Decimal = Field(sa_type=Money())
    ytd_tax: Decimal = Field(sa_type=Money())
    account: str | None = Field(default=None, max_length=34)
    bank: str | None = Field(default=None, max_length=140)


class PayslipLine(SQLModel, table=True):
    """One line of a payslip, with the trace of what produced it."""

    __tablename__ = "finance_payslip_line"

    slip_id: uuid.UUID = Field(foreign_key="finance_payslip.id", primary_key=True)
    position: int = Field(primary_key=True)
    run_id: uuid.UUID = Field(foreign_key="finance_payroll_run.id", index=True)
    code: str = Field(max_length=30)
    kind: str = Field(max_length=10)
    amount: Decimal = Field(sa_type=Money())  # signed: a recovery is negative
    standard_kind: str | None = Field(default=None, max_length=30)
    standard_version: int | None = None
    trace: str = Field(max_length=300)


class SalaryAccount(SQLModel, table=True):
    """The bank account a person's net pay goes to (工资卡), kept by finance."""

    __tablename__ = "finance_salary_account"

    staff_id: uuid.UUID = Field(primary_key=True)
    account: str = Field(max_length=34)
    bank: str = Field(max_length=140)
    version: int = 1
    updated_by: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class PayrollTransfer(SQLModel, table=True):
    __tablename__ = "finance_payroll_transfer"
    __table_args__ = (
        UniqueConstraint("run_id", "payee_key", "attempt"),
        Index("ix_finance_payroll_transfer_run_status", "run_id", "status"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    run_id: uuid.UUID = Field(foreign_key="finance_payroll_run.id")
    unit_id: uuid.UUID
    payee_kind: str = Field(max_length=20)
    # the staff id, or ``<unit>:<kind>`` for a unit's withholding
    payee_key: str = Field(max_length=80)
    attempt: int = 1
    staff_id: uuid.UUID | None = None
    payee_name: str = Field(max_length=140)
    account: str | None = Field(default=None, max_length=34)
    bank: str | None = Field(default=None, max_length=140)
    amount: Decimal = Field(sa_type=Money())
    status: str = Field(max_length=20, index=True)
    instruction_id: str | None = Field(default=None, max_length=35, unique=True)
    reason_code: str | None = Field(default=None, max_length=10)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    entry_id: uuid.UUID | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class PayAdjustment(SQLModel, table=True):
    """Arrears (positive) or a recovery (negative) owed for a month already paid, because a
    grade came late or was revised; the next approved run of the person pays it, once."""

    __tablename__ = "finance_pay_adjustment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # ``<result id>:<revision>:<year>-<month>``: one adjustment per grade state and month
    source_key: str = Field(max_length=120, unique=True)
    staff_id: uuid.UUID = Field(index=True)
    for_year: int
    for_month: int
    slip_id: uuid.UUID = Field(foreign_key="finance_payslip.id")
    amount: Decimal = Field(sa_type=Money())
    reason: str = Field(sa_column=Column(Text, nullable=False))
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    consumed_by: uuid.UUID | None = Field(default=None, foreign_key="finance_payroll_run.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
