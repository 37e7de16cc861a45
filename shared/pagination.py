"""List conventions: ``limit`` (max 200) and ``offset`` in, ``{items,total,limit,offset}`` out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlmodel import Session, func, select
from sqlmodel.sql.expression import SelectOfScalar

MAX_LIMIT = 200
T = TypeVar("T")
R = TypeVar("R")


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
    """One page of a list: every list the suite answers has this shape."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: Sequence[T], total: int, params: PageParams) -> Page[T]:
        return cls(items=list(items), total=total, limit=params.limit, offset=params.offset)

    @classmethod
    def whole(cls, items: Sequence[T]) -> Page[T]:
        """A short, bounded list (reference data) answered as a single page."""
        return cls(items=list(items), total=len(items), limit=max(len(items), 1), offset=0)


def fetch_page(
    session: Session, query: SelectOfScalar[T], params: PageParams, *order_by: Any
) -> tuple[list[T], int]:
    """One page of ``query`` in ``order_by`` order, and how many rows match in all."""
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(*order_by).limit(params.limit).offset(params.offset))
    return list(rows.all()), int(total)


def paginate(
    session: Session,
    query: SelectOfScalar[R],
    params: PageParams,
    *order_by: Any,
    view: Callable[[R], T],
) -> Page[T]:
    """``fetch_page`` answered as a ``Page`` of each row as ``view`` shows it."""
    rows, total = fetch_page(session, query, params, *order_by)
    return Page.of([view(row) for row in rows], total, params)
