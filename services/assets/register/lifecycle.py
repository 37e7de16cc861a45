"""One lifecycle step of an asset: its record (who, when, why, what changed) and its entry in
the hash-chained audit log, written together in the caller's unit of work.

Every module that changes a card (the register, disposals, stocktake adjustments) records the
step here, so an asset's history is one list and the audit trail says the same.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session

from services.assets.register.models import Asset, AssetEvent, EventKind
from shared.audit import AuditLog, jsonable
from shared.context import actor


def record_event(
    session: Session,
    audit: AuditLog,
    asset: Asset,
    *,
    kind: EventKind,
    occurred_on: date,
    reason: str,
    details: dict[str, Any] | None = None,
    other_unit_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
) -> AssetEvent:
    """Add the step's record for ``asset`` (of ``unit_id``, the asset's unit by default) and
    audit it as ``asset.<kind>``; only flushes when asked to by the caller."""
    details = jsonable(details or {})
    event = AssetEvent(
        asset_id=asset.id,
        kind=kind,
        occurred_on=occurred_on,
        by=actor(),
        reason=reason,
        unit_id=unit_id or asset.unit_id,
        other_unit_id=other_unit_id,
        details=details,
    )
    session.add(event)
    audit.record(
        session,
        action=f"asset.{kind.value}",
        resource_type="asset",
        resource_id=asset.id,
        after={
            "number": asset.number,
            "occurred_on": occurred_on,
            "reason": reason,
            "other_unit_id": other_unit_id,
            **details,
        },
    )
    return event
