"""Tables of the monthly depreciation: the run of a month, its total per unit (each posted to
finance as one event), and each asset's charge for the month (its schedule).

Amounts are whole fen (``shared.types.Money``). A month is run once: ``period`` is unique.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

from shared.types import Money, UTCDateTime, utcnow


class DepreciationRun(SQLModel, table=True):
    """One month's run (``period`` ``YYYY-MM``): what it charged, over how many assets."""

    __tablename__ = "assets_depreciation_run"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    period: str = Field(max_length=7, unique=True)
    entry_date: date  # the month's last day: the day finance books it
    total: Decimal = Field(sa_type=Money())
    assets: int  # the cards charged
    units: int  # the units with a charge (one journal entry each)
    run_by: str = Field(max_length=100)
    run_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class DepreciationUnitTotal(SQLModel, table=True):
    """A unit's charge for the month and the outbox event that posts it to finance."""

    __tablename__ = "assets_depreciation_unit_total"

    run_id: uuid.UUID = Field(foreign_key="assets_depreciation_run.id", primary_key=True)
    unit_id: uuid.UUID = Field(primary_key=True)
    amount: Decimal = Field(sa_type=Money())
    assets: int
    event_id: uuid.UUID


class DepreciationCharge(SQLModel, table=True):
    """One asset's charge for one month, and where its card stood after it.

    ``asset_id`` has no foreign key on purpose: a run writes charges only for the cards it has
    just read, cards are never deleted, and the key's check would cost PostgreSQL a lookup and
    a row lock per card (1–2 s of a 100,000-card run; bench/README.md)."""

    __tablename__ = "assets_depreciation_charge"

    asset_id: uuid.UUID = Field(primary_key=True)
    period: str = Field(max_length=7, primary_key=True)
    run_id: uuid.UUID = Field(foreign_key="assets_depreciation_run.id")
    amount: Decimal = Field(sa_type=Money())
    accumulated_after: Decimal = Field(sa_type=Money())
    months_after: int  # depreciated months after this one


class WriteOff(SQLModel, table=True):
    """A disposed card written off the books in finance (``asset.disposed``), once, after its
    last month's depreciation: what it was worth and what had been depreciated."""

    __tablename__ = "assets_depreciation_write_off"

    asset_id: uuid.UUID = Field(primary_key=True)
    disposed_on: date
    value: Decimal = Field(sa_type=Money())
    accumulated_depreciation: Decimal = Field(sa_type=Money())
    event_id: uuid.UUID | None = None  # None: a card worth nothing, nothing to post
    written_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
