"""API shapes of retiree entitlements (the table is in ``models``)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field


class EntitlementIn(BaseModel):
    former_rank_code: str = Field(min_length=1, max_length=40)
    category: str = Field(min_length=1, max_length=40)
    vehicle_level: int = Field(ge=0, le=10)
    medical_level: int = Field(ge=0, le=10)
    allowance_level: int = Field(ge=0, le=10)
    welfare_level: int = Field(ge=0, le=10)


class EntitlementPublic(EntitlementIn):
    staff_id: uuid.UUID
    version: int
