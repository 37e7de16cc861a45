"""API shapes of the asset register (the tables are in ``models``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from services.assets.register.models import AssetStatus, EventKind, FundSource
from shared.money import Amount, Money
from shared.patching import Patch
from shared.text import Line50, Line200, Line500

# the card's number: its tag and its QR code's payload (QR alphanumeric characters only)
AssetNumber = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,29}$"),
    Field(
        description="Unique; printed on the tag and carried by its QR code",
        examples=["A2026000123"],
    ),
]
CategoryCode = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{7}$"), Field(description="GB/T 14885 code")
]
Reason = Annotated[Line500, Field(description="Why (kept with the lifecycle step)")]
Name = Line200


class AssetCreate(BaseModel):
    """A newly acquired asset (取得): its card and the first step of its life."""

    number: AssetNumber
    category_code: CategoryCode
    name: Name
    specification: Name | None = None
    unit_id: uuid.UUID = Field(description="The owning budget unit (personnel's unit id)")
    custodian_id: uuid.UUID | None = Field(default=None, description="Personnel's staff id")
    room_id: uuid.UUID | None = Field(default=None, description="Where it is kept")
    acquired_on: date
    original_value: Amount
    fund_source: FundSource
    payment_id: uuid.UUID | None = Field(
        default=None, description="The finance payment it was bought with, if any"
    )
    reason: Reason = "acquired"


class AssetUpdate(Patch):
    """Corrections of a card's description, and idle ↔ in use. Where it is, who keeps it,
    which unit owns it and what it is worth change through their own steps."""

    nullable = frozenset({"specification"})
    name: Name | None = None
    specification: Name | None = None
    status: Annotated[
        AssetStatus | None, Field(description="in_use or idle; the other states follow steps")
    ] = None


class AssetPublic(BaseModel):
    id: uuid.UUID
    number: str
    category_code: str
    name: str
    specification: str | None
    unit_id: uuid.UUID
    custodian_id: uuid.UUID | None
    room_id: uuid.UUID | None
    acquired_on: date
    original_value: Money
    value: Money
    accumulated_depreciation: Money
    net_value: Money
    depreciated_months: int
    fund_source: FundSource
    payment_id: uuid.UUID | None
    status: AssetStatus
    disposed_on: date | None
    version: int


class AssetSlice(BaseModel):
    """A slice of the cards in ``number`` order; pass ``next_after`` to continue."""

    items: list[AssetPublic]
    next_after: str | None


class Move(BaseModel):
    """A new custodian, a new room, or both (变更保管人或存放地点)."""

    custodian_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    occurred_on: date | None = Field(default=None, description="Today unless given")
    reason: Reason


class Transfer(BaseModel):
    """调拨: the asset passes to another budget unit, with a new custodian and room if known."""

    to_unit_id: uuid.UUID
    document_no: Annotated[Line50, Field(description="The transfer order (调拨单号)")] | None = None
    custodian_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    occurred_on: date | None = Field(default=None, description="Today unless given")
    reason: Reason


class Revaluation(BaseModel):
    """重估: a new cost basis; what remains to depreciate is spread over the remaining life."""

    new_value: Amount
    occurred_on: date | None = Field(default=None, description="Today unless given")
    reason: Reason


class EventPublic(BaseModel):
    id: uuid.UUID
    asset_id: uuid.UUID
    kind: EventKind
    occurred_on: date
    at: datetime
    by: str
    reason: str
    unit_id: uuid.UUID
    other_unit_id: uuid.UUID | None
    details: dict[str, Any]


class ImportResult(BaseModel):
    imported: int
    rows: int
    dry_run: bool
    ignored_columns: list[str]


class AssetTotals(BaseModel):
    cards: int
    value: Money
    accumulated_depreciation: Money
    net_value: Money


class SummaryPart(AssetTotals):
    """One unit's (``key`` its id) or one category's (``key`` its code, ``name`` 中文名)."""

    key: str
    name: str | None


class TotalsSummary(AssetTotals):
    """The cards in service in all (or of one unit), and per unit or per category."""

    by: str
    unit_id: uuid.UUID | None
    parts: list[SummaryPart]
