"""Bodies and views of remediation plans, their progress and their budget lines."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from shared.money import Amount, Money, SignedMoney
from shared.text import Line200


class PhaseCreate(BaseModel):
    title: Line200
    budget_year: int = Field(ge=2000, le=2100)
    estimated_cost: Amount
    budget_line_id: uuid.UUID | None = Field(
        default=None, description="The finance budget line (appropriation) meant to pay it"
    )


class PlanCreate(BaseModel):
    title: Line200
    compound_id: uuid.UUID | None = Field(default=None, description="None: several compounds")
    phases: list[PhaseCreate] = Field(min_length=1, max_length=10)


class PhaseHazards(BaseModel):
    hazard_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)


class PhaseProgress(BaseModel):
    number: int
    title: str
    budget_year: int
    estimated_cost: Money
    budget_line_id: uuid.UUID | None
    hazards: int
    closed: int


class PlanSummary(BaseModel):
    id: uuid.UUID
    title: str
    compound_id: uuid.UUID | None
    created_by: str
    version: int


class PlanPublic(PlanSummary):
    phases: list[PhaseProgress]
    hazards: int
    closed: int
    progress: str = Field(description="closed / hazards, percent with one decimal")
    estimated_cost: Money
    cost_done: Money = Field(
        description="The estimated cost of the phases whose hazards are all closed"
    )


class PhaseBudget(BaseModel):
    number: int
    budget_year: int
    estimated_cost: Money
    budget_line_id: uuid.UUID | None
    status: Literal["known", "no_line", "unknown_line", "finance_unavailable"] = Field(
        description="known: finance answered; finance_unavailable: shown as unknown"
    )
    available: Money | None
    shortfall: SignedMoney | None = Field(description="estimated cost − available, when known")


class PlanBudget(BaseModel):
    plan_id: uuid.UUID
    phases: list[PhaseBudget]
