"""The disposal table: a request to dispose of one asset, and its decision.

An asset has at most one open (``pending``) disposal: the partial unique index is the guard
behind the service's check.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Index, String, text
from sqlmodel import Field

from shared.changes import VersionedColumns
from shared.types import Money, UTCDateTime


class DisposalKind(StrEnum):
    SALE = "sale"  # 出售 (proceeds go to the treasury through finance)
    SCRAPPING = "scrapping"  # 报废
    TRANSFER_OUT = "transfer_out"  # 无偿调出
    DONATION = "donation"  # 对外捐赠
    WRITE_OFF = "write_off"  # 盘亏核销: a stocktake's missing item, recorded approved


class DisposalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


OPEN = "status = 'pending'"


class Disposal(VersionedColumns, table=True):
    """A disposal of ``asset_id`` (of ``unit_id`` when requested) on ``disposal_date``."""

    __tablename__ = "assets_disposal"
    __table_args__ = (
        Index(
            "uq_assets_disposal_open",
            "asset_id",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    asset_id: uuid.UUID = Field(foreign_key="assets_asset.id", index=True)
    unit_id: uuid.UUID = Field(index=True)
    kind: DisposalKind = Field(sa_type=String(20), index=True)
    reason: str = Field(max_length=500)
    disposal_date: date
    proceeds: Decimal | None = Field(default=None, sa_type=Money())
    counterparty: str | None = Field(default=None, max_length=200)
    status: DisposalStatus = Field(default=DisposalStatus.PENDING, sa_type=String(10), index=True)
    asset_status_before: str = Field(max_length=20)  # what a rejection gives back
    requested_by: str = Field(max_length=100)
    requested_at: datetime = Field(sa_type=UTCDateTime())
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    decision_note: str | None = Field(default=None, max_length=500)
    holder_unit_id: uuid.UUID | None = None  # the disposal right's holder that decided
    proceeds_event_id: uuid.UUID | None = None  # the revenue.received event of a sale
