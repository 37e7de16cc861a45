"""API shapes of the real-estate register (the tables are in ``models``)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from services.assets.realestate.models import BuildingKind, RoomUse
from shared.money import two_places
from shared.patching import Patch
from shared.text import Line20, Line50, Line100, Line200, Line300

# human-readable and unique: C1, C1-B03, C1-B03-0312
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,29}$")]
Text20 = Line20
Text50 = Line50
Text100 = Line100
Text200 = Line200
Text300 = Line300
# square metres, at most two decimals (more is refused, not rounded), sent as a string
Area = Annotated[
    Decimal,
    *two_places(r"(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?", "an area", "36.50", "square metres"),
]
Level = Annotated[
    int,
    Field(
        ge=-9,
        le=199,
        description="1 is the ground floor, -1 basement 1; there is no floor 0",
        json_schema_extra={"not": {"const": 0}},
    ),
]
Year = Annotated[int, Field(ge=1800, le=2100)]
Seats = Annotated[int, Field(ge=0, le=1000, description="Workstations (office rooms)")]


class CompoundCreate(BaseModel):
    code: Code
    name: Text200
    name_zh: Text100
    address: Text300
    land_area_m2: Area


class CompoundUpdate(Patch):
    name: Text200 | None = None
    name_zh: Text100 | None = None
    address: Text300 | None = None
    land_area_m2: Area | None = None
    active: bool | None = Field(default=None, description="false: deactivated, never deleted")


class CompoundPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    name_zh: str
    address: str
    land_area_m2: Area
    active: bool
    version: int


class _BuildingFields(BaseModel):
    name: Text200
    kind: BuildingKind
    gross_floor_area_m2: Area
    built_year: Year | None = None
    land_parcel_no: Text50 | None = Field(default=None, description="宗地号")
    land_certificate_no: Text50 | None = Field(default=None, description="土地证号")
    property_certificate_no: Text50 | None = Field(default=None, description="房产证号")


class BuildingCreate(_BuildingFields):
    code: Code
    compound_id: uuid.UUID


class BuildingUpdate(Patch):
    nullable = frozenset(
        {"built_year", "land_parcel_no", "land_certificate_no", "property_certificate_no"}
    )

    name: Text200 | None = None
    kind: BuildingKind | None = None
    gross_floor_area_m2: Area | None = None
    built_year: Year | None = None
    land_parcel_no: Text50 | None = None
    land_certificate_no: Text50 | None = None
    property_certificate_no: Text50 | None = None
    active: bool | None = None


class BuildingPublic(_BuildingFields):
    id: uuid.UUID
    code: str
    compound_id: uuid.UUID
    active: bool
    version: int


class FloorCreate(BaseModel):
    building_id: uuid.UUID
    level: Level
    name: Text20 | None = Field(default=None, description="Default: 1F, 2F … above ground, B1 …")

    @field_validator("level")
    @classmethod
    def _no_floor_zero(cls, level: int) -> int:
        if level == 0:
            raise ValueError("there is no floor 0: 1 is the ground floor, -1 the first basement")
        return level


class FloorUpdate(Patch):
    name: Text20 | None = None
    active: bool | None = None


class FloorPublic(BaseModel):
    id: uuid.UUID
    building_id: uuid.UUID
    level: int
    name: str
    active: bool
    version: int


class RoomCreate(BaseModel):
    code: Code
    building_id: uuid.UUID
    floor_id: uuid.UUID = Field(description="A floor of building_id")
    number: Text20
    name: Text200 | None = None
    use: RoomUse
    area_m2: Area
    seats: Seats = 0
    unit_id: uuid.UUID | None = Field(
        default=None, description="The budget unit it is assigned to (personnel's unit id)"
    )


class RoomUpdate(Patch):
    nullable = frozenset({"name", "unit_id"})

    floor_id: uuid.UUID | None = Field(default=None, description="Another floor of its building")
    number: Text20 | None = None
    name: Text200 | None = None
    use: RoomUse | None = None
    area_m2: Area | None = None
    seats: Seats | None = None
    unit_id: uuid.UUID | None = None
    active: bool | None = None


class RoomPublic(BaseModel):
    id: uuid.UUID
    code: str
    compound_id: uuid.UUID
    building_id: uuid.UUID
    floor_id: uuid.UUID
    number: str
    name: str | None
    use: RoomUse
    area_m2: Area
    seats: int
    unit_id: uuid.UUID | None
    active: bool
    version: int


class RoomSlice(BaseModel):
    """A slice of the rooms in ``code`` order; pass ``next_after`` to continue."""

    items: list[RoomPublic]
    next_after: str | None


class AreaTotals(BaseModel):
    """Active buildings' gross floor area and active rooms' area, seats and area by use."""

    buildings: int
    gross_floor_area_m2: Area
    rooms: int
    room_area_m2: Area
    seats: int
    by_use: dict[RoomUse, Area]


class AreaPart(AreaTotals):
    id: uuid.UUID
    code: str
    name: str


class AreaSummary(AreaTotals):
    """Totals of everything (or of one compound), and per compound (or per building)."""

    compound_id: uuid.UUID | None
    parts: list[AreaPart]
