"""Who may read or write which appraisal data: roles, and the own-unit / own-record scope.

The gateway's policy admits the roles; this module applies the finer rule only personnel can
judge: a ``unit_liaison`` reaches only its own unit (the token's ``unit_id``), ``staff`` only
their own records (the token's ``staff_id``). Everyone else listed reads everything.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import false, or_

from services.personnel.roles import MANAGERS, SCORE_READERS, STAFF_READERS, WIDE_READERS
from shared.auth import CurrentPrincipal, require_roles
from shared.context import Principal
from shared.problems import ProblemError

# schemes and cycles are the rules of the game: every appraisal role may read them
APPRAISAL_READERS = STAFF_READERS
SCORE_WRITERS = ("hr_officer", "unit_liaison")
RESULT_READERS = APPRAISAL_READERS
RECORD_READERS = SCORE_READERS

read_appraisal = [Depends(require_roles(*APPRAISAL_READERS))]
read_scores = [Depends(require_roles(*SCORE_READERS))]
write_scores = [Depends(require_roles(*SCORE_WRITERS))]
read_records = [Depends(require_roles(*RECORD_READERS))]


def forbidden(detail: str) -> ProblemError:
    return ProblemError(403, "OUTSIDE_OWN_SCOPE", detail)


_MISSING = {
    "unit_id": ("NO_UNIT_SCOPE", "this unit liaison has no unit assigned"),
    "staff_id": ("NO_STAFF_RECORD", "this account is not linked to a staff record"),
}


def _claim(principal: Principal, name: str) -> uuid.UUID:
    value = getattr(principal, name)
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ProblemError(403, *_MISSING[name]) from None


@dataclass(frozen=True)
class Scope:
    """What a caller may read: everything, or only one unit and/or one person's records."""

    everything: bool = False
    unit_id: uuid.UUID | None = None
    staff_id: uuid.UUID | None = None

    def allows(self, unit_id: uuid.UUID, staff_id: uuid.UUID) -> bool:
        return self.everything or unit_id == self.unit_id or staff_id == self.staff_id

    def check(self, unit_id: uuid.UUID, staff_id: uuid.UUID) -> None:
        if not self.allows(unit_id, staff_id):
            raise forbidden("you may read only your own unit's or your own records")

    def check_filters(self, unit_id: uuid.UUID | None, staff_id: uuid.UUID | None) -> None:
        """403 when a filter asks explicitly for someone else's unit or records."""
        if self.everything:
            return
        if unit_id is not None and unit_id != self.unit_id:
            raise forbidden(f"unit {unit_id} is not yours")
        if staff_id is not None and staff_id != self.staff_id and self.unit_id is None:
            raise forbidden("you may read only your own records")

    def condition(self, unit_column: Any, staff_column: Any) -> Any:
        """A WHERE clause limiting a query to this scope (None: no limit)."""
        if self.everything:
            return None
        parts = []
        if self.unit_id is not None:
            parts.append(unit_column == self.unit_id)
        if self.staff_id is not None:
            parts.append(staff_column == self.staff_id)
        return or_(*parts) if parts else false()


def scope_of(principal: Principal) -> Scope:
    if principal.has_any(*WIDE_READERS):
        return Scope(everything=True)
    unit_id = _claim(principal, "unit_id") if principal.has_any("unit_liaison") else None
    staff_id = _claim(principal, "staff_id") if principal.has_any("staff") else None
    if unit_id is None and staff_id is None:
        raise ProblemError(403, "FORBIDDEN", "your roles cannot read appraisal data")
    return Scope(unit_id=unit_id, staff_id=staff_id)


async def read_scope(principal: CurrentPrincipal) -> Scope:
    """Dependency: the caller's read scope."""
    return scope_of(principal)


ScopeDep = Annotated[Scope, Depends(read_scope)]


def writer_unit(principal: Principal) -> uuid.UUID | None:
    """The only unit a score writer may touch (None: any unit, for ``hr_officer``)."""
    if principal.has_any(*MANAGERS):
        return None
    return _claim(principal, "unit_id")
