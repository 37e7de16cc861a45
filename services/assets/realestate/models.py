"""Tables of the real-estate register: compounds → buildings → floors → rooms.

Areas are square metres with two decimals (``NUMERIC(12, 2)``). Nothing is deleted: a row that
is no longer in use is deactivated, so what refers to it (assets, leases, visits) keeps its
history.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlmodel import Field

from shared.changes import VersionedColumns

AREA = Numeric(12, 2)


class BuildingKind(StrEnum):
    OFFICE = "office"  # 办公楼
    RESIDENTIAL = "residential"  # 住宅楼
    COMMERCIAL = "commercial"  # 商铺门面
    SERVICE = "service"  # 食堂、会议中心、后勤
    MIXED = "mixed"


class RoomUse(StrEnum):
    OFFICE = "office"  # 办公室
    MEETING = "meeting"  # 会议室
    SERVICE = "service"  # 服务用房
    RESIDENTIAL = "residential"  # 住宅
    COMMERCIAL_FRONTAGE = "commercial_frontage"  # 商业门面
    EQUIPMENT = "equipment"  # 设备用房
    STORAGE = "storage"  # 库房
    OTHER = "other"


class Compound(VersionedColumns, table=True):
    """A compound (机关大院): the outer boundary guards, visitors and patrols refer to."""

    __tablename__ = "assets_compound"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    name: str = Field(max_length=200)
    name_zh: str = Field(max_length=100)
    address: str = Field(max_length=300)
    land_area_m2: Decimal = Field(sa_type=AREA)
    active: bool = True


class Building(VersionedColumns, table=True):
    """A building or block of a compound, with its land parcel and certificates."""

    __tablename__ = "assets_building"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    compound_id: uuid.UUID = Field(foreign_key="assets_compound.id", index=True)
    name: str = Field(max_length=200)
    kind: BuildingKind = Field(sa_type=String(20))
    gross_floor_area_m2: Decimal = Field(sa_type=AREA)  # 建筑面积
    built_year: int | None = None
    land_parcel_no: str | None = Field(default=None, max_length=50)  # 宗地号
    land_certificate_no: str | None = Field(default=None, max_length=50)  # 土地证号
    property_certificate_no: str | None = Field(default=None, max_length=50)  # 房产证号
    active: bool = True


class Floor(VersionedColumns, table=True):
    """A floor of a building: ``level`` 1 is the ground floor, -1 the first basement."""

    __tablename__ = "assets_floor"
    __table_args__ = (UniqueConstraint("building_id", "level"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    building_id: uuid.UUID = Field(foreign_key="assets_building.id", index=True)
    level: int
    name: str = Field(max_length=20)
    active: bool = True


class Room(VersionedColumns, table=True):
    """A room (or flat, or shop unit): its use, area, seats and the budget unit it is assigned
    to (personnel's unit id; None: shared or not assigned)."""

    __tablename__ = "assets_room"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    compound_id: uuid.UUID = Field(foreign_key="assets_compound.id", index=True)
    building_id: uuid.UUID = Field(foreign_key="assets_building.id", index=True)
    floor_id: uuid.UUID = Field(foreign_key="assets_floor.id", index=True)
    number: str = Field(max_length=20)
    name: str | None = Field(default=None, max_length=200)
    use: RoomUse = Field(sa_type=String(30), index=True)
    area_m2: Decimal = Field(sa_type=AREA)  # 使用面积
    seats: int = 0
    unit_id: uuid.UUID | None = Field(default=None, index=True)
    active: bool = True
