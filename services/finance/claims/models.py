"""Claim tables: a claim, its trips, its lines and their receipts.

A claim belongs to one member of staff (the claimant) and is paid from the unit they served
in when it was raised. Its lines carry what the checks on submission found: the cap of the
standard, the payable amount and the flag, and a director's exception where granted. A
receipt's ``live_number`` is its number while its claim is alive (neither withdrawn nor
rejected): unique, the second guard against a receipt claimed twice.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from shared.changes import VersionedColumns
from shared.types import Money, UTCDateTime


class ClaimStatus(StrEnum):
    DRAFT = "draft"  # being written; receipts already reserved
    SUBMITTED = "submitted"  # checked against the standards, waiting for a finance approver
    APPROVED = "approved"  # approved: its payment is requested and its money reserved
    PAID = "paid"  # its payment settled
    REJECTED = "rejected"  # refused by a finance approver or a director
    WITHDRAWN = "withdrawn"  # taken back by the claimant or whoever prepared it


ENDED = frozenset({ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN})
COUNTED = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PAID)


class LineKind(StrEnum):
    LODGING = "lodging"  # 住宿费: capped per night by rank and city class
    MEALS = "meals"  # 伙食补助费: a per diem by city class
    LOCAL_TRANSPORT = "local_transport"  # 市内交通费: a per diem
    TRANSPORT = "transport"  # 城市间交通费: a ticket, checked against the rank's class
    OTHER = "other"  # anything else, with its receipts


class Flag(StrEnum):
    OVER_LODGING_CAP = "OVER_LODGING_CAP"
    OVER_PER_DIEM = "OVER_PER_DIEM"
    CLASS_ABOVE_STANDARD = "CLASS_ABOVE_STANDARD"


class Claim(VersionedColumns, table=True):
    __tablename__ = "finance_claim"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    number: int = Field(unique=True)
    staff_id: uuid.UUID = Field(index=True)
    staff_name: str = Field(max_length=100)
    unit_id: uuid.UUID = Field(index=True)
    purpose: str = Field(max_length=500)
    payee_account: str = Field(max_length=34)
    payee_bank: str = Field(max_length=140)
    status: str = Field(default=ClaimStatus.DRAFT, max_length=20, index=True)
    claimed: Decimal = Field(default=Decimal(0), sa_type=Money())
    payable: Decimal = Field(default=Decimal(0), sa_type=Money())
    prepared_by: str = Field(max_length=200)
    submitted_by: str | None = Field(default=None, max_length=200)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime(), index=True)
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    decided_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    payment_id: uuid.UUID | None = Field(
        default=None, foreign_key="finance_payment.id", unique=True
    )
    paid_on: date | None = None


class ClaimTrip(SQLModel, table=True):
    __tablename__ = "finance_claim_trip"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    claim_id: uuid.UUID = Field(foreign_key="finance_claim.id", index=True)
    position: int
    city: str = Field(max_length=40)
    depart_on: date
    return_on: date
    train_seat: str | None = Field(default=None, max_length=20)
    flight_cabin: str | None = Field(default=None, max_length=20)
    city_class: str | None = Field(default=None, max_length=20)  # found on submission


class ClaimLine(SQLModel, table=True):
    __tablename__ = "finance_claim_line"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    claim_id: uuid.UUID = Field(foreign_key="finance_claim.id", index=True)
    position: int
    kind: str = Field(max_length=20)
    trip: int | None = None  # the trip's position (travel lines)
    description: str = Field(max_length=200)
    amount: Decimal = Field(sa_type=Money())
    cap: Decimal | None = Field(default=None, sa_type=Money())  # the standard's (None: no cap)
    payable: Decimal = Field(default=Decimal(0), sa_type=Money())
    flag: str | None = Field(default=None, max_length=40)
    trace: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    exception_by: str | None = Field(default=None, max_length=200)
    exception_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    exception_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ClaimReceipt(SQLModel, table=True):
    __tablename__ = "finance_claim_receipt"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    claim_id: uuid.UUID = Field(foreign_key="finance_claim.id", index=True)
    line_id: uuid.UUID = Field(foreign_key="finance_claim_line.id", index=True)
    number: str = Field(max_length=40, index=True)
    live_number: str | None = Field(default=None, max_length=40, unique=True)
    issued_on: date
    issuer: str = Field(max_length=140)
    amount: Decimal = Field(sa_type=Money())
    attachment: str | None = Field(default=None, max_length=500)
