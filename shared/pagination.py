"""List conventions: ``limit`` (max 200) and ``offset`` in, ``{items,total,limit,offset}`` out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

MAX_LIMIT = 200
T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Items per page (at most 200)")
    offset: int = Query(0, ge=0, le=10_000_000, description="Items to skip")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
