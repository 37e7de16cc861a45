"""Tables of the safety responsibility zones (安全责任区域).

A zone covers buildings (assets' ids, each building in one zone at most) and/or a named
area (a car park, a garden), and the office units housed in it. Every office unit of a zone
has a fire and safety liaison (one row a unit); every residential entrance registered on a
zone's building has a safety manager (门栋安全管理员): a member of staff (personnel's id) or
a resident named with a phone number.
"""

from __future__ import annotations

import uuid

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.changes import VersionedColumns


class Zone(VersionedColumns, table=True):
    __tablename__ = "facilities_safety_zone"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(max_length=30, unique=True)
    name: str = Field(max_length=200)
    area_name: str | None = Field(default=None, max_length=200)  # an area beyond buildings
    compound_id: uuid.UUID | None = Field(default=None, index=True)
    responsible: str | None = Field(default=None, max_length=100)  # the zone's 责任人
    active: bool = True


class ZoneBuilding(SQLModel, table=True):
    __tablename__ = "facilities_safety_zone_building"

    building_id: uuid.UUID = Field(primary_key=True)  # one zone a building
    zone_id: uuid.UUID = Field(foreign_key="facilities_safety_zone.id", index=True)


class ZoneUnit(SQLModel, table=True):
    __tablename__ = "facilities_safety_zone_unit"

    unit_id: uuid.UUID = Field(primary_key=True)  # one zone an office unit
    zone_id: uuid.UUID = Field(foreign_key="facilities_safety_zone.id", index=True)


class Liaison(VersionedColumns, table=True):
    """An office unit's fire and safety liaison (消防安全联络员)."""

    __tablename__ = "facilities_safety_liaison"

    unit_id: uuid.UUID = Field(primary_key=True)
    staff_id: uuid.UUID = Field(index=True)
    name: str = Field(max_length=100)
    phone: str | None = Field(default=None, max_length=30)

    @property
    def id(self) -> uuid.UUID:
        return self.unit_id


class Entrance(VersionedColumns, table=True):
    """A residential building's entrance (门栋) and its safety manager, when named."""

    __tablename__ = "facilities_entrance"
    __table_args__ = (UniqueConstraint("building_id", "label"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    building_id: uuid.UUID = Field(index=True)
    label: str = Field(max_length=50)  # "Entrance 2", "2单元"
    manager_staff_id: uuid.UUID | None = None
    manager_name: str | None = Field(default=None, max_length=100)
    manager_phone: str | None = Field(default=None, max_length=30)
