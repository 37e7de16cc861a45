"""Tables of the remediation plans: a plan, its numbered phases (each with its budget year,
estimated cost and, optionally, the finance budget line meant to pay it) and the hazards
each phase fixes (a hazard is in one plan at most)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.changes import VersionedColumns
from shared.types import Money


class Plan(VersionedColumns, table=True):
    __tablename__ = "facilities_remediation_plan"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    title: str = Field(max_length=200)
    compound_id: uuid.UUID | None = Field(default=None, index=True)  # None: several compounds
    created_by: str = Field(max_length=100)


class Phase(SQLModel, table=True):
    __tablename__ = "facilities_remediation_phase"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    plan_id: uuid.UUID = Field(foreign_key="facilities_remediation_plan.id")
    number: int
    title: str = Field(max_length=200)
    budget_year: int
    estimated_cost: Decimal = Field(sa_type=Money())
    budget_line_id: uuid.UUID | None = None  # a finance appropriation, read, never written


class PhaseHazard(SQLModel, table=True):
    __tablename__ = "facilities_remediation_hazard"

    hazard_id: uuid.UUID = Field(foreign_key="facilities_hazard.id", primary_key=True)
    plan_id: uuid.UUID = Field(foreign_key="facilities_remediation_plan.id", index=True)
    phase_id: uuid.UUID = Field(foreign_key="facilities_remediation_phase.id", index=True)
