"""Who may see which staff: everyone at the bureau level sees all; a unit liaison sees its own
budget unit and the sections inside it; a member of staff sees only themselves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session, col, select

from services.personnel.organisation.models import Unit
from services.personnel.roles import WIDE_READERS
from shared.context import Principal
from shared.problems import ProblemError

SEE_ALL = frozenset(WIDE_READERS)


@dataclass(frozen=True)
class StaffScope:
    """``units`` None means every unit; ``staff_id`` set means only that person."""

    units: frozenset[uuid.UUID] | None
    staff_id: uuid.UUID | None = None
    full_ids: bool = False  # may read national ID numbers in full

    def allows(self, staff_id: uuid.UUID, unit_id: uuid.UUID | None) -> bool:
        if self.staff_id is not None:
            return staff_id == self.staff_id
        return self.units is None or unit_id in self.units


def claim_uuid(value: str | None) -> uuid.UUID | None:
    """A token claim as a UUID; None when absent or malformed."""
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def with_sections(session: Session, unit_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """The units and the sections inside them: a budget unit's people include its sections'."""
    sections = session.exec(select(Unit.id).where(col(Unit.parent_id).in_(unit_ids))).all()
    return [*unit_ids, *sections]


def scope_for(session: Session, principal: Principal) -> StaffScope:
    full_ids = "hr_officer" in principal.roles
    if not principal.roles.isdisjoint(SEE_ALL):
        return StaffScope(units=None, full_ids=full_ids)
    if "unit_liaison" in principal.roles:
        unit = claim_uuid(principal.unit_id)
        if unit is None:
            raise ProblemError(403, "NO_UNIT_SCOPE", "this unit liaison has no unit assigned")
        return StaffScope(units=frozenset(with_sections(session, [unit])))
    if "staff" in principal.roles:
        own = claim_uuid(principal.staff_id)
        if own is None:
            raise ProblemError(
                403, "NO_STAFF_RECORD", "this account is not linked to a staff record"
            )
        return StaffScope(units=None, staff_id=own)
    raise ProblemError(403, "FORBIDDEN", "staff records are not open to this role")
