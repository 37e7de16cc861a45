"""List conventions: ``limit`` (max 200) and ``offset`` in, ``{items,total,limit,offset}`` out.

Two ways to answer a list:

- ``fetch_page``/``paginate``: the caller builds the query for each request (any shape);
- ``Listing``: a hot list declared once, at import, with its filters as bound parameters. Its
  statements are built once per combination of the filters a request uses and then only run
  with new values, which skips SQLAlchemy's statement building and cache-key work (about half
  of what a short list costs in SQLAlchemy; bench/README.md, "The read path").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import BindParameter, ColumnElement, bindparam
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
    rows = list(
        session.exec(query.order_by(*order_by).limit(params.limit).offset(params.offset)).all()
    )
    total = known_total(rows, params)
    if total is None:
        # a Core statement on the session's connection: the ORM adds nothing to a count
        count = select(func.count()).select_from(query.subquery())
        total = session.connection().execute(count).scalar_one()
    return rows, int(total)


def known_total(rows: Sequence[Any], params: PageParams) -> int | None:
    """The total a page already tells, without counting: a page that is not full and is not
    past the end is the last one, so everything before it plus its rows is all there is."""
    if len(rows) < params.limit and (rows or params.offset == 0):
        return params.offset + len(rows)
    return None


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


Filter = Callable[[BindParameter[Any]], ColumnElement[bool]]


@dataclass(frozen=True)
class _Statements:
    count: Any
    page: Any


class Listing(Generic[R]):
    """A list whose statements are built once per shape and then only run.

    ``base`` is the query without filters, ``order_by`` its order, and ``filters`` names each
    optional filter with a function from a bound parameter to the condition
    (``"status": lambda v: Payment.status == v``). A filter whose value is ``None`` is left
    out; a list value needs an expanding parameter (``expanding={"unit_ids"}``). Rows are what
    ``base`` selects: an entity when it selects one table model, else rows; a query of Core
    tables runs on the session's connection, without the ORM. Parameters the base or a filter
    names itself (``bindparam("day")``) take their values from ``binds``.
    """

    def __init__(
        self,
        base: Any,  # a select: SQLAlchemy's, or SQLModel's of one or more models
        *order_by: Any,
        filters: Mapping[str, Filter],
        expanding: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        self.base = base
        self.order_by = order_by
        self.filters = dict(filters)
        self.expanding = frozenset(expanding)
        self._orm = base._propagate_attrs.get("compile_state_plugin") == "orm"
        self._scalars = isinstance(base, SelectOfScalar)
        self._shapes: dict[tuple[str, ...], _Statements] = {}

    def _statements(self, shape: tuple[str, ...]) -> _Statements:
        built = self._shapes.get(shape)
        if built is None:
            query = self.base
            for name in shape:
                param: BindParameter[Any] = bindparam(name, expanding=name in self.expanding)
                query = query.where(self.filters[name](param))
            built = _Statements(
                count=select(func.count()).select_from(query.subquery()),
                page=query.order_by(*self.order_by)
                .limit(bindparam("page_limit"))
                .offset(bindparam("page_offset")),
            )
            # two threads may build the same shape at once: the first one stored is kept
            built = self._shapes.setdefault(shape, built)
        return built

    def fetch(
        self,
        session: Session,
        params: PageParams,
        *,
        binds: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> tuple[list[R], int]:
        """One page in order and how many rows match in all, filtered by ``values``."""
        unknown = values.keys() - self.filters.keys()
        if unknown:
            raise TypeError(f"unknown filters: {sorted(unknown)}")
        shape = tuple(name for name in self.filters if values.get(name) is not None)
        statements = self._statements(shape)
        bound = {**(binds or {}), **{name: values[name] for name in shape}}
        paged = {**bound, "page_limit": params.limit, "page_offset": params.offset}
        connection = session.connection()
        found: Any
        if not self._orm:
            found = connection.execute(statements.page, paged).all()
        else:
            rows = session.execute(statements.page, paged)
            found = rows.scalars().all() if self._scalars else rows.all()
        total = known_total(found, params)
        if total is None:
            total = connection.execute(statements.count, bound).scalar_one()
        return list(found), int(total)

    def page(
        self,
        session: Session,
        params: PageParams,
        *,
        view: Callable[[R], T],
        binds: Mapping[str, Any] | None = None,
        **values: Any,
    ) -> Page[T]:
        """``fetch`` answered as a ``Page`` of each row as ``view`` shows it."""
        rows, total = self.fetch(session, params, binds=binds, **values)
        return Page.of([view(row) for row in rows], total, params)
