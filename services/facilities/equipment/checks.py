"""Checks of fire equipment posted in batches (a phone's up to 500 at a time, perhaps twice).

Rules:
- checks are dated from 1950 to 2200 (422 ``DATE_OUT_OF_RANGE``), none in the future beyond
  five minutes of clock skew (422 ``FUTURE_CHECK``); every item named exists and is in
  service (422 ``UNKNOWN_EQUIPMENT``): a refused batch keeps nothing;
- a check id seen before changes nothing (``INSERT … ON CONFLICT DO NOTHING`` ``RETURNING``
  the new ones); the receipt says how many were new;
- a new check of result ``ok`` or ``defect`` counts as done: the item's last check becomes
  its day (Asia/Shanghai) when later than the one known, and its next check falls due its
  interval after it; ``na`` (not applicable, not reachable) is kept but moves nothing. Each
  item moved is versioned and audited.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from services.facilities.days import in_range
from services.facilities.equipment.models import Check, Equipment, Result
from services.facilities.equipment.schemas import CheckBatch, CheckReceipt
from services.facilities.equipment.service import audited, next_due
from shared.audit import AuditLog
from shared.bulk import table_of
from shared.changes import record_change
from shared.context import actor
from shared.problems import Invalid
from shared.types import SHANGHAI, utcnow

C: Any = table_of(Check)
CLOCK_SKEW = timedelta(minutes=5)


def _insert_new(conn: Connection, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
    """Insert the checks whose id is new; their ids."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(C).on_conflict_do_nothing().returning(C.c.check_id)
    return {found for (found,) in conn.execute(statement, rows).all()}


def post(session: Session, audit: AuditLog, *, batch: CheckBatch) -> CheckReceipt:
    now = utcnow()
    for c in batch.checks:
        in_range(c.checked_at, "checked_at")  # compared as given: no conversion yet
    late = [c.check_id for c in batch.checks if c.checked_at > now + CLOCK_SKEW]
    if late:
        raise Invalid(
            "FUTURE_CHECK", f"checks dated in the future: {', '.join(map(str, late[:5]))}"
        )
    wanted = {c.equipment_id for c in batch.checks}
    items = {
        e.id: e
        for e in session.exec(
            select(Equipment)
            .where(col(Equipment.id).in_(wanted), col(Equipment.active).is_(True))
            .order_by(col(Equipment.id))
            .with_for_update()
        )
    }
    if wanted - items.keys():
        unknown = ", ".join(sorted(str(i) for i in wanted - items.keys())[:5])
        raise Invalid("UNKNOWN_EQUIPMENT", f"items not in service or unknown: {unknown}")
    by = actor()
    rows = {c.check_id: {**c.model_dump(), "posted_by": by, "posted_at": now} for c in batch.checks}
    new = _insert_new(session.connection(), list(rows.values()))
    latest: dict[uuid.UUID, tuple[Any, Result]] = {}
    for ident in new:
        row = rows[ident]
        if row["result"] == Result.NA:
            continue
        day = row["checked_at"].astimezone(SHANGHAI).date()
        known = latest.get(row["equipment_id"])
        if known is None or day >= known[0]:
            latest[row["equipment_id"]] = (day, row["result"])
    for equipment_id, (day, result) in sorted(latest.items(), key=lambda kv: str(kv[0])):
        item = items[equipment_id]
        if item.last_checked_on is not None and day < item.last_checked_on:
            continue  # an older check posted late: kept, the item's dates stand
        before = audited(item)
        item.last_checked_on = day
        item.last_result = result
        item.next_check_due = next_due(item)
        record_change(
            session,
            audit,
            item,
            action="fire_equipment.checked",
            resource_type="fire_equipment",
            before=before,
            after_view=audited,
        )
    session.flush()
    return CheckReceipt(
        received=len(batch.checks), new=len(new), repeated=len(batch.checks) - len(new)
    )
