"""Who reaches which work order: the wide readers every one, a unit liaison its unit's, a
member of staff the ones they requested (403 ``OUTSIDE_OWN_UNIT`` / ``OUTSIDE_OWN_RECORDS``)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col

from services.facilities.workorders.models import WorkOrder
from shared.problems import NotFound
from shared.scope import RowScope


def order_in_scope(
    session: Session, order_id: uuid.UUID, scope: RowScope | None = None, *, lock: bool = False
) -> WorkOrder:
    """The order (404 when there is none, 403 outside ``scope``); ``lock`` holds it for a
    change."""
    row = session.get(WorkOrder, order_id, with_for_update=lock or None)
    if row is None:
        raise NotFound("work_order", order_id)
    if scope is not None:
        scope.check(unit_id=row.unit_id, staff_id=row.requester_staff_id)
    return row


def scope_condition(scope: RowScope) -> Any:
    """The WHERE clause of a list within ``scope`` (None: every order)."""
    return scope.condition(col(WorkOrder.unit_id), col(WorkOrder.requester_staff_id))
