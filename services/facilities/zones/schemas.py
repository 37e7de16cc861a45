"""API shapes of the safety zones, liaisons and entrances (the tables are in ``models``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from shared.patching import Patch
from shared.text import Line50, Line100, Line200

ZoneCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,29}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 -]{4,28}$")]
Ids = Annotated[list[uuid.UUID], Field(max_length=200)]


class ZoneCreate(BaseModel):
    code: ZoneCode
    name: Line200
    area_name: Line200 | None = Field(default=None, description="an area beyond buildings")
    compound_id: uuid.UUID | None = None
    responsible: Line100 | None = None
    building_ids: Ids = Field(default_factory=list, description="assets' buildings covered")
    unit_ids: Ids = Field(default_factory=list, description="office units housed in the zone")


class ZoneUpdate(Patch):
    """Building and unit lists given replace the zone's (``If-Match``)."""

    nullable = frozenset({"area_name", "compound_id", "responsible"})

    name: Line200 | None = None
    area_name: Line200 | None = None
    compound_id: uuid.UUID | None = None
    responsible: Line100 | None = None
    building_ids: Ids | None = None
    unit_ids: Ids | None = None
    active: bool | None = None


class ZonePublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    area_name: str | None
    compound_id: uuid.UUID | None
    responsible: str | None
    building_ids: list[uuid.UUID]
    unit_ids: list[uuid.UUID]
    active: bool
    version: int


class LiaisonSet(BaseModel):
    staff_id: uuid.UUID = Field(description="personnel's staff id")
    name: Line100
    phone: Phone | None = None


class LiaisonPublic(BaseModel):
    unit_id: uuid.UUID
    staff_id: uuid.UUID
    name: str
    phone: str | None
    version: int


class EntranceCreate(BaseModel):
    building_id: uuid.UUID
    label: Line50
    manager_staff_id: uuid.UUID | None = Field(default=None, description="a member of staff")
    manager_name: Line100 | None = Field(default=None, description="the manager's name")
    manager_phone: Phone | None = None


class EntranceUpdate(Patch):
    """Name the manager, change or clear them (``If-Match``)."""

    nullable = frozenset({"manager_staff_id", "manager_name", "manager_phone"})

    label: Line50 | None = None
    manager_staff_id: uuid.UUID | None = None
    manager_name: Line100 | None = None
    manager_phone: Phone | None = None


class EntrancePublic(BaseModel):
    id: uuid.UUID
    building_id: uuid.UUID
    label: str
    zone_id: uuid.UUID | None
    manager_staff_id: uuid.UUID | None
    manager_name: str | None
    manager_phone: str | None
    managed: bool
    version: int


class UnitGap(BaseModel):
    unit_id: uuid.UUID
    zone_id: uuid.UUID
    zone_code: str


class EntranceGap(BaseModel):
    entrance_id: uuid.UUID
    building_id: uuid.UUID
    label: str
    zone_id: uuid.UUID | None
    zone_code: str | None


class Gaps(BaseModel):
    units_without_liaison: list[UnitGap]
    entrances_without_manager: list[EntranceGap]
