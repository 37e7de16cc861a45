"""Tables of leases: the contract, the rooms it lets, and its monthly rent invoices.

Money is whole fen (``shared.types.Money``): rents per m² per month, the deposit, the market
rent the contract names and each invoice's amount. A lease is never deleted: a draft that is
not pursued is terminated.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.changes import VersionedColumns
from shared.types import Money, UTCDateTime


class LeaseStatus(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"  # below the market floor: awaits a director
    ACTIVE = "active"
    EXPIRED = "expired"  # shown for an active lease whose term has ended (never stored)
    TERMINATED = "terminated"


class InvoiceStatus(StrEnum):
    DUE = "due"
    PAID = "paid"
    CANCELLED = "cancelled"  # a period after the lease was terminated


class Lease(VersionedColumns, table=True):
    """A lease contract of one or more rooms for a term (``starts_on`` … ``ends_on``, both
    days included). ``occupied_to`` is the last day the rooms are let (the term's end, or the
    termination day) once the lease was activated, None before: overlaps are judged on it."""

    __tablename__ = "assets_lease"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=30, unique=True)  # the contract number (合同编号)
    tenant_name: str = Field(max_length=200)
    tenant_credit_code: str = Field(max_length=18)  # 统一社会信用代码
    tenant_contact: str = Field(max_length=200)
    starts_on: date = Field(index=True)
    ends_on: date = Field(index=True)
    area_m2: Decimal = Field(sa_type=Numeric(12, 2))  # the rooms' area, when last set
    rent_per_m2: Decimal = Field(sa_type=Money())  # per m² per month, in the first year
    escalation_pct: Decimal = Field(sa_type=Numeric(5, 2))  # added each whole year
    deposit: Decimal = Field(sa_type=Money())
    market_rent_per_m2: Decimal = Field(sa_type=Money())  # per m² per month, the reference
    status: LeaseStatus = Field(default=LeaseStatus.DRAFT, sa_type=String(20), index=True)
    revenue_unit_id: uuid.UUID | None = None  # the operator's budget unit, set at activation
    occupied_to: date | None = Field(default=None, index=True)
    approved_by: str | None = Field(default=None, max_length=100)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    terminated_on: date | None = None
    termination_reason: str | None = Field(default=None, max_length=500)


class LeaseRoom(SQLModel, table=True):
    __tablename__ = "assets_lease_room"

    lease_id: uuid.UUID = Field(foreign_key="assets_lease.id", primary_key=True)
    room_id: uuid.UUID = Field(foreign_key="assets_room.id", primary_key=True, index=True)


class LeaseInvoice(SQLModel, table=True):
    """The rent of one month of a lease (``seq`` 1, 2 …), due on ``due_on``; a payment marks
    it paid and carries the ``revenue.received`` event sent to finance for it."""

    __tablename__ = "assets_lease_invoice"
    __table_args__ = (UniqueConstraint("lease_id", "seq"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    lease_id: uuid.UUID = Field(foreign_key="assets_lease.id", index=True)
    seq: int
    period_start: date
    period_end: date  # included
    due_on: date = Field(index=True)
    amount: Decimal = Field(sa_type=Money())
    status: InvoiceStatus = Field(default=InvoiceStatus.DUE, sa_type=String(12), index=True)
    paid_on: date | None = None
    payment_reference: str | None = Field(default=None, max_length=100)
    paid_by: str | None = Field(default=None, max_length=100)
    revenue_event_id: uuid.UUID | None = None
    version: int = 1
