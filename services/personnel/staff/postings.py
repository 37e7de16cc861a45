"""Where staff served, read from their effective-dated postings (``StaffPeriod``).

A posting in a section counts for the section's budget unit: budget units are what cycles,
liaisons and the 优秀 share are about.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from services.personnel.organisation.models import Unit
from services.personnel.staff.models import StaffPeriod, StaffStatus


def budget_unit_on(session: Session, staff_id: uuid.UUID, day: date) -> uuid.UUID | None:
    """The budget unit ``staff_id`` was posted to on ``day`` (None: not posted then)."""
    row = session.exec(
        select(Unit.id, Unit.parent_id)
        .join(StaffPeriod, col(StaffPeriod.unit_id) == Unit.id)
        .where(
            StaffPeriod.staff_id == staff_id,
            col(StaffPeriod.valid_from) <= day,
            or_(col(StaffPeriod.valid_to).is_(None), col(StaffPeriod.valid_to) > day),
        )
    ).first()
    if row is None:
        return None
    unit_id, parent_id = row
    return parent_id or unit_id


def appraisal_units(
    session: Session,
    unit_ids: Collection[uuid.UUID],
    start: date,
    end: date,
    staff_ids: Collection[uuid.UUID] | None = None,
) -> dict[uuid.UUID, uuid.UUID]:
    """Staff serving in one of ``unit_ids`` at some time in ``start..end`` → the unit they are
    appraised in (the last of those units they served in during the period)."""
    units = set(unit_ids)
    query = (
        select(StaffPeriod.staff_id, StaffPeriod.unit_id, Unit.parent_id)
        .join(Unit, col(Unit.id) == StaffPeriod.unit_id)
        .where(
            StaffPeriod.status == StaffStatus.SERVING,
            col(StaffPeriod.valid_from) <= end,
            or_(col(StaffPeriod.valid_to).is_(None), col(StaffPeriod.valid_to) > start),
            or_(col(StaffPeriod.unit_id).in_(units), col(Unit.parent_id).in_(units)),
        )
        .order_by(col(StaffPeriod.valid_from))
    )
    if staff_ids is not None:
        query = query.where(col(StaffPeriod.staff_id).in_(set(staff_ids)))
    found: dict[uuid.UUID, uuid.UUID] = {}
    for staff_id, unit_id, parent_id in session.exec(query):
        found[staff_id] = unit_id if unit_id in units else parent_id  # type: ignore[assignment]
    return found
