"""API shapes of leases, their invoices and payments, and the arrears and expiry reports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from services.assets.leases.models import InvoiceStatus, LeaseStatus
from services.assets.realestate.schemas import Area, Code
from shared.money import Amount, Money, two_places
from shared.patching import Patch
from shared.text import Line100, Line200, Line500, Name

# 统一社会信用代码: 18 characters of digits and capitals without I, O, S, V, Z
CreditCode = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"),
]
# the yearly escalation of the rent, in per cent: 0 … 99.99
Percent = Annotated[
    Decimal,
    *two_places(r"(0|[1-9][0-9]?)(\.[0-9]{1,2})?", "a percentage", "3.00", "per cent, 0 to 99.99"),
]
# rent per m² per month: 0.01 … 99999.99 yuan (a month's rent must fit an amount of money)
RentPerM2 = Annotated[
    Decimal,
    *two_places(
        r"0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,4}(\.[0-9]{1,2})?",
        "a rent per m²",
        "80.00",
        "yuan per m² per month, 0.01 to 99999.99",
    ),
]
RoomIds = Annotated[list[uuid.UUID], Field(min_length=1, max_length=50)]


class LeaseCreate(BaseModel):
    code: Code = Field(description="The contract number (合同编号), unique")
    tenant_name: Name
    tenant_credit_code: CreditCode = Field(description="统一社会信用代码")
    tenant_contact: Line200
    room_ids: RoomIds = Field(description="The rooms let: operating space with an operator")
    starts_on: date
    ends_on: date = Field(description="The term's last day (included); at most 20 years")
    rent_per_m2: RentPerM2 = Field(description="Rent per m² per month in the first year")
    escalation_pct: Percent = Field(
        default=Decimal("0.00"), description="Added to the rent after each whole year"
    )
    deposit: Money
    market_rent_per_m2: RentPerM2 = Field(description="Market rent per m² per month (reference)")


class LeaseUpdate(Patch):
    code: Code | None = None
    tenant_name: Name | None = None
    tenant_credit_code: CreditCode | None = None
    tenant_contact: Line200 | None = None
    room_ids: RoomIds | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    rent_per_m2: RentPerM2 | None = None
    escalation_pct: Percent | None = None
    deposit: Money | None = None
    market_rent_per_m2: RentPerM2 | None = None


class LeasePublic(BaseModel):
    id: uuid.UUID
    code: str
    tenant_name: str
    tenant_credit_code: str
    tenant_contact: str
    room_ids: list[uuid.UUID]
    area_m2: Area = Field(description="The rooms' area (leasable area)")
    starts_on: date
    ends_on: date
    rent_per_m2: RentPerM2
    escalation_pct: Percent
    deposit: Money
    market_rent_per_m2: RentPerM2
    monthly_rent: Money = Field(description="area × rent per m², the first year's month")
    status: LeaseStatus = Field(description="expired: active and its term has ended")
    revenue_unit_id: uuid.UUID | None = Field(
        description="The budget unit holding the operation right: its rent is its revenue"
    )
    occupied_to: date | None
    approved_by: str | None
    approved_at: datetime | None
    terminated_on: date | None
    termination_reason: str | None
    version: int


class Approval(BaseModel):
    note: Line500 | None = None


class Rejection(BaseModel):
    reason: Line500


class Termination(BaseModel):
    terminated_on: date = Field(description="The last day the rooms are let")
    reason: Line500


class InvoicePublic(BaseModel):
    lease_id: uuid.UUID
    seq: int
    period_start: date
    period_end: date
    due_on: date
    amount: Money
    status: InvoiceStatus
    paid_on: date | None
    payment_reference: str | None
    revenue_event_id: uuid.UUID | None
    version: int


class PaymentCreate(BaseModel):
    paid_on: date = Field(description="The day the rent came in; never in the future")
    amount: Amount = Field(description="The invoice's amount, in full")
    reference: Line100 | None = Field(default=None, description="The bank's reference")


class ArrearsRow(BaseModel):
    lease_id: uuid.UUID
    code: str
    tenant_name: str
    invoices: int
    days_1_30: Money
    days_31_60: Money
    days_61_90: Money
    over_90: Money
    total: Money
    oldest_due_on: date


class ArrearsTotals(BaseModel):
    invoices: int
    days_1_30: Money
    days_31_60: Money
    days_61_90: Money
    over_90: Money
    total: Money


class ArrearsReport(BaseModel):
    """Unpaid invoices past their due day on ``as_of``, by age in days."""

    as_of: date
    rows: list[ArrearsRow]
    totals: ArrearsTotals


class ExpiringLease(BaseModel):
    lease_id: uuid.UUID
    code: str
    tenant_name: str
    ends_on: date
    days_left: int
    threshold: Literal[90, 60, 30] = Field(description="The nearest warning threshold reached")


class ExpiryReport(BaseModel):
    """Active leases whose term ends within 90 days of ``as_of``, the soonest first."""

    as_of: date
    items: list[ExpiringLease]
