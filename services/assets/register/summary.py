"""The register's totals (资产统计): cards in service, their cost basis, what has been
depreciated and what they are worth now, in all and per unit or per category.

Disposed cards are left out: the totals are what the bureau holds. A liaison's totals are its
own unit's.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from services.assets.categories.models import Category
from services.assets.register.models import Asset, AssetStatus
from services.assets.register.schemas import AssetTotals, SummaryPart, TotalsSummary
from shared.scope import RowScope
from shared.types import Money


class GroupBy(StrEnum):
    UNIT = "unit"
    CATEGORY = "category"


ZERO = Decimal("0.00")


def _money(column: Any) -> Any:
    """A sum of a money column, read back as yuan (the column keeps fen)."""
    return sa.type_coerce(func.coalesce(func.sum(column), 0), Money())


def _totals(cards: int, value: Decimal, accumulated: Decimal) -> AssetTotals:
    return AssetTotals(
        cards=cards,
        value=value,
        accumulated_depreciation=accumulated,
        net_value=value - accumulated,
    )


def totals(
    session: Session, scope: RowScope, *, by: GroupBy, unit_id: uuid.UUID | None
) -> TotalsSummary:
    """The totals of the cards in service (of one unit when asked, or the liaison's own), with
    one part per unit or per category."""
    if scope.everything or scope.unit_id is not None:
        unit = scope.unit_filter(unit_id)
    else:  # staff: the cards they keep
        scope.check_filters(unit_id=unit_id)
        unit = None
    key = col(Asset.unit_id) if by is GroupBy.UNIT else col(Asset.category_code)
    query = sa.select(
        key, func.count(), _money(Asset.value), _money(Asset.accumulated_depreciation)
    ).where(col(Asset.status) != AssetStatus.DISPOSED)
    if unit is not None:
        query = query.where(col(Asset.unit_id) == unit)
    elif scope.staff_id is not None and not scope.everything:
        query = query.where(col(Asset.custodian_id) == scope.staff_id)
    rows = session.execute(query.group_by(key).order_by(key)).all()
    names: dict[str, str] = {}
    if by is GroupBy.CATEGORY:
        names = dict(session.exec(select(Category.code, Category.name_zh)).all())
    parts = [
        SummaryPart(key=str(k), name=names.get(str(k)), **_totals(n, v, a).model_dump())
        for k, n, v, a in rows
    ]
    whole = _totals(
        sum(p.cards for p in parts),
        sum((p.value for p in parts), ZERO),
        sum((p.accumulated_depreciation for p in parts), ZERO),
    )
    return TotalsSummary(by=by.value, unit_id=unit, parts=parts, **whole.model_dump())
