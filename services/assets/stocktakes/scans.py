"""Scans posted in batches (a mobile client's up to 500 at a time, perhaps twice).

Rules:
- an ``asset_officer`` scans in any campaign, a ``unit_liaison`` in its own unit's (403
  otherwise); the campaign is open (409 ``CAMPAIGN_NOT_STARTED`` / ``CAMPAIGN_CLOSED``);
- every room named exists (422 ``UNKNOWN_ROOM``) and no scan is in the future beyond five
  minutes of clock skew (422 ``FUTURE_SCAN``): a refused batch keeps nothing;
- a scan id seen before changes nothing (``INSERT … ON CONFLICT DO NOTHING`` on the
  campaign's scan ids, one statement a batch); the receipt says how many were new;
- any tag is kept: one no card expects is surplus, never an error.
"""

from __future__ import annotations

import functools
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from services.assets.realestate.models import Room
from services.assets.register.lifecycle import actor
from services.assets.stocktakes.access import campaign_in_scope, is_open
from services.assets.stocktakes.models import Scan
from services.assets.stocktakes.schemas import ScanBatch, ScanReceipt
from shared.problems import Invalid
from shared.scope import RowScope
from shared.types import utcnow

S: Any = Scan.__table__  # type: ignore[attr-defined]
CLOCK_SKEW = timedelta(minutes=5)


@functools.cache
def _insert_new(dialect: str) -> Any:
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    return make(S).on_conflict_do_nothing().returning(S.c.scan_id)


def post(
    session: Session, *, campaign_id: uuid.UUID, batch: ScanBatch, scope: RowScope
) -> ScanReceipt:
    campaign = campaign_in_scope(session, campaign_id, scope, lock=True, share=True)
    is_open(campaign)
    now = utcnow()
    late = [s.scan_id for s in batch.scans if s.scanned_at > now + CLOCK_SKEW]
    if late:
        raise Invalid("FUTURE_SCAN", f"scans dated in the future: {', '.join(map(str, late[:5]))}")
    rooms = {s.room_id for s in batch.scans}
    known = set(session.exec(select(Room.id).where(col(Room.id).in_(rooms))))
    if rooms - known:
        unknown = ", ".join(sorted(str(r) for r in rooms - known)[:5])
        raise Invalid("UNKNOWN_ROOM", f"rooms that do not exist: {unknown}")
    by = actor()
    rows = {
        s.scan_id: {
            "campaign_id": campaign.id,
            "scan_id": s.scan_id,
            "tag": s.tag,
            "room_id": s.room_id,
            "counter": s.counter,
            "scanned_at": s.scanned_at,
            "posted_by": by,
            "posted_at": now,
        }
        for s in batch.scans
    }
    conn = session.connection()
    new = len(conn.execute(_insert_new(conn.dialect.name), list(rows.values())).all())
    return ScanReceipt(received=len(batch.scans), new=new, repeated=len(batch.scans) - new)
