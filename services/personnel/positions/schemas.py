"""API shapes of positions (the table is in ``models``)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from services.personnel.organisation.schemas import CODE_PATTERN
from shared.patching import Patch

MAX_RESPONSIBILITIES = 20_000


class PositionCreate(BaseModel):
    code: str = Field(pattern=CODE_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    unit_id: uuid.UUID
    rank_code: str = Field(min_length=1, max_length=40)
    responsibilities: str = Field(
        min_length=1, max_length=MAX_RESPONSIBILITIES, description="The written duties (岗位责任)"
    )
    headcount: int = Field(default=1, ge=1, le=10_000)


class PositionUpdate(Patch):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    rank_code: str | None = Field(default=None, min_length=1, max_length=40)
    responsibilities: str | None = Field(
        default=None, min_length=1, max_length=MAX_RESPONSIBILITIES
    )
    headcount: int | None = Field(default=None, ge=1, le=10_000)
    active: bool | None = None


class PositionPublic(BaseModel):
    id: uuid.UUID
    code: str
    title: str
    unit_id: uuid.UUID
    rank_code: str
    responsibilities: str
    headcount: int
    active: bool
    version: int
