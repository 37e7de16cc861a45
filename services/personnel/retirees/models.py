"""What a retiree (离退休干部) is entitled to: vehicle, medical, allowance, welfare levels."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from shared.types import UTCDateTime, utcnow


class RetireeEntitlement(SQLModel, table=True):
    __tablename__ = "personnel_retiree_entitlement"

    staff_id: uuid.UUID = Field(foreign_key="personnel_staff.id", primary_key=True)
    former_rank_code: str = Field(foreign_key="personnel_rank.code", max_length=40)
    category: str = Field(max_length=40)
    vehicle_level: int
    medical_level: int
    allowance_level: int
    welfare_level: int
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
