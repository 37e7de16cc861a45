"""API shapes of the organisation (the tables are in ``models``)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from services.personnel.organisation.models import UnitKind
from shared.patching import Patch
from shared.text import Line100, Line200

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,19}$"


class BodyPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    name_zh: str


class RankPublic(BaseModel):
    code: str
    name: str
    name_zh: str
    level: int


class UnitCreate(BaseModel):
    code: str = Field(pattern=CODE_PATTERN, description="Upper-case code, e.g. FIN or FIN-01")
    name: Line200
    name_zh: Line100
    kind: UnitKind = UnitKind.BUDGET_UNIT
    body_id: uuid.UUID
    parent_id: uuid.UUID | None = Field(
        default=None, description="For a section: the budget unit it belongs to"
    )


class UnitUpdate(Patch):
    name: Line200 | None = None
    name_zh: Line100 | None = None
    active: bool | None = None


class UnitPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    name_zh: str
    kind: UnitKind
    body_id: uuid.UUID
    parent_id: uuid.UUID | None
    active: bool
    version: int
