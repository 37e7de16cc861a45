"""List conventions: ``limit`` (max 200) and ``offset`` in, ``{items,total,limit,offset}`` out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlmodel import Session, func, select
from sqlmodel.sql.expression import SelectOfScalar

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


def fetch_page(
    session: Session, query: SelectOfScalar[T], params: PageParams, *order_by: Any
) -> tuple[list[T], int]:
    """One page of ``query`` in ``order_by`` order, and how many rows match in all."""
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(*order_by).limit(params.limit).offset(params.offset))
    return list(rows.all()), int(total)
