"""Escalation of overdue hazards, and its report.

A hazard still open or assigned past its due time escalates to its responsible unit; past
its ``director_due_at`` (the due time plus the same period again) to the director. Each level
is reached once, with its time (``facilities_hazard_escalation``, unique per hazard and
level), so the run may be repeated at will: a second run escalates nothing new. A fixed
hazard awaits its re-inspection and does not escalate.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from services.facilities.hazards.models import Escalation, EscalationLevel, Hazard, HazardStatus
from services.facilities.hazards.schemas import EscalationPublic, EscalationRun
from shared.audit import AuditLog
from shared.bulk import insert_rows, table_of
from shared.pagination import Page, PageParams, paginate
from shared.types import utcnow

ESCALATING = (HazardStatus.OPEN, HazardStatus.ASSIGNED)


def _escalate(session: Session, level: int, name: EscalationLevel, now: datetime) -> int:
    threshold = col(Hazard.due_at) if level == 1 else col(Hazard.director_due_at)
    due = session.exec(
        select(Hazard.id, Hazard.responsible_unit_id, threshold).where(
            col(Hazard.status).in_(ESCALATING), col(Hazard.escalation) < level, threshold < now
        )
    ).all()
    if not due:
        return 0
    rows = [
        {
            "id": uuid.uuid4(),
            "hazard_id": hazard_id,
            "level": name,
            "unit_id": unit_id,
            "escalated_at": now,
            "overdue_hours": int((now - at).total_seconds() // 3600),
        }
        for hazard_id, unit_id, at in due
    ]
    connection = session.connection()
    insert_rows(connection, table_of(Escalation), rows)
    ids = [hazard_id for hazard_id, _, _ in due]
    for start in range(0, len(ids), 500):
        connection.execute(
            update(table_of(Hazard))
            .where(table_of(Hazard).c.id.in_(ids[start : start + 500]))
            .values(escalation=level, version=table_of(Hazard).c.version + 1, updated_at=now)
        )
    return len(rows)


def run(session: Session, audit: AuditLog, *, now: datetime | None = None) -> EscalationRun:
    """Escalate what is overdue now (to the unit, then to the director)."""
    now = now or utcnow()
    to_unit = _escalate(session, 1, EscalationLevel.UNIT, now)
    to_director = _escalate(session, 2, EscalationLevel.DIRECTOR, now)
    result = EscalationRun(to_unit=to_unit, to_director=to_director)
    if to_unit or to_director:
        audit.record(
            session, action="hazard.escalate", resource_type="hazard", after=result.model_dump()
        )
    return result


def report(
    session: Session,
    params: PageParams,
    *,
    level: EscalationLevel | None,
    compound_id: uuid.UUID | None,
) -> Page[EscalationPublic]:
    """Escalations newest first, with their hazards' compound, severity and state."""
    query = select(Escalation, Hazard).join(Hazard, col(Hazard.id) == col(Escalation.hazard_id))
    if level is not None:
        query = query.where(Escalation.level == level)
    if compound_id is not None:
        query = query.where(Hazard.compound_id == compound_id)

    def view(pair: tuple[Escalation, Hazard]) -> EscalationPublic:
        e, h = pair
        return EscalationPublic(
            hazard_id=e.hazard_id,
            level=e.level,
            unit_id=e.unit_id,
            escalated_at=e.escalated_at,
            overdue_hours=e.overdue_hours,
            compound_id=h.compound_id,
            severity=h.severity,
            status=h.status,
            due_at=h.due_at,
        )

    order = (col(Escalation.escalated_at).desc(), col(Escalation.level), col(Escalation.id))
    return paginate(session, query, params, *order, view=view)  # type: ignore[arg-type]
