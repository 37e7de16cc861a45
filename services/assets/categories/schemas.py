"""API shapes of the category table."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from shared.patching import Patch
from shared.text import Line100, Line200

LifeYears = Annotated[int, Field(ge=1, le=100, description="Useful life in whole years")]


class CategoryPublic(BaseModel):
    code: str
    parent_code: str | None
    name: str
    name_zh: str
    useful_life_years: int | None = Field(description="None: not depreciated")
    active: bool
    version: int


class CategoryUpdate(Patch):
    """A new useful life applies from the next monthly run; null: no longer depreciated."""

    nullable = frozenset({"useful_life_years"})
    name: Line200 | None = None
    name_zh: Line100 | None = None
    useful_life_years: LifeYears | None = None
    active: bool | None = None
