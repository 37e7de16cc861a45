"""API shapes of payroll: runs, payslips with their traced lines, unit totals, transfers
and their exceptions, salary accounts, pending adjustments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from services.finance.payroll.models import (
    LineKind,
    PayeeKind,
    RunStatus,
    SlipKind,
    TransferStatus,
)
from shared.money import Money, SignedMoney
from shared.text import Line140

Account = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{8,34}$")]


class RunCreate(BaseModel):
    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)
    unit_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="The budget units paid (null: all of them)"
    )


class RunPublic(BaseModel):
    id: uuid.UUID
    year: int
    month: int
    unit_ids: list[uuid.UUID] | None
    status: RunStatus
    slips: int
    gross: Money
    contributions: Money
    tax: Money
    net: Money
    created_by: str
    created_at: datetime
    computed_by: str | None
    computed_at: datetime | None
    approved_by: str | None
    approved_at: datetime | None
    paid_at: datetime | None
    closed_at: datetime | None
    version: int


class LinePublic(BaseModel):
    code: str
    kind: LineKind
    amount: SignedMoney
    standard_kind: str | None
    standard_version: int | None
    trace: str


class PayslipPublic(BaseModel):
    id: uuid.UUID
    run_id: uuid.UUID
    year: int
    month: int
    staff_id: uuid.UUID
    staff_no: str
    name: str
    unit_id: uuid.UUID
    kind: SlipKind
    rank_code: str
    step: int | None
    grade: str | None
    gross: SignedMoney
    contributions: Money
    tax: Money
    net: SignedMoney
    ytd_months: int
    ytd_income: SignedMoney
    ytd_contributions: Money
    ytd_tax: Money
    lines: list[LinePublic]


class UnitTotal(BaseModel):
    """A unit's totals in a run (what a unit liaison reads instead of payslips)."""

    unit_id: uuid.UUID
    slips: int
    gross: SignedMoney
    contributions: Money
    tax: Money
    net: SignedMoney


class TransferPublic(BaseModel):
    id: uuid.UUID
    run_id: uuid.UUID
    unit_id: uuid.UUID
    payee_kind: PayeeKind
    attempt: int
    staff_id: uuid.UUID | None
    payee_name: str
    account: str | None
    bank: str | None
    amount: Money
    status: TransferStatus
    instruction_id: str | None
    reason_code: str | None
    reason: str | None


class Repayment(BaseModel):
    """Re-pay an exception: to a corrected account (kept as the person's salary account), or
    to the account on file when none is given."""

    account: Account | None = None
    bank: Line140 | None = None


class SalaryAccountIn(BaseModel):
    account: Account
    bank: Line140


class SalaryAccountPublic(SalaryAccountIn):
    staff_id: uuid.UUID
    version: int


class SalaryAccountsIn(BaseModel):
    accounts: Annotated[list[SalaryAccountItem], Field(min_length=1, max_length=2000)]


class SalaryAccountItem(SalaryAccountIn):
    staff_id: uuid.UUID


class AccountsSet(BaseModel):
    set: int


class AdjustmentPublic(BaseModel):
    id: uuid.UUID
    staff_id: uuid.UUID
    for_year: int
    for_month: int
    amount: SignedMoney
    reason: str
    consumed_by: uuid.UUID | None
    created_at: datetime


SalaryAccountsIn.model_rebuild()
