"""Where upkeep happens: the compound, building, room and asset a work order, a preventive
plan or a piece of fire equipment concerns, as the assets service's ids.

One schema (``Site``) and one set of columns (``SiteColumns``), so that checking the ids
against the assets register (the ``locations`` facade) is wired in one place: ``site_of``.
The ids are kept as given; nothing here reads another service.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Field as Column
from sqlmodel import SQLModel


class SiteColumns(SQLModel):
    """Mixin of a table whose rows are somewhere in the compounds."""

    compound_id: uuid.UUID | None = Column(default=None, index=True)
    building_id: uuid.UUID | None = Column(default=None, index=True)
    room_id: uuid.UUID | None = Column(default=None)
    asset_id: uuid.UUID | None = Column(default=None)


class Site(BaseModel):
    """The place concerned: any of a compound, a building, a room or an asset (assets' ids)."""

    compound_id: uuid.UUID | None = Field(default=None, description="an assets compound")
    building_id: uuid.UUID | None = Field(default=None, description="an assets building")
    room_id: uuid.UUID | None = Field(default=None, description="an assets room")
    asset_id: uuid.UUID | None = Field(default=None, description="an asset card")


SITE_FIELDS = tuple(Site.model_fields)


def site_of(data: BaseModel) -> dict[str, Any]:
    """The site fields of a body that has them, as columns take them."""
    return {name: getattr(data, name) for name in SITE_FIELDS}
