"""Scans posted in batches (a mobile client's up to 500 at a time, perhaps twice).

Rules:
- an ``asset_officer`` scans in any campaign, a ``unit_liaison`` in its own unit's (403
  otherwise); the campaign is open (409 ``CAMPAIGN_NOT_STARTED`` / ``CAMPAIGN_CLOSED``);
- every room named exists (422 ``UNKNOWN_ROOM``), no scan is in the future beyond five
  minutes of clock skew (422 ``FUTURE_SCAN``) nor before the campaign started, less the
  same skew (422 ``SCAN_BEFORE_START``: it cannot count, and is refused before any
  conversion of its time): a refused batch keeps nothing;
- a tag is a card's number (the register's ``AssetNumber``);
- a scan id seen before changes nothing (``INSERT … ON CONFLICT DO NOTHING`` on the
  campaign's scan ids, one statement a batch, ``RETURNING`` the new ones); the receipt says
  how many were new;
- any tag is kept: one no card expects is surplus, never an error.
"""

from __future__ import annotations

import uuid
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from services.assets.realestate.models import Room
from services.assets.stocktakes.access import campaign_in_scope, is_open
from services.assets.stocktakes.models import Scan
from services.assets.stocktakes.schemas import ScanBatch, ScanReceipt
from shared.bulk import table_of
from shared.context import actor
from shared.problems import Invalid
from shared.scope import RowScope
from shared.types import utcnow

S: Any = table_of(Scan)
CLOCK_SKEW = timedelta(minutes=5)


# PostgreSQL takes a batch as one array per column: one short statement whatever the batch's
# size, so the driver parses it once (a 500-row VALUES list is 4,000 placeholders it would
# split and convert on every batch, most of what a batch cost)
_PG_INSERT = text(
    "INSERT INTO assets_stocktake_scan"
    " (campaign_id, scan_id, tag, room_id, counter, scanned_at, posted_by, posted_at)"
    " SELECT :campaign_id, s.scan_id, s.tag, s.room_id, s.counter, s.scanned_at,"
    " :posted_by, :posted_at"
    " FROM unnest(CAST(:scan_ids AS uuid[]), CAST(:tags AS varchar[]),"
    " CAST(:room_ids AS uuid[]), CAST(:counters AS varchar[]),"
    " CAST(:scanned AS timestamptz[])) AS s(scan_id, tag, room_id, counter, scanned_at)"
    " ON CONFLICT DO NOTHING RETURNING scan_id"
)
_SQLITE_INSERT = sqlite_insert(S).on_conflict_do_nothing().returning(S.c.scan_id)


def _insert_new(conn: Connection, rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose scan id is new to the campaign; how many were."""
    if conn.dialect.name != "postgresql":
        return len(conn.execute(_SQLITE_INSERT, rows).all())
    first = rows[0]
    found = conn.execute(
        _PG_INSERT,
        {
            "campaign_id": first["campaign_id"],
            "posted_by": first["posted_by"],
            "posted_at": first["posted_at"],
            "scan_ids": [r["scan_id"] for r in rows],
            "tags": [r["tag"] for r in rows],
            "room_ids": [r["room_id"] for r in rows],
            "counters": [r["counter"] for r in rows],
            "scanned": [r["scanned_at"].astimezone(UTC) for r in rows],
        },
    )
    return len(found.all())


def post(
    session: Session, *, campaign_id: uuid.UUID, batch: ScanBatch, scope: RowScope
) -> ScanReceipt:
    campaign = campaign_in_scope(session, campaign_id, scope, lock=True, share=True)
    is_open(campaign)
    now = utcnow()
    assert campaign.started_at is not None  # an open campaign was started
    # compared as given (no conversion to UTC, which overflows for a day like 0001-01-01)
    early = [s.scan_id for s in batch.scans if s.scanned_at < campaign.started_at - CLOCK_SKEW]
    if early:
        raise Invalid(
            "SCAN_BEFORE_START",
            f"scans dated before the stocktake started: {', '.join(map(str, early[:5]))}",
        )
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
    new = _insert_new(session.connection(), list(rows.values()))
    return ScanReceipt(received=len(batch.scans), new=new, repeated=len(batch.scans) - new)
