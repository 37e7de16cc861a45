"""API shapes of payment requests."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from services.finance.payments.models import Method, PaymentStatus
from shared.money import Amount, Money
from shared.text import Line140, Line200, Line500, Prose2000

Reason = Annotated[Prose2000, StringConstraints(min_length=3)]


class Attachment(BaseModel):
    """Metadata of a supporting document (the file itself lives in the document store)."""

    name: Line200
    media_type: Annotated[str, StringConstraints(pattern=r"^[\w.+-]+/[\w.+-]+$", max_length=100)]
    size: int = Field(ge=0, le=1024**3)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    uri: Annotated[str, StringConstraints(max_length=500)] | None = None


class PaymentCreate(BaseModel):
    unit_id: uuid.UUID
    method: Method
    appropriation_id: uuid.UUID = Field(description="The budget line that pays")
    payee_name: Line140
    payee_account: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z-]{4,34}$")
    ]
    payee_bank: Line140
    payee_bank_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")] | None = Field(
        default=None, description="CNAPS code of the payee's bank (12 digits)"
    )
    amount: Amount
    purpose: Annotated[Line500, StringConstraints(min_length=2)]
    due_on: date | None = Field(
        default=None, description="Day it is to be paid (default today); its month's plan pays"
    )
    expense_account: Annotated[str, StringConstraints(pattern=r"^[0-9]{4,20}$")] = "5001"
    attachments: list[Attachment] = Field(default_factory=list, max_length=50)


class BatchRequest(BaseModel):
    payment_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=5000)]


class Decision(BaseModel):
    reason: Reason


class PaymentPublic(BaseModel):
    id: uuid.UUID
    number: int
    unit_id: uuid.UUID
    method: Method
    payee_name: str
    payee_account: str
    payee_bank: str
    payee_bank_code: str | None
    amount: Money
    purpose: str
    due_on: date
    appropriation_id: uuid.UUID
    economic_class: str
    fund_source: str
    expense_account: str
    attachments: list[Attachment]
    status: PaymentStatus
    needs_director: bool
    requested_by: str
    requested_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    director_approved_by: str | None
    director_approved_at: datetime | None
    decided_reason: str | None
    instruction_id: str | None
    reason_code: str | None
    reason: str | None
    settled_on: date | None
    entry_id: uuid.UUID | None
    version: int
