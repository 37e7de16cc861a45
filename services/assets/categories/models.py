"""The category table: GB/T 14885 codes, kept as data, with each category's useful life.

A category with no useful life (land, cultural relics, books and archives, animals and plants)
is not depreciated. A life changed later applies from the next monthly run: what remains of an
asset's value is spread over what remains of the new life.
"""

from __future__ import annotations

from sqlmodel import Field

from shared.changes import VersionedColumns


class Category(VersionedColumns, table=True):
    """One class of GB/T 14885 (门类 → 大类 → 中类 → 小类, seven digits)."""

    __tablename__ = "assets_category"

    code: str = Field(primary_key=True, max_length=7)
    parent_code: str | None = Field(default=None, max_length=7, index=True)
    name: str = Field(max_length=200)
    name_zh: str = Field(max_length=100)
    # 折旧年限 (whole years); None: not depreciated
    useful_life_years: int | None = None
    active: bool = True

    @property
    def id(self) -> str:
        """The code, as what audit entries and versioned changes name the row by."""
        return self.code
