"""Tables of the asset register: the card (资产卡片) and its lifecycle records.

Money is kept in whole fen (``shared.types.Money``). ``value`` is the card's current cost
basis: the original value until a revaluation changes it. Depreciation keeps
``accumulated_depreciation`` and ``depreciated_months`` on the card, so a monthly run reads
and writes one row per asset and nothing else.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from shared.changes import VersionedColumns
from shared.types import Money, UTCDateTime, utcnow


class AssetStatus(StrEnum):
    IN_USE = "in_use"  # 在用
    IDLE = "idle"  # 闲置
    PENDING_DISPOSAL = "pending_disposal"  # 待处置 (a disposal awaits its approval)
    DISPOSED = "disposed"  # 已处置 (sold, scrapped, transferred out, donated, written off)


class FundSource(StrEnum):
    FISCAL = "fiscal"  # 财政拨款
    NON_FISCAL = "non_fiscal"  # 非财政拨款 (the unit's own funds)
    DONATION = "donation"  # 接受捐赠
    TRANSFER_IN = "transfer_in"  # 无偿调入
    SURPLUS = "surplus"  # 盘盈 (a stocktake found it without a card)
    OTHER = "other"


class EventKind(StrEnum):
    ACQUIRED = "acquired"  # 取得
    MOVED = "moved"  # 变更保管人或存放地点
    TRANSFERRED = "transferred"  # 调拨 (to another budget unit)
    REVALUED = "revalued"  # 重估
    DISPOSAL_REQUESTED = "disposal_requested"
    DISPOSAL_REJECTED = "disposal_rejected"
    DISPOSED = "disposed"  # 处置
    CORRECTED = "corrected"  # a card's descriptive fields corrected


class Asset(VersionedColumns, table=True):
    """One asset card. ``number`` is unique and printable: it is the tag's and the QR code's
    payload that stocktake scans carry."""

    __tablename__ = "assets_asset"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    number: str = Field(max_length=30, unique=True)
    category_code: str = Field(foreign_key="assets_category.code", max_length=7, index=True)
    name: str = Field(max_length=200)
    specification: str | None = Field(default=None, max_length=200)  # 规格型号
    unit_id: uuid.UUID = Field(index=True)  # the owning budget unit (personnel's id)
    custodian_id: uuid.UUID | None = Field(default=None, index=True)  # personnel's staff id
    room_id: uuid.UUID | None = Field(default=None, foreign_key="assets_room.id", index=True)
    acquired_on: date
    original_value: Decimal = Field(sa_type=Money())  # 原值 at acquisition
    value: Decimal = Field(sa_type=Money())  # the cost basis now (after revaluations)
    accumulated_depreciation: Decimal = Field(default=Decimal("0.00"), sa_type=Money())
    depreciated_months: int = 0
    fund_source: FundSource = Field(sa_type=String(20))
    payment_id: uuid.UUID | None = None  # the finance payment it was bought with
    status: AssetStatus = Field(default=AssetStatus.IN_USE, sa_type=String(20), index=True)
    disposed_on: date | None = None


class AssetEvent(SQLModel, table=True):
    """One step of an asset's life: who, when, why, and what changed. A transfer names both
    units (``unit_id`` gave, ``other_unit_id`` received), so both liaisons see it."""

    __tablename__ = "assets_asset_event"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    asset_id: uuid.UUID = Field(foreign_key="assets_asset.id", index=True)
    kind: EventKind = Field(sa_type=String(24), index=True)
    occurred_on: date  # the day it took effect (a transfer's or a disposal's date)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    by: str = Field(max_length=100)  # the principal (``sub``)
    reason: str = Field(max_length=500)
    unit_id: uuid.UUID = Field(index=True)
    other_unit_id: uuid.UUID | None = Field(default=None, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
