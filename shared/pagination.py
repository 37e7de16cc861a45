"""List conventions: ``limit`` (max 200) and ``offset`` in, ``{items,total,limit,offset}`` out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

MAX_LIMIT = 200
T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    limit: int = 50
    offset: int = 0


async def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Items per page (at most 200)")
    ] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")] = 0,
) -> PageParams:
    """``limit``/``offset`` query parameters (an async dependency: no thread hop)."""
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
