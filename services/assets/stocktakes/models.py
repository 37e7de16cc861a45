"""Tables of the stocktakes (清查盘点).

A campaign's expected list is frozen when it starts: one row per card in its scope that was not
disposed, with where the card said the asset was. Scans are kept as posted (a client's scan id
is unique per campaign, so a batch posted twice adds nothing); tags nobody expected are kept
too, they are the surplus (盘盈). Proposals are the adjustments a reconciliation suggests.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.changes import VersionedColumns
from shared.types import UTCDateTime, utcnow


class ScopeKind(StrEnum):
    UNIT = "unit"  # the cards of one budget unit
    COMPOUND = "compound"  # the cards whose room lies in one compound
    ALL = "all"  # every card


class CampaignStatus(StrEnum):
    PLANNED = "planned"  # created, nothing frozen yet
    OPEN = "open"  # started: expected list frozen, scans taken
    CLOSED = "closed"  # every proposal decided; immutable


class Outcome(StrEnum):
    FOUND = "found"  # scanned in its expected room
    MISPLACED = "misplaced"  # scanned, but only in other rooms (found elsewhere)
    MISSING = "missing"  # not scanned
    SURPLUS = "surplus"  # 盘盈: a tag with no card in the expected list


class ProposalKind(StrEnum):
    RELOCATE = "relocate"  # a misplaced item: move the card to where it was found
    WRITE_OFF = "write_off"  # a missing item: dispose of the card (needs approval)
    NEW_CARD = "new_card"  # a surplus tag: register a card for it


class ProposalStatus(StrEnum):
    PENDING = "pending"
    APPLIED = "applied"  # a relocation or a new card, done
    APPROVED = "approved"  # a write-off, approved and done
    REJECTED = "rejected"


class Campaign(VersionedColumns, table=True):
    """One stocktake over a unit, a compound or everything, with its planned dates."""

    __tablename__ = "assets_stocktake"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=200)
    scope: ScopeKind = Field(sa_type=String(10))
    unit_id: uuid.UUID | None = Field(default=None, index=True)  # scope "unit"
    compound_id: uuid.UUID | None = Field(default=None, foreign_key="assets_compound.id")
    planned_start: date
    planned_end: date
    status: CampaignStatus = Field(default=CampaignStatus.PLANNED, sa_type=String(10), index=True)
    created_by: str = Field(max_length=100)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    started_by: str | None = Field(default=None, max_length=100)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    closed_by: str | None = Field(default=None, max_length=100)
    expected_count: int = 0


class ExpectedItem(SQLModel, table=True):
    """A card in the campaign's scope when it started, as the card said then."""

    __tablename__ = "assets_stocktake_expected"
    __table_args__ = (UniqueConstraint("campaign_id", "number"),)

    campaign_id: uuid.UUID = Field(foreign_key="assets_stocktake.id", primary_key=True)
    asset_id: uuid.UUID = Field(foreign_key="assets_asset.id", primary_key=True)
    number: str = Field(max_length=30)  # the tag the asset carries
    name: str = Field(max_length=200)
    room_id: uuid.UUID | None = None  # where the card said the asset was
    unit_id: uuid.UUID
    custodian_id: uuid.UUID | None = None


class Scan(SQLModel, table=True):
    """One tag read by a counter in a room; ``scan_id`` is made by the client, once a scan."""

    __tablename__ = "assets_stocktake_scan"
    __table_args__ = (Index("ix_assets_stocktake_scan_tag", "campaign_id", "tag", "room_id"),)

    campaign_id: uuid.UUID = Field(foreign_key="assets_stocktake.id", primary_key=True)
    scan_id: uuid.UUID = Field(primary_key=True)
    tag: str = Field(max_length=30)
    room_id: uuid.UUID = Field(foreign_key="assets_room.id")
    counter: str = Field(max_length=100)  # who scanned (as the client names them)
    scanned_at: datetime = Field(sa_type=UTCDateTime())
    posted_by: str = Field(max_length=100)  # the principal who posted the batch
    posted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class Proposal(VersionedColumns, table=True):
    """An adjustment a reconciliation proposes for one item (one per tag and campaign)."""

    __tablename__ = "assets_stocktake_proposal"
    __table_args__ = (UniqueConstraint("campaign_id", "tag"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    campaign_id: uuid.UUID = Field(foreign_key="assets_stocktake.id")
    kind: ProposalKind = Field(sa_type=String(10))
    tag: str = Field(max_length=30)
    asset_id: uuid.UUID | None = Field(default=None, foreign_key="assets_asset.id")
    from_room_id: uuid.UUID | None = None  # the card's room (relocate, write-off)
    to_room_id: uuid.UUID | None = None  # where it was found (relocate, new card)
    status: ProposalStatus = Field(default=ProposalStatus.PENDING, sa_type=String(10))
    proposed_by: str = Field(max_length=100)
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    reason: str | None = Field(default=None, max_length=500)  # a rejection's reason
    new_asset_id: uuid.UUID | None = Field(default=None, foreign_key="assets_asset.id")
