"""Tables of the work orders: the order, its steps (one row a change of state), its labour
and its materials, and the SLA policy of each priority.

Money is whole fen (``shared.types.Money``): an hour's rate, a material's unit cost, and
each entry's cost (hours × rate, quantity × unit cost, rounded to the fen). An order is never
deleted: one not pursued is cancelled.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.facilities.sites import SiteColumns
from shared.changes import VersionedColumns
from shared.types import Money, UTCDateTime, utcnow


class Status(StrEnum):
    REQUESTED = "requested"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"
    CANCELLED = "cancelled"


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Source(StrEnum):
    HAZARD = "hazard"  # a hazard found in an inspection (``hazard_id``)
    REQUEST = "request"  # a resident's, a member of staff's or a unit's request
    PREVENTIVE = "preventive"  # an occurrence of a preventive plan (``plan_id``, ``due_on``)


class WorkOrder(SiteColumns, VersionedColumns, table=True):
    """One maintenance job. ``requested_at`` … ``verified_at`` say when each state was
    reached (the steps table keeps every change, with who and why); the SLA deadlines are
    fixed from the priority's policy when the order is raised or re-prioritised."""

    __tablename__ = "facilities_work_order"
    __table_args__ = (UniqueConstraint("plan_id", "due_on"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    source: Source = Field(sa_type=String(12), index=True)
    hazard_id: uuid.UUID | None = Field(default=None, index=True)
    plan_id: uuid.UUID | None = Field(default=None, foreign_key="facilities_preventive_plan.id")
    due_on: date | None = None  # a plan's occurrence: the day it falls due
    priority: Priority = Field(sa_type=String(8), index=True)
    status: Status = Field(default=Status.REQUESTED, sa_type=String(12), index=True)
    unit_id: uuid.UUID | None = Field(default=None, index=True)  # the unit it serves
    requester_staff_id: uuid.UUID | None = Field(default=None, index=True)
    requested_by: str = Field(max_length=100)
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    response_due_at: datetime = Field(sa_type=UTCDateTime())
    resolution_due_at: datetime = Field(sa_type=UTCDateTime(), index=True)
    assignee: str | None = Field(default=None, max_length=100)  # who does the work
    triaged_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    assigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    done_by: str | None = Field(default=None, max_length=100)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    verified_by: str | None = Field(default=None, max_length=100)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    labour_cost: Decimal = Field(default=Decimal("0.00"), sa_type=Money())
    material_cost: Decimal = Field(default=Decimal("0.00"), sa_type=Money())

    @property
    def total_cost(self) -> Decimal:
        return self.labour_cost + self.material_cost


class Step(SQLModel, table=True):
    """One change of an order's state: from, to, when, by whom, and the note given."""

    __tablename__ = "facilities_work_order_step"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    work_order_id: uuid.UUID = Field(foreign_key="facilities_work_order.id", index=True)
    from_status: Status | None = Field(default=None, sa_type=String(12))
    to_status: Status = Field(sa_type=String(12))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    by: str = Field(max_length=100)
    note: str | None = Field(default=None, max_length=500)


class Labour(SQLModel, table=True):
    """Hours a worker spent on an order, at an hourly rate."""

    __tablename__ = "facilities_work_order_labour"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    work_order_id: uuid.UUID = Field(foreign_key="facilities_work_order.id", index=True)
    worker: str = Field(max_length=100)
    worked_on: date
    hours: Decimal = Field(sa_type=Numeric(6, 2))
    rate: Decimal = Field(sa_type=Money())
    cost: Decimal = Field(sa_type=Money())
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class Material(SQLModel, table=True):
    """An item used on an order: how many, at what unit cost."""

    __tablename__ = "facilities_work_order_material"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    work_order_id: uuid.UUID = Field(foreign_key="facilities_work_order.id", index=True)
    item: str = Field(max_length=200)
    quantity: Decimal = Field(sa_type=Numeric(12, 3))
    unit_cost: Decimal = Field(sa_type=Money())
    cost: Decimal = Field(sa_type=Money())
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class SlaPolicy(SQLModel, table=True):
    """The clocks of a priority: hours to respond (assign someone) and to resolve (done)."""

    __tablename__ = "facilities_sla_policy"

    priority: Priority = Field(sa_type=String(8), primary_key=True)
    response_hours: int
    resolution_hours: int
    version: int = 1
