"""API shapes of claims, their trips, lines and receipts, and the claims reports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from services.finance.claims.models import ClaimStatus, Flag, LineKind
from services.finance.payments.models import PaymentStatus
from services.finance.payments.schemas import Reason
from services.finance.standards.schemas import Cabin, CityClass, CityName, TrainSeat
from shared.money import Amount, Money
from shared.text import Line140, Line200, Line500

ReceiptNumber = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z][0-9A-Z-]{0,39}$")]
Reference = Annotated[str, StringConstraints(pattern=r"^[!-~]{1,500}$")]
MAX_TRIPS = 20


class Receipt(BaseModel):
    """A receipt's metadata (发票): its number is claimed once, by anyone."""

    number: ReceiptNumber = Field(description="The receipt's number (digits, capitals, -)")
    issued_on: date
    issuer: Line140
    amount: Amount
    attachment: Reference | None = Field(
        default=None, description="Where the scanned receipt is kept (a document store key)"
    )


class Trip(BaseModel):
    """One journey: where to, the days away (both counted), and the class travelled."""

    city: CityName
    depart_on: date
    return_on: date
    train_seat: TrainSeat | None = None
    flight_cabin: Cabin | None = None


class Line(BaseModel):
    kind: LineKind
    trip: int | None = Field(
        default=None,
        ge=0,
        lt=MAX_TRIPS,
        description="The trip a travel line belongs to (its position in ``trips``, from 0)",
    )
    description: Annotated[Line200, StringConstraints(min_length=2)]
    amount: Amount
    receipts: list[Receipt] = Field(default_factory=list, max_length=50)


class ClaimContent(BaseModel):
    purpose: Annotated[Line500, StringConstraints(min_length=2)]
    payee_account: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{4,34}$")] = Field(
        description="The claimant's account the claim is paid to"
    )
    payee_bank: Line140
    trips: list[Trip] = Field(default_factory=list, max_length=MAX_TRIPS)
    lines: list[Line] = Field(min_length=1, max_length=100)


class ClaimCreate(ClaimContent):
    staff_id: uuid.UUID | None = Field(
        default=None,
        description="The claimant: a liaison names one of its unit's staff; staff claim for "
        "themselves (default)",
    )


class ExceptionGrant(BaseModel):
    reason: Reason


class ClaimApproval(BaseModel):
    appropriation_id: uuid.UUID = Field(
        description="The unit's budget line that pays: 30211 for a claim with trips, a 302 "
        "class otherwise"
    )


class ReceiptPublic(Receipt):
    id: uuid.UUID


class TripPublic(Trip):
    city_class: CityClass | None


class LinePublic(BaseModel):
    id: uuid.UUID
    kind: LineKind
    trip: int | None
    description: str
    amount: Money
    cap: Money | None
    payable: Money
    flag: Flag | None
    trace: list[dict[str, str]]
    exception_by: str | None
    exception_at: datetime | None
    exception_reason: str | None
    receipts: list[ReceiptPublic]


class ClaimPublic(BaseModel):
    id: uuid.UUID
    number: int
    staff_id: uuid.UUID
    staff_name: str
    unit_id: uuid.UUID
    purpose: str
    payee_account: str
    payee_bank: str
    status: ClaimStatus
    claimed: Money
    payable: Money
    prepared_by: str
    submitted_by: str | None
    submitted_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    decided_reason: str | None
    payment_id: uuid.UUID | None
    payment_status: PaymentStatus | None = Field(
        description="its payment's state: `pending_director` while a director must approve it"
    )
    paid_on: date | None
    version: int
    trips: list[TripPublic]
    lines: list[LinePublic]


class ClaimSummary(BaseModel):
    """A claim in a list (without its trips and lines)."""

    id: uuid.UUID
    number: int
    staff_id: uuid.UUID
    staff_name: str
    unit_id: uuid.UUID
    purpose: str
    status: ClaimStatus
    claimed: Money
    payable: Money
    submitted_at: datetime | None
    version: int


class UnitMonth(BaseModel):
    unit_id: uuid.UUID
    month: str = Field(description="YYYY-MM of submission")
    count: int
    claimed: Money
    payable: Money


class GrantedException(BaseModel):
    claim_id: uuid.UUID
    claim_number: int
    staff_id: uuid.UUID
    staff_name: str
    unit_id: uuid.UUID
    line_id: uuid.UUID
    kind: LineKind
    flag: Flag | None
    amount: Money
    cap: Money | None
    granted_by: str
    granted_at: datetime
    reason: str


class TopClaimant(BaseModel):
    staff_id: uuid.UUID
    staff_name: str
    unit_id: uuid.UUID
    count: int
    claimed: Money
    payable: Money
