"""Who may see which staff, on top of the shared row scope: a unit liaison's unit counts with
the sections inside it (personnel knows the sections); only hr_officer reads ID numbers in full.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import false, or_
from sqlmodel import Session, col, select

from services.personnel.organisation.models import Unit
from services.personnel.roles import ReadScope
from shared.auth import CurrentPrincipal
from shared.context import Principal
from shared.db import SessionDep
from shared.scope import RowScope


@dataclass(frozen=True)
class StaffScope:
    """The caller's row scope with a liaison's unit widened to its sections (``units``)."""

    rows: RowScope
    units: frozenset[uuid.UUID] | None = None  # None: no unit of its own
    full_ids: bool = False  # may read national ID numbers in full

    @property
    def everything(self) -> bool:
        return self.rows.everything

    def allows(self, staff_id: uuid.UUID, unit_id: uuid.UUID | None) -> bool:
        if self.rows.everything or staff_id == self.rows.staff_id:
            return True
        return self.units is not None and unit_id in self.units

    def condition(self, unit_column: Any, staff_column: Any) -> Any:
        """A WHERE clause limiting a staff query to the scope (None: no limit)."""
        if self.rows.everything:
            return None
        parts = []
        if self.units is not None:
            parts.append(col(unit_column).in_(self.units))
        if self.rows.staff_id is not None:
            parts.append(staff_column == self.rows.staff_id)
        return or_(*parts) if parts else false()


def with_sections(session: Session, unit_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The units and the sections inside them: a budget unit's people include its sections'."""
    sections = session.exec(select(Unit.id).where(col(Unit.parent_id).in_(unit_ids))).all()
    return [*unit_ids, *sections]


def staff_scope(session: Session, principal: Principal, rows: RowScope) -> StaffScope:
    units = None if rows.unit_id is None else frozenset(with_sections(session, [rows.unit_id]))
    return StaffScope(rows=rows, units=units, full_ids="hr_officer" in principal.roles)


FULL_ACCESS = StaffScope(rows=RowScope(everything=True), full_ids=True)


async def _caller_scope(
    session: SessionDep, principal: CurrentPrincipal, rows: ReadScope
) -> StaffScope:
    """Async, so a wide reader's scope costs no thread hop; only a liaison's, which reads the
    unit's sections from the database, is worked out on the thread pool."""
    if rows.unit_id is None:
        return StaffScope(rows=rows, full_ids="hr_officer" in principal.roles)
    return await run_in_threadpool(staff_scope, session, principal, rows)


StaffScopeDep = Annotated[StaffScope, Depends(_caller_scope)]
