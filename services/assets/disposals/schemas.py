"""API shapes of disposals (the table is in ``models``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from services.assets.disposals.models import DisposalKind, DisposalStatus
from shared.money import Amount, Money
from shared.text import Line500, Name


class DisposalCreate(BaseModel):
    asset_id: uuid.UUID
    kind: DisposalKind
    reason: Line500
    disposal_date: date = Field(description="The day the asset leaves; never in the future")
    proceeds: Amount | None = Field(
        default=None, description="What a sale brings in (required for a sale, else refused)"
    )
    counterparty: Name | None = Field(
        default=None, description="The buyer or recipient (required unless scrapping)"
    )


class DisposalRejection(BaseModel):
    reason: Line500


class DisposalPublic(BaseModel):
    id: uuid.UUID
    asset_id: uuid.UUID
    unit_id: uuid.UUID
    kind: DisposalKind
    reason: str
    disposal_date: date
    proceeds: Money | None
    counterparty: str | None
    status: DisposalStatus
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    holder_unit_id: uuid.UUID | None
    proceeds_event_id: uuid.UUID | None = Field(
        description="The revenue.received event that takes a sale's proceeds to finance"
    )
    version: int
