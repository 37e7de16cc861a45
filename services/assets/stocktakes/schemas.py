"""API shapes of the stocktakes (the tables are in ``models``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field

from services.assets.register.schemas import AssetNumber, CategoryCode
from services.assets.stocktakes.models import (
    CampaignStatus,
    Outcome,
    ProposalKind,
    ProposalStatus,
    ScopeKind,
)
from shared.money import Amount
from shared.patching import Patch
from shared.text import Line100, Line200, Line500

MAX_BATCH = 500


class CampaignCreate(BaseModel):
    name: Line200
    scope: ScopeKind
    unit_id: uuid.UUID | None = Field(default=None, description="the unit (scope ``unit``)")
    compound_id: uuid.UUID | None = Field(
        default=None, description="the compound (scope ``compound``)"
    )
    planned_start: date
    planned_end: date


class CampaignUpdate(Patch):
    name: Line200 | None = None
    planned_start: date | None = None
    planned_end: date | None = None


class CampaignPublic(BaseModel):
    id: uuid.UUID
    name: str
    scope: ScopeKind
    unit_id: uuid.UUID | None
    compound_id: uuid.UUID | None
    planned_start: date
    planned_end: date
    status: CampaignStatus
    created_by: str
    started_at: datetime | None
    started_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    expected_count: int
    version: int


class ScanIn(BaseModel):
    scan_id: uuid.UUID = Field(description="made by the client, once per scan")
    tag: Annotated[AssetNumber, Field(description="the card's number its tag carries")]
    room_id: uuid.UUID = Field(description="the room it was found in")
    counter: Line100 = Field(description="who scanned it")
    scanned_at: AwareDatetime


class ScanBatch(BaseModel):
    scans: list[ScanIn] = Field(min_length=1, max_length=MAX_BATCH)


class ScanReceipt(BaseModel):
    received: int
    new: int = Field(description="scans not seen before, now kept")
    repeated: int = Field(description="scan ids seen before (or twice in the batch): no change")


class ResultPublic(BaseModel):
    outcome: Outcome
    tag: str
    asset_id: uuid.UUID | None = Field(description="None for a surplus tag")
    name: str | None
    expected_room_id: uuid.UUID | None
    found_room_id: uuid.UUID | None = Field(description="where it was last scanned")
    unit_id: uuid.UUID | None
    custodian_id: uuid.UUID | None
    scans: int


class ResultSummary(BaseModel):
    campaign_id: uuid.UUID
    status: CampaignStatus
    expected: int
    scans: int
    found: int
    misplaced: int
    missing: int
    surplus: int


class ReconcileReceipt(BaseModel):
    created: int
    kept: int = Field(description="pending proposals that still hold")
    withdrawn: int = Field(description="pending proposals the scans since made moot")
    pending: int


class ProposalPublic(BaseModel):
    id: uuid.UUID
    campaign_id: uuid.UUID
    kind: ProposalKind
    tag: str
    asset_id: uuid.UUID | None
    from_room_id: uuid.UUID | None
    to_room_id: uuid.UUID | None
    status: ProposalStatus
    proposed_by: str
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    new_asset_id: uuid.UUID | None
    version: int


class SurplusCard(BaseModel):
    """What the officer says of a surplus item, to register its card (numbered by its tag)."""

    category_code: CategoryCode
    name: Line200
    specification: Line200 | None = None
    unit_id: uuid.UUID
    value: Amount


class Rejection(BaseModel):
    reason: Line500
