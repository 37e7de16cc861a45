"""The open-hazards dashboard: hazards not yet closed, counted by compound, severity and age
(days since found), with how many are overdue, in one aggregate over the
``ix_facilities_hazard_open`` index (status, compound, severity, found, due)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import case, func, select
from sqlmodel import Session

from services.facilities.hazards.models import Hazard, HazardStatus
from services.facilities.hazards.schemas import Dashboard, DashboardCell
from shared.bulk import table_of
from shared.types import utcnow

NOT_CLOSED = (HazardStatus.OPEN, HazardStatus.ASSIGNED, HazardStatus.FIXED)
# (label, found within so many days)
AGES = (("0-7", 7), ("8-30", 30), ("31-90", 90))
OLDEST = "91+"


def dashboard(session: Session, *, compound_id: uuid.UUID | None = None) -> Dashboard:
    now = utcnow()
    h = table_of(Hazard).c
    age = case(*((h.found_at >= now - timedelta(days=d), label) for label, d in AGES), else_=OLDEST)
    late = case((h.due_at < now, 1), else_=0)
    rows = select(h.compound_id, h.severity, age.label("age"), late.label("late")).where(
        h.status.in_([s.value for s in NOT_CLOSED])
    )
    if compound_id is not None:
        rows = rows.where(h.compound_id == compound_id)
    inner = rows.subquery()
    grouped = (
        select(
            inner.c.compound_id,
            inner.c.severity,
            inner.c.age,
            func.count(),
            func.sum(inner.c.late),
        )
        .group_by(inner.c.compound_id, inner.c.severity, inner.c.age)
        .order_by(inner.c.compound_id, inner.c.severity, inner.c.age)
    )
    cells = [
        DashboardCell(compound_id=c, severity=s, age=a, open=int(n), overdue=int(o or 0))
        for c, s, a, n, o in session.connection().execute(grouped)
    ]
    return Dashboard(
        as_of=now,
        total_open=sum(c.open for c in cells),
        total_overdue=sum(c.overdue for c in cells),
        cells=cells,
    )
